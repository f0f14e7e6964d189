"""Forms of the reports pages: the stock filter and a variant's threshold."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kedai.catalog.models import Variant
from kedai.core.forms import IdModelChoiceField
from kedai.reports.services import MAX_THRESHOLD


class StockFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("low", _("Low stock")), ("out", _("Sold out")), ("all", _("All variants"))])
    q = forms.CharField(label=_("SKU or product name"), required=False,
                        max_length=100)


class StockAlertForm(forms.Form):
    """One variant's own threshold; blank (or "use the shop's") removes it."""

    variant = IdModelChoiceField(queryset=Variant.objects.all(),
                                     widget=forms.HiddenInput)
    threshold = forms.IntegerField(label=_("Threshold"), required=False,
                                   min_value=0, max_value=MAX_THRESHOLD)
    reset = forms.BooleanField(required=False)
