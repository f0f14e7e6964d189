"""Shipping in the back office: methods, rate cards (CSV in and out), shipments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin, TabularInline

from kedai.orders.models import OrderStatus
from kedai.shipping.exceptions import RateCardInvalid, ShippingError
from kedai.shipping.models import (
    Carrier,
    MethodBand,
    RateBand,
    RateCard,
    Shipment,
    ShipmentParcel,
    ShippingMethod,
)
from kedai.shipping.ratecards import bands_diff, bands_parse
from kedai.shipping.selectors import products_without_weight
from kedai.shipping.services import (
    SHIPPABLE,
    rate_card_csv,
    rate_card_replace,
    shipment_record,
    tracking_numbers_clean,
)
from kedai.shipping.tracking import tracking_url
from kedai.shipping.zones import Zone

MAX_UPLOAD_BYTES = 1_000_000


def _actor(request: HttpRequest) -> str:
    return f"staff {request.user.get_username()}"


# --- store methods ----------------------------------------------------------------


class ShippingMethodForm(forms.ModelForm):
    zones = forms.MultipleChoiceField(
        label=gettext_lazy("zones served"), choices=Zone.choices, required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ShippingMethod
        fields = ["name", "kind", "zones", "eta", "charge", "free_over",
                  "max_weight_kg", "is_active", "position"]


class MethodBandInline(TabularInline):
    model = MethodBand
    extra = 0
    fields = ["zone", "up_to_kg", "charge"]


def warn_weightless_products(request: HttpRequest) -> None:
    """Tell the owner which products have no weight (prices too low)."""
    variants = list(products_without_weight()[:11])
    if variants:
        names = ", ".join(f"{v.product.name} ({v.sku})" for v in variants[:10])
        more = _(" and more") if len(variants) > 10 else ""
        messages.warning(request, _(
            "These products have no weight, so carrier prices for them are too "
            "low: %(names)s%(more)s.") % {"names": names, "more": more})


@admin.register(ShippingMethod)
class ShippingMethodAdmin(ModelAdmin):
    form = ShippingMethodForm
    inlines = [MethodBandInline]
    list_display = ["name", "kind", "zones_served", "charge", "free_over", "eta",
                    "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["kind", "is_active"]

    @admin.display(description=gettext_lazy("zones served"))
    def zones_served(self, obj: ShippingMethod) -> str:
        return ", ".join(str(Zone(z).label) for z in obj.zones) or "—"

    def changelist_view(self, request, extra_context=None):
        warn_weightless_products(request)
        return super().changelist_view(request, extra_context)


# --- rate cards -------------------------------------------------------------------


class RateBandInline(TabularInline):
    model = RateBand
    extra = 0
    can_delete = False
    fields = readonly_fields = ("zone", "from_kg", "to_kg", "base_price", "base_kg",
                                "step_price", "step_kg", "eta")
    verbose_name_plural = gettext_lazy("bands (change them by uploading a CSV)")

    def has_add_permission(self, request, obj=None):
        return False


class RateCardUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Rate card CSV"))
    version = forms.CharField(label=gettext_lazy("New version name"), max_length=60,
                              required=False,
                              help_text=gettext_lazy("Empty: the upload time."))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("Save the file as CSV (UTF-8).")) from None


class RateCardConfirmForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    version = forms.CharField(max_length=60, required=False, widget=forms.HiddenInput)


@admin.register(RateCard)
class RateCardAdmin(ModelAdmin):
    inlines = [RateBandInline]
    list_display = ["__str__", "carrier", "version", "effective_date", "is_active",
                    "is_sample", "created_at", "csv_links"]
    list_filter = ["carrier", "is_active", "is_sample"]
    readonly_fields = ["carrier", "version", "effective_date", "is_active",
                       "is_sample", "created_at", "created_by", "csv_links"]
    fields = ["carrier", "version", "effective_date", "is_active", "is_sample",
              "source",
              "csv_links", "currency", "volumetric_divisor", "rounding_step_kg",
              "max_weight_kg", "max_length_cm", "fuel_surcharge_pct",
              "handling_surcharge_pct", "service_tax_pct", "air_surcharge_price",
              "air_surcharge_step_kg", "air_surcharge_free_kg", "created_at",
              "created_by"]
    actions = ["make_active"]

    def has_add_permission(self, request):
        return False  # cards come from data files or from an upload

    @admin.display(description=gettext_lazy("CSV"))
    def csv_links(self, obj: RateCard) -> str:
        if obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:shipping_ratecard_download", args=[obj.pk]), _("Download"),
            reverse("admin:shipping_ratecard_upload", args=[obj.pk]),
            _("Upload an edited copy"))

    @admin.action(description=gettext_lazy("Use the selected card for its carrier"))
    def make_active(self, request, queryset):
        with transaction.atomic():
            for card in queryset.order_by("carrier", "-created_at"):
                RateCard.objects.filter(carrier=card.carrier).exclude(
                    pk=card.pk).update(is_active=False)
                RateCard.objects.filter(pk=card.pk).update(is_active=True)

    def get_urls(self):
        return [
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view),
                 name="shipping_ratecard_download"),
            path("<int:pk>/upload/", self.admin_site.admin_view(self.upload_view),
                 name="shipping_ratecard_upload"),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        card = get_object_or_404(RateCard, pk=pk)
        if not self.has_view_permission(request, card):
            raise admin.sites.PermissionDenied  # type: ignore[attr-defined]
        response = HttpResponse(rate_card_csv(card=card),
                                content_type="text/csv; charset=utf-8")
        filename = f"ratecard-{card.carrier}-{slugify(card.version)}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def upload_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Upload -> validate -> preview of changes -> confirm -> new version."""
        card = get_object_or_404(RateCard, pk=pk)
        if not self.has_change_permission(request, card):
            raise admin.sites.PermissionDenied  # type: ignore[attr-defined]
        context: dict[str, Any] = {
            **self.admin_site.each_context(request), "card": card,
            "opts": self.model._meta, "title": _("Upload a rate card for %(card)s")
            % {"card": card}, "errors": [], "changes": None,
        }
        form: forms.Form = RateCardUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            confirm = RateCardConfirmForm(request.POST)
            if confirm.is_valid():
                try:
                    new = rate_card_replace(card=card,
                                            csv_text=confirm.cleaned_data["csv_text"],
                                            version=confirm.cleaned_data["version"],
                                            actor=_actor(request))
                except RateCardInvalid as exc:
                    context["errors"] = exc.errors
                except ShippingError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("%(card)s is now in use.")
                                     % {"card": new})
                    return HttpResponseRedirect(
                        reverse("admin:shipping_ratecard_change", args=[new.pk]))
        elif request.method == "POST":
            form = RateCardUploadForm(request.POST, request.FILES)
            if form.is_valid():
                text = form.cleaned_data["file"]
                try:
                    bands = bands_parse(text)
                except RateCardInvalid as exc:
                    context["errors"] = exc.errors
                else:
                    context["changes"] = bands_diff(
                        [b.as_band() for b in card.bands.all()], bands)
                    context["confirm_form"] = RateCardConfirmForm(initial={
                        "csv_text": text, "version": form.cleaned_data["version"]})
        context["form"] = form
        return TemplateResponse(request, "admin/shipping/ratecard/upload.html",
                                context, status=400 if context["errors"] else 200)


