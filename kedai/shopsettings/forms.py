"""Forms of the settings pages: they parse and check; services save."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kedai.catalog.models import Category, FrontPage, Product
from kedai.core.forms import IdModelMultipleChoiceField
from kedai.customers.addressing import (
    STATES,
    normalise_phone,
    normalise_postcode,
    validate_postcode_state,
)
from kedai.customers.einvoice import einvoice_clean
from kedai.invoicing.models import SellerProfile
from kedai.shopsettings.models import LegalPage, ThemeSettings
from kedai.shopsettings.selectors import SERIES
from kedai.shopsettings.wording import wording_check

_BRN_NEW = re.compile(r"^\d{12}$")
_MSIC = re.compile(r"^\d{5}$")
_HEX = re.compile(r"^#[0-9a-f]{6}$")


def _compact(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


class SellerProfileForm(forms.ModelForm):
    """The legal identity printed on every document."""

    state_code = forms.ChoiceField(label=_("State"), choices=STATES)

    class Meta:
        model = SellerProfile
        fields = ["legal_name", "registration_number", "sst_number", "tin",
                  "tourism_tax_number", "msic_code", "business_activity",
                  "address_line1", "address_line2", "postcode", "city",
                  "state_code", "phone", "email", "owner_email", "invoice_footer"]
        widgets = {"invoice_footer": forms.Textarea(attrs={"rows": 3})}

    def clean_registration_number(self) -> str:
        value = _compact(self.cleaned_data.get("registration_number", ""))
        if value and not _BRN_NEW.match(value):
            raise ValidationError(
                _("Enter the new 12-digit SSM registration number, e.g. "
                  "202001234567."), code="brn")
        return value

    def clean_msic_code(self) -> str:
        value = (self.cleaned_data.get("msic_code") or "").strip()
        if not _MSIC.match(value):
            raise ValidationError(_("An MSIC code is 5 digits, e.g. 47912."),
                                  code="msic")
        return value

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        postcode, state = data.get("postcode"), data.get("state_code")
        if postcode and state:
            try:
                validate_postcode_state(postcode, state)
            except ValidationError as error:
                self.add_error("postcode", error)
        # The same TIN and SST rules as buyers' e-invoice details; the
        # seller may leave either empty until registered.
        try:
            identity = einvoice_clean(tin=data.get("tin", ""), id_type="BRN",
                                      id_number=data.get("registration_number", ""),
                                      sst_number=data.get("sst_number", ""))
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                target = {"tin": "tin", "sst_number": "sst_number"}.get(name)
                for item in errors:
                    if target and item.code != "required" and target not in self.errors:
                        self.add_error(target, item)
            data["tin"] = _compact(data.get("tin", ""))
            sst = (data.get("sst_number") or "").strip().upper().replace(" ", "")
            data["sst_number"] = "" if sst in ("NA", "N/A") else sst
        else:
            data["tin"], data["sst_number"] = identity.tin, identity.sst_number
        return data


class BrandingForm(forms.ModelForm):
    """The store's name, tagline and logo (the catalogue's front-page row)."""

    class Meta:
        model = FrontPage
        fields = ["store_name", "tagline", "logo"]


class FrontPageForm(forms.ModelForm):
    """Banner, announcement, featured items and where search boxes show."""

    featured_categories = IdModelMultipleChoiceField(
        label=_("Featured categories"), required=False,
        queryset=Category.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple)
    featured_products_text = forms.CharField(
        label=_("Featured products"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Product codes (SKU) or web addresses (slug), separated by "
                    "commas or new lines; at most 24."))

    class Meta:
        model = FrontPage
        fields = ["announcement", "hero_title", "hero_text", "hero_image",
                  "hero_link_label", "hero_link_category", "featured_categories",
                  "search_in_header", "search_on_front_page",
                  "search_on_category_pages"]
        widgets = {"hero_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hero_link_category"].queryset = (  # type: ignore[attr-defined]
            Category.objects.filter(is_active=True).order_by("name"))
        if self.instance.pk and not self.is_bound:
            self.initial["featured_products_text"] = "\n".join(
                self.instance.featured_products.order_by("name")
                .values_list("slug", flat=True))

    def clean_featured_products_text(self) -> list[Product]:
        text = self.cleaned_data.get("featured_products_text", "")
        codes = [c for c in re.split(r"[\s,]+", text) if c]
        codes = list(dict.fromkeys(codes))
        if len(codes) > 24:
            raise ValidationError(_("Feature at most 24 products."), code="too_many")
        products: list[Product] = []
        missing = []
        for code in codes:
            product = (Product.objects.filter(slug=code).first()
                       or Product.objects.filter(variants__sku__iexact=code)
                       .distinct().first())
            if product is None:
                missing.append(code)
            elif product not in products:
                products.append(product)
        if missing:
            raise ValidationError(_("No product has the code or address: "
                                    "%(codes)s."), code="unknown_product",
                                  params={"codes": ", ".join(missing)})
        return products

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("hero_link_label") and not data.get("hero_link_category"):
            self.add_error("hero_link_category",
                           _("Choose where the banner button leads."))
        return data


class PaymentSwitchForm(forms.Form):
    enabled = forms.BooleanField(label=_("Offer at checkout"), required=False)
    sandbox = forms.BooleanField(label=_("Use the sandbox"), required=False)


class NumberingStartForm(forms.Form):
    series = forms.ChoiceField(label=_("Series"),
                               choices=[(code, f"{code} · {label}")
                                        for code, label, _y in SERIES])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000,
                              max_value=2200,
                              help_text=_("Not used for customer numbers."))
    first_number = forms.IntegerField(label=_("First number"), min_value=2,
                                      max_value=10**12)


class EmailWordingForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    intro = forms.CharField(label=_("Intro"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    footer = forms.CharField(label=_("Footer"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, event: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def _checked(self, name: str) -> str:
        text = self.cleaned_data.get(name, "")
        wording_check(text, event=self.event)
        return text

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_intro(self) -> str:
        return self._checked("intro")

    def clean_footer(self) -> str:
        return self._checked("footer")


def _luminance(colour: str) -> float:
    def channel(pair: str) -> float:
        c = int(pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


class ThemeForm(forms.ModelForm):
    """The storefront's colours, font and favicon."""

    class Meta:
        model = ThemeSettings
        fields = ["brand_colour", "accent_colour", "font", "favicon"]
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"}),
                   "accent_colour": forms.TextInput(attrs={"type": "color"}),
                   "font": forms.RadioSelect}

    def _colour(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip().lower()
        if not _HEX.match(value):
            raise ValidationError(_("Enter a colour as # and six hex digits, "
                                    "e.g. #1f4d3a."), code="colour")
        return value

    def clean_brand_colour(self) -> str:
        value = self._colour("brand_colour")
        # Links and button labels must stay readable (WCAG AA, 4.5:1 on white).
        if 1.05 / (_luminance(value) + 0.05) < 4.5:
            raise ValidationError(_("This colour is too light for text on a "
                                    "white page; choose a darker one."),
                                  code="contrast")
        return value

    def clean_accent_colour(self) -> str:
        return self._colour("accent_colour")


class ShopPageForm(forms.ModelForm):
    """The owner's texts of one trust page (empty: the starting text)."""

    class Meta:
        model = LegalPage
        fields = ["title_en", "body_en", "title_ms", "body_ms"]
        widgets = {"body_en": forms.Textarea(attrs={"rows": 16}),
                   "body_ms": forms.Textarea(attrs={"rows": 16})}
