"""Forms of the shipping set-up pages (/office/shipping/)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedai.shipping.models import (
    RATE_CARD_CARRIERS,
    Carrier,
    MethodBand,
    ShippingMethod,
)
from kedai.shipping.zones import Zone

MAX_UPLOAD_BYTES = 1_000_000


class ShippingMethodForm(forms.ModelForm):
    """Name, kind, zones, ETA, charge, free-from amount, limits, order."""

    zones = forms.MultipleChoiceField(
        label=gettext_lazy("Zones served"), choices=Zone.choices, required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ShippingMethod
        fields = ["name", "kind", "zones", "eta", "charge", "free_over",
                  "max_weight_kg", "is_active", "position"]


class BaseBandFormSet(forms.BaseInlineFormSet):
    """Weight bands of a "weight bands" method: one zone + weight once."""

    def clean(self) -> None:
        super().clean()
        seen: set[tuple[str, object]] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or "zone" not in data:
                continue
            key = (data["zone"], data.get("up_to_kg"))
            if key in seen:
                form.add_error("up_to_kg", _("This zone has a band up to this "
                                             "weight already."))
            seen.add(key)


BandFormSet = forms.inlineformset_factory(
    ShippingMethod, MethodBand, formset=BaseBandFormSet,
    fields=["zone", "up_to_kg", "charge"], extra=3, can_delete=True,
    max_num=200, validate_max=True)


class RateCardUploadForm(forms.Form):
    """A rate card CSV for a carrier: checked and previewed before use."""

    carrier = forms.ChoiceField(
        label=gettext_lazy("Carrier"),
        choices=[(c.value, c.label) for c in RATE_CARD_CARRIERS])
    file = forms.FileField(label=gettext_lazy("Rate card CSV"))
    version = forms.CharField(
        label=gettext_lazy("Version name"), max_length=60, required=False,
        help_text=gettext_lazy("For example “2026 contract”. Empty: the upload "
                               "time."))
    effective_date = forms.DateField(
        label=gettext_lazy("Effective from"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=gettext_lazy("The date the carrier's prices took effect."))
    activate = forms.BooleanField(
        label=gettext_lazy("Use this card at checkout once confirmed"),
        required=False, initial=True)

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise ValidationError(_("Upload a .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("Save the file as CSV (UTF-8).")) from None

    def clean_effective_date(self):
        value = self.cleaned_data["effective_date"]
        if value.year < 2000 or value > timezone.localdate().replace(
                year=timezone.localdate().year + 2):
            raise ValidationError(_("Enter a date between 2000 and two years "
                                    "from now."))
        return value


class RateCardConfirmForm(forms.Form):
    """The checked upload, carried to the confirmation (checked again)."""

    carrier = forms.ChoiceField(
        choices=[(c.value, c.label) for c in RATE_CARD_CARRIERS],
        widget=forms.HiddenInput)
    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False,
                               max_length=MAX_UPLOAD_BYTES)
    version = forms.CharField(max_length=60, required=False,
                              widget=forms.HiddenInput)
    effective_date = forms.DateField(widget=forms.HiddenInput)
    activate = forms.BooleanField(required=False, widget=forms.HiddenInput)


def carrier_label(carrier: str) -> str:
    return str(Carrier(carrier).label)
