"""Forms of the orders pages: they parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kedai.backoffice.orders.selectors import OrderFilters
from kedai.backoffice.orders.services import MAX_BULK_ORDERS
from kedai.orders.models import Order, OrderStatus
from kedai.payments.refunds import LineReturn
from kedai.payments.registry import OFFLINE_METHODS
from kedai.shipping.models import Carrier

ANY = [("", _("Any"))]


def _method_choices() -> list[tuple[str, str]]:
    from django.conf import settings

    codes = dict.fromkeys([*OFFLINE_METHODS, *settings.KEDAI_PAYMENT_METHODS,
                           *getattr(settings, "KEDAI_PAYMENT_GATEWAYS", {})])
    return [(code, code.replace("_", " ").title()) for code in codes]


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "type": "search",
                            "placeholder": _("Order number, name, phone or email")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=ANY + list(OrderStatus.choices))
    payment = forms.ChoiceField(label=_("Payment"), required=False, choices=ANY + [
        ("unpaid", _("Unpaid")), ("pending", _("Pending")), ("paid", _("Paid")),
        ("refunded", _("Refunded"))])
    fulfilment = forms.ChoiceField(label=_("Fulfilment"), required=False,
                                   choices=ANY + [("unfulfilled", _("Unfulfilled")),
                                                  ("shipped", _("Shipped")),
                                                  ("delivered", _("Delivered"))])
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(format="%Y-%m-%d",
                                                       attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(format="%Y-%m-%d",
                                                     attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Payment method"), required=False)
    carrier = forms.ChoiceField(label=_("Carrier"), required=False,
                                choices=ANY + list(Carrier.choices))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [*ANY, *_method_choices()]

    def filters(self) -> OrderFilters:
        """The valid filters; a field with an error filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return OrderFilters(
            status=data.get("status") or "", payment=data.get("payment") or "",
            fulfilment=data.get("fulfilment") or "",
            date_from=data.get("date_from"), date_to=data.get("date_to"),
            method=data.get("method") or "", carrier=data.get("carrier") or "",
            q=data.get("q") or "")


class BulkForm(forms.Form):
    ACTIONS = [
        ("mark_paid", _("Mark paid (offline payment)")),
        ("mark_packed", _("Mark packed")),
        ("slips", _("Print packing slips")),
        ("thermal_labels", _("Print shipping labels (100 × 150 mm)")),
        ("labels", _("Print address labels (A4 sheet)")),
        ("tracking", _("Add tracking numbers")),
        ("export", _("Export as CSV")),
    ]
    action = forms.ChoiceField(label=_("With the selected orders"), choices=ACTIONS)
    reference = forms.CharField(label=_("Payment reference"), required=False,
                                max_length=100)

    def clean(self) -> dict:
        data = super().clean() or {}
        ticked = (self.data.getlist("orders") if isinstance(self.data, QueryDict)
                  else list(self.data.get("orders") or []))
        numbers = [n.strip().upper() for n in ticked
                   if n.strip()][:MAX_BULK_ORDERS + 1]
        if not numbers:
            raise forms.ValidationError(_("Select at least one order."))
        if len(numbers) > MAX_BULK_ORDERS:
            raise forms.ValidationError(_("Select at most %(max)d orders at once.")
                                        % {"max": MAX_BULK_ORDERS})
        data["orders"] = list(dict.fromkeys(numbers))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Internal note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    # Shipping, refunding and cancelling have their own forms.
    to = forms.ChoiceField(choices=[(OrderStatus.PROCESSING, _("Mark packed")),
                                    (OrderStatus.DELIVERED, _("Mark delivered"))])


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class MarkPaidForm(forms.Form):
    reference = forms.CharField(label=_("Bank or receipt reference"), max_length=100)


class FulfilForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=Carrier.choices)
    tracking = forms.CharField(
        label=_("Tracking number (type or scan)"), max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                      "inputmode": "text"}))
    more = forms.CharField(
        label=_("More parcels: one tracking number per line"), required=False,
        max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def numbers(self) -> list[str]:
        return [self.cleaned_data["tracking"],
                *self.cleaned_data.get("more", "").splitlines()]


class RefundForm(forms.Form):
    """Per line: quantity to refund and whether it goes back to stock."""

    reason = forms.CharField(label=_("Reason"), max_length=255)
    include_shipping = forms.BooleanField(label=_("Refund the shipping charge too"),
                                          required=False)
    manual = forms.BooleanField(
        label=_("Record only: I gave the money back myself (bank transfer, "
                "gateway portal)"), required=False)

    def __init__(self, *args, order: Order, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.line_fields = []
        for line in order.lines.all():
            left = line.quantity - line.quantity_refunded
            qty = f"qty_{line.pk}"
            restock = f"restock_{line.pk}"
            self.fields[qty] = forms.IntegerField(
                label=line.sku, min_value=0, max_value=max(left, 0), initial=0,
                required=False)
            self.fields[restock] = forms.BooleanField(
                label=_("Back to stock"), required=False)
            self.line_fields.append((line, self[qty], self[restock], left))

    def returns(self) -> list[LineReturn]:
        items = []
        for line, _qty, _restock, _left in self.line_fields:
            quantity = self.cleaned_data.get(f"qty_{line.pk}") or 0
            if quantity:
                restock = quantity if self.cleaned_data.get(f"restock_{line.pk}") else 0
                items.append(LineReturn(line_id=line.pk, quantity=quantity,
                                        restock=restock))
        return items


class TrackingUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file: order number, carrier, tracking number"))


class TrackingApplyForm(forms.Form):
    # The previewed rows travel back as CSV text: nothing is stored between
    # preview and apply, and apply checks everything again.
    rows = forms.CharField(widget=forms.HiddenInput, max_length=1_000_000)