# --- shipments --------------------------------------------------------------------


class ShipmentForm(forms.ModelForm):
    tracking_numbers = forms.CharField(
        label=gettext_lazy("tracking numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per parcel, one per line."))

    class Meta:
        model = Shipment
        fields = ["order", "carrier"]


class ShipmentParcelInline(TabularInline):
    model = ShipmentParcel
    extra = 0
    can_delete = False
    fields = readonly_fields = ("tracking_number", "tracking_link")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("tracking"))
    def tracking_link(self, obj: ShipmentParcel) -> str:
        url = tracking_url(obj.shipment.carrier, obj.tracking_number)
        if not url:
            return ""
        return format_html('<a href="{}" rel="noreferrer">{}</a>', url, url)


@admin.register(Shipment)
class ShipmentAdmin(ModelAdmin):
    """Record a shipment (order becomes shipped); read recorded ones."""

    form = ShipmentForm
    list_display = ["order", "carrier", "numbers", "created_at", "actor"]
    list_filter = ["carrier", "created_at"]
    search_fields = ["order__number", "parcels__tracking_number"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]

    def get_inlines(self, request, obj):
        return [ShipmentParcelInline] if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["order", "carrier", "tracking_numbers"]
        return ["order", "carrier", "created_at", "actor"]

    def get_readonly_fields(self, request, obj=None):
        return ["order", "carrier", "created_at", "actor"] if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("carrier", Carrier.POSLAJU)
        return initial

    @admin.display(description=gettext_lazy("tracking numbers"))
    def numbers(self, obj: Shipment) -> str:
        return ", ".join(p.tracking_number for p in obj.parcels.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("parcels")

    def has_delete_permission(self, request, obj=None):
        return False  # the order's tracking history refers to it

    def save_model(self, request, obj, form, change):
        if change:
            return
        # shipment_record validates and writes everything in one transaction;
        # refusals were reported by the form (see _post_clean below).
        shipment = shipment_record(
            order=form.cleaned_data["order"], carrier=form.cleaned_data["carrier"],
            tracking_numbers=form.cleaned_data["tracking_numbers"].splitlines(),
            actor=_actor(request))
        obj.pk, obj.actor, obj.created_at = (shipment.pk, shipment.actor,
                                             shipment.created_at)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form_class

        class RecordForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self):
                cleaned = super().clean()
                order = cleaned.get("order")
                numbers = cleaned.get("tracking_numbers", "")
                if order is not None and numbers:
                    try:
                        tracking_numbers_clean(numbers.splitlines())
                    except ShippingError as exc:
                        self.add_error("tracking_numbers", exc.message)
                    if order.status not in SHIPPABLE | {OrderStatus.SHIPPED}:
                        self.add_error("order", _(
                            "Only paid or processing orders can be shipped."))
                return cleaned

        return RecordForm

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, _("Shipment recorded; the order is shipped."))
        return HttpResponseRedirect(
            reverse("admin:shipping_shipment_change", args=[obj.pk]))


class ShipmentInline(TabularInline):
    """Shipments on the order page (for ``OrderAdmin.inlines``)."""

    model = Shipment
    extra = 0
    can_delete = False
    fields = readonly_fields = ("carrier", "tracking", "created_at", "actor")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("tracking"))
    def tracking(self, obj: Shipment) -> str:
        return format_html_join(
            ", ", '<a href="{}" rel="noreferrer">{}</a>',
            ((tracking_url(obj.carrier, p.tracking_number) or "#", p.tracking_number)
             for p in obj.parcels.all()))
