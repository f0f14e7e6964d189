"""Storefront forms: parse and validate shopper input, nothing else."""

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from kedai.catalog.search.base import SORTS
from kedai.core.forms import IdField

SORT_CHOICES = [
    ("", _("Best match")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
    ("name", _("Name")),
]
assert {c for c, _label in SORT_CHOICES if c} <= set(SORTS)

_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s]*$")


def safe_next(value: str) -> str:
    """Return ``value`` if it is a storefront path on this site, else ''."""
    if not value or len(value) > 500 or not _LOCAL_PATH.match(value):
        return ""
    try:
        match = resolve(value.split("?", 1)[0])
    except Resolver404:
        return ""
    return value if match.namespace == "storefront" else ""


class ListingForm(forms.Form):
    """Filters, sorting and paging of category and search pages.

    Invalid values are dropped rather than failing the whole page: a
    shopper always gets results or "nothing found".
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=1000,
                        strip=True)
    category = forms.SlugField(label=_("Category"), required=False)
    min_price = forms.DecimalField(label=_("Min price (RM)"), required=False,
                                   min_value=Decimal("0"), max_digits=12,
                                   decimal_places=2)
    max_price = forms.DecimalField(label=_("Max price (RM)"), required=False,
                                   min_value=Decimal("0"), max_digits=12,
                                   decimal_places=2)
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sale = forms.BooleanField(label=_("On sale"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES,
                             required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    per_page = forms.IntegerField(required=False, min_value=1,
                                  max_value=settings.KEDAI_PAGE_SIZE_MAX)

    def __init__(self, data, *args, **kwargs):
        # Browsers send long queries; cut before validation instead of failing.
        data = data.copy()
        if len(data.get("q", "")) > 1000:
            data["q"] = data["q"][:1000]
        super().__init__(data, *args, **kwargs)

    def valid_value(self, name, default=None):
        """The cleaned value of one field, or ``default`` if it was invalid."""
        self.is_valid()
        if name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class AddToCartForm(forms.Form):
    variant = IdField(required=False, widget=forms.HiddenInput)
    product = IdField(required=False, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), initial=1, min_value=1,
        max_value=settings.KEDAI_CART_MAX_LINE_QUANTITY,
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter a quantity of at least 1."),
            "max_value": _("You can buy at most %(limit_value)s of one item."),
            "required": _("Enter a quantity."),
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self):
        return safe_next(self.cleaned_data.get("next", ""))

    def clean(self):
        data = super().clean() or {}
        if not data.get("variant") and not data.get("product"):
            raise forms.ValidationError(_("Please choose an option."))
        return data


class LineQuantityForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1,
        max_value=settings.KEDAI_CART_MAX_LINE_QUANTITY, required=False,
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter a quantity of at least 1, or remove the item."),
            "max_value": _("You can buy at most %(limit_value)s of one item."),
        },
    )
    action = forms.ChoiceField(choices=[("update", "update"), ("remove", "remove")],
                               required=False)

    def clean(self):
        data = super().clean() or {}
        if data.get("action") != "remove" and data.get("quantity") is None \
                and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter a quantity."))
        return data


class EmailCartForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)


class OrderLookupForm(forms.Form):
    number = forms.RegexField(
        label=_("Order number"), regex=r"^\s*[A-Za-z]{1,4}-\d{4}-\d{1,9}\s*$",
        max_length=30, error_messages={"invalid": _("Order numbers look like "
                                                    "KD-2026-000123.")})
    email = forms.EmailField(label=_("Email used for the order"), max_length=254)

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()
