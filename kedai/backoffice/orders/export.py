"""The orders list's selection as CSV, safe to open in a spreadsheet.

Text cells that a spreadsheet would run as a formula (starting with
``= + - @``, tab, carriage return or NUL) get a leading ``'``
(OWASP CSV Injection); amounts are numbers and are left alone, so a
negative number stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone

from kedai.core.labels import payment_method_label
from kedai.orders.models import Order, OrderStatus

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

HEADER = [
    "Order number", "Placed at", "Status", "Payment", "Fulfilment",
    "Customer ID", "Name", "Email", "Phone", "Shipping name", "Address line 1",
    "Address line 2", "City", "Postcode", "State", "Payment method",
    "Paid through", "Payment reference", "Payment entered by", "Shipping method",
    "Carriers", "Tracking numbers", "Items", "Subtotal", "Shipping", "Tax", "Total",
    "Currency",
]


def cell_escape(value: str) -> str:
    """Prefix a text cell with ``'`` if a spreadsheet would run it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _paid(order: Order) -> tuple[str, str, str]:
    """The payment that paid the order: its gateway, the reference typed
    in "Mark paid" (or the gateway's own), and who entered it."""
    from kedai.payments.gateways.offline import OFFLINE_METHODS

    payment = next((p for p in order.payments.all() if p.pays_order), None)
    if payment is None:
        return "", "", ""
    reference = (payment.transaction_id if payment.gateway in OFFLINE_METHODS
                 else payment.gateway_reference or payment.transaction_id)
    return payment_method_label(payment.gateway), reference, payment.actor


def _row(order: Order) -> list[str]:
    ship = order.shipping_address or {}
    shipments = list(order.shipments.all())
    text = [
        order.number,
        # Malaysian dates (dd/mm/yyyy) in the shop's time zone.
        timezone.localtime(order.created_at).strftime("%d/%m/%Y %H:%M"),
        str(OrderStatus(order.status).label),
        getattr(order, "payment_state", ""),
        getattr(order, "fulfilment_state", ""),
        order.customer.number,
        order.customer.name,
        order.email, order.phone,
        ship.get("name", ""), ship.get("line1", ""), ship.get("line2", ""),
        ship.get("city", ""), ship.get("postcode", ""), ship.get("state_code", ""),
        payment_method_label(order.payment_method), *_paid(order),
        order.shipping_method,
        ", ".join(dict.fromkeys(s.get_carrier_display() for s in shipments)),
        ", ".join(p.tracking_number for s in shipments for p in s.parcels.all()),
        "; ".join(f"{line.quantity} x {line.sku}" for line in order.lines.all()),
    ]
    numbers = [order.subtotal, order.shipping_total, order.tax_total, order.total]
    return ([cell_escape(str(v)) for v in text] + [str(n) for n in numbers]
            + [order.currency])


def orders_csv(orders: Iterable[Order]) -> str:
    """The orders as CSV text (UTF-8 BOM added by the view for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for order in orders:
        writer.writerow(_row(order))
    return out.getvalue()
