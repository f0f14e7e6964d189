"""Forms of the promotions pages: create and edit campaigns, vouchers,
automatic discounts and free-delivery thresholds, and generate codes.

Dates are typed and shown in the shop's time zone (Malaysia time);
amounts are Decimal; a bad value is refused by its field.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kedai.catalog.models import Category, Product
from kedai.promotions.exceptions import VoucherError
from kedai.promotions.models import (
    AutomaticDiscount,
    Campaign,
    FreeDeliveryThreshold,
    Scope,
    Voucher,
)
from kedai.promotions.services import code_normalise

MAX_AMOUNT = Decimal("9999999999.99")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the shop's time zone (``datetime-local``)."""

    widget = forms.DateTimeInput(format=DATETIME_FORMAT,
                                 attrs={"type": "datetime-local"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S",
                                            "%Y-%m-%d %H:%M", "%Y-%m-%d"])
        kwargs.setdefault("help_text", _("Malaysia time. Leave empty for no limit."))
        super().__init__(**kwargs)


def _amount(label, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=Decimal(0),
                              max_value=MAX_AMOUNT, max_digits=12,
                              decimal_places=2, help_text=help_text)


def _percent(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal(0),
                              max_value=Decimal(100), max_digits=5, decimal_places=2)


class _Scheduled(forms.ModelForm):
    """Start, end and pause, shared by every kind."""

    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class _Scoped(_Scheduled):
    """Scope with its categories or products."""

    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), required=False,
        queryset=Category.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Products in these categories and their subcategories."))
    products = forms.ModelMultipleChoiceField(
        label=_("Products"), required=False,
        queryset=Product.objects.filter(archived_at__isnull=True).order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 8}))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        scope = data.get("scope")
        if scope == Scope.CATEGORIES and not data.get("categories"):
            self.add_error("categories", _("Choose at least one category."))
        if scope == Scope.PRODUCTS and not data.get("products"):
            self.add_error("products", _("Choose at least one product."))
        return data


class CampaignForm(_Scheduled):
    class Meta:
        model = Campaign
        fields = ["name", "banner", "starts_at", "ends_at", "is_paused"]


class VoucherForm(_Scoped):
    value = forms.DecimalField(label=_("Value"), min_value=Decimal(0),
                               max_value=MAX_AMOUNT, max_digits=12, decimal_places=2,
                               initial=Decimal(0),
                               help_text=_("Percent, or ringgit off."))
    min_spend = _amount(_("Minimum spend (RM)"), required=False)

    class Meta:
        model = Voucher
        fields = ["code", "campaign", "kind", "value", "scope", "categories",
                  "products", "min_spend", "starts_at", "ends_at", "usage_limit",
                  "per_customer_limit", "combinable", "is_paused"]

    def clean_code(self) -> str:
        try:
            code = code_normalise(self.cleaned_data.get("code"))
        except VoucherError as exc:
            raise forms.ValidationError(exc.message) from None
        taken = Voucher.objects.filter(code__iexact=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another voucher has this code."))
        return code

    def clean(self):
        super().clean()
        data = self.cleaned_data
        value = data.get("value")
        if (data.get("kind") == Voucher.Kind.PERCENT and value is not None
                and value > 100):
            self.add_error("value", _("A percentage is between 0 and 100."))
        limit = data.get("usage_limit")
        if limit is not None and limit < self.instance.times_used:
            self.add_error("usage_limit", _("This code has been used more often "
                                            "than that already."))
        return data


class AutomaticDiscountForm(_Scoped):
    value = _percent(_("Percent off"))

    class Meta:
        model = AutomaticDiscount
        fields = ["name", "campaign", "kind", "value", "buy_quantity",
                  "get_quantity", "scope", "categories", "products", "starts_at",
                  "ends_at", "is_paused"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for name in ("buy_quantity", "get_quantity"):
            if data.get(name) is not None and data[name] < 1:
                self.add_error(name, _("At least 1."))
        return data


class FreeDeliveryThresholdForm(_Scheduled):
    min_subtotal = _amount(_("Free above (RM)"))

    class Meta:
        model = FreeDeliveryThreshold
        fields = ["zone", "min_subtotal", "campaign", "starts_at", "ends_at",
                  "is_paused"]


class GenerateForm(forms.Form):
    code_prefix = forms.CharField(label=_("Prefix"), max_length=12, required=False,
                                  help_text=_("Letters, digits and dashes, up to 12."))
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=10_000,
                               initial=100)

    def clean_code_prefix(self) -> str:
        prefix = self.cleaned_data.get("code_prefix", "").strip().upper()
        if prefix:
            try:
                code_normalise(prefix)
            except VoucherError:
                raise forms.ValidationError(_("Letters, digits and dashes only."),
                                            code="invalid") from None
        return prefix
