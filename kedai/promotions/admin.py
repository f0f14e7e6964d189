"""Promotions in the admin: create, schedule, pause; bulk single-use codes."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin

from kedai.promotions.exceptions import PromotionError
from kedai.promotions.models import (
    AutomaticDiscount,
    Campaign,
    DiscountUse,
    FreeDeliveryThreshold,
    Voucher,
)
from kedai.promotions.office import vouchers_csv, vouchers_generate
from kedai.promotions.rules import rules_changed
from kedai.promotions.services import code_normalise


class VoucherForm(forms.ModelForm):
    class Meta:
        model = Voucher
        fields = ["code", "campaign", "kind", "value", "scope", "categories",
                  "products", "min_spend", "starts_at", "ends_at", "usage_limit",
                  "per_customer_limit", "combinable", "is_paused", "batch"]

    def clean_code(self) -> str:
        from kedai.promotions.exceptions import VoucherError

        try:
            return code_normalise(self.cleaned_data["code"])
        except VoucherError as exc:
            raise forms.ValidationError(exc.message) from None


class GenerateForm(forms.Form):
    code_prefix = forms.CharField(label=gettext_lazy("Prefix"), max_length=12,
                                  required=False)
    count = forms.IntegerField(label=gettext_lazy("How many"), min_value=1,
                               max_value=10_000, initial=100)


@admin.action(description=gettext_lazy("Pause"))
def pause(modeladmin, request, queryset) -> None:
    queryset.update(is_paused=True, updated_at=timezone.now())
    rules_changed()


@admin.action(description=gettext_lazy("Resume"))
def resume(modeladmin, request, queryset) -> None:
    queryset.update(is_paused=False, updated_at=timezone.now())
    rules_changed()


@admin.action(description=gettext_lazy("Generate single-use codes like this one "
                                       "(CSV download)"))
def generate_codes(modeladmin, request: HttpRequest, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose exactly one voucher as the "
                                           "model for the new codes."),
                                messages.ERROR)
        return None
    template = queryset.get()
    form = GenerateForm(request.POST if "count" in request.POST else None)
    if form.is_valid():
        try:
            made = vouchers_generate(prefix=form.cleaned_data["code_prefix"],
                                     count=form.cleaned_data["count"],
                                     template=template)
        except PromotionError as exc:
            form.add_error(None, exc.message)
        else:
            response = HttpResponse(vouchers_csv(made), content_type="text/csv")
            name = made[0].batch if made else "codes"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
    return TemplateResponse(request, "promotions/admin_generate.html", {
        **modeladmin.admin_site.each_context(request), "form": form,
        "template_voucher": template, "opts": modeladmin.model._meta,
        "title": _("Generate codes"),
    })


@admin.register(Campaign)
class CampaignAdmin(ModelAdmin):
    list_display = ["name", "starts_at", "ends_at", "is_paused", "banner"]
    list_filter = ["is_paused"]
    search_fields = ["name"]
    actions = [pause, resume]


@admin.register(Voucher)
class VoucherAdmin(ModelAdmin):
    form = VoucherForm
    list_display = ["code", "kind", "value", "scope", "campaign", "starts_at",
                    "ends_at", "times_used", "usage_limit", "is_paused"]
    list_filter = ["kind", "scope", "is_paused", "campaign", "batch"]
    search_fields = ["code", "batch"]
    filter_horizontal = ["categories", "products"]
    readonly_fields = ["times_used"]
    actions = [pause, resume, generate_codes]


@admin.register(AutomaticDiscount)
class AutomaticDiscountAdmin(ModelAdmin):
    list_display = ["name", "kind", "value", "scope", "campaign", "starts_at",
                    "ends_at", "is_paused"]
    list_filter = ["kind", "is_paused", "campaign"]
    search_fields = ["name"]
    filter_horizontal = ["categories", "products"]
    actions = [pause, resume]


@admin.register(FreeDeliveryThreshold)
class FreeDeliveryThresholdAdmin(ModelAdmin):
    list_display = ["zone", "min_subtotal", "campaign", "starts_at", "ends_at",
                    "is_paused"]
    list_filter = ["zone", "is_paused"]
    actions = [pause, resume]


@admin.register(DiscountUse)
class DiscountUseAdmin(ModelAdmin):
    list_display = ["created_at", "order", "label", "amount", "shipping_amount",
                    "customer", "released_at"]
    list_filter = ["campaign", "voucher__batch"]
    search_fields = ["order__number", "label", "voucher__code"]
    readonly_fields = [f.name for f in DiscountUse._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
