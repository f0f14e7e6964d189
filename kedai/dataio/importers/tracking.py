"""Uploads of tracking numbers: one parcel per row."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedai.dataio.importers.base import (
    Change,
    Importer,
    Plan,
)
from kedai.dataio.readers import (
    text_value,
)

# --- Tracking numbers ----------------------------------------------------------------

class TrackingImporter(Importer):
    """Order number, carrier, tracking number: one parcel per row."""

    kind = "tracking_numbers"
    label = gettext_lazy("Tracking numbers")
    key = "tracking_number"
    columns = ("order", "carrier", "tracking_number")

    def plan_chunk(self, plan, chunk, present):
        from kedai.orders.models import Order
        from kedai.shipping.models import Carrier, ShipmentParcel
        from kedai.shipping.services import SHIPPABLE, tracking_numbers_clean

        carriers = {c.value: c.value for c in Carrier}
        carriers.update({str(c.label).lower(): c.value for c in Carrier})
        numbers = {text_value(v.get("order")) for _n, _k, v in chunk}
        orders = {o.number: o for o in Order.objects.filter(number__in=numbers)}
        recorded = set(ShipmentParcel.objects.filter(
            shipment__order__number__in=numbers).values_list(
            "shipment__order__number", "tracking_number"))
        groups = plan.work.setdefault("groups", {})
        for number, key, values in chunk:
            order_number = text_value(values.get("order"))
            carrier = carriers.get(text_value(values.get("carrier")).lower())
            order = orders.get(order_number)
            if order is None:
                plan.errors.append((number, _("Order “%(number)s” does not exist.")
                                    % {"number": order_number}))
                continue
            if carrier is None:
                plan.errors.append((number, _("Carrier “%(carrier)s” is not one "
                                              "of: %(list)s.") % {
                    "carrier": text_value(values.get("carrier")),
                    "list": ", ".join(Carrier.values)}))
                continue
            try:
                tracking = tracking_numbers_clean([key])[0]
            except Exception as exc:  # ShippingError
                plan.errors.append((number, str(exc)))
                continue
            if (order_number, tracking) in recorded:
                continue
            if order.status not in SHIPPABLE and order.status != "shipped":
                plan.errors.append((number, _("Order %(number)s is “%(status)s” "
                                              "and cannot be shipped.") % {
                    "number": order_number, "status": order.get_status_display()}))
                continue
            plan.changes.append(Change(number, order_number, "create",
                                       {"carrier": [None, carrier],
                                        "tracking_number": [None, tracking]}))
            groups.setdefault(f"{order_number}|{carrier}", []).append(tracking)

    def apply(self, plan: Plan, *, actor: str) -> None:
        from kedai.orders.models import Order
        from kedai.shipping.services import shipment_record

        for group, numbers in plan.work.get("groups", {}).items():
            order_number, carrier = group.split("|")
            shipment_record(order=Order.objects.get(number=order_number),
                            carrier=carrier, tracking_numbers=numbers, actor=actor)

