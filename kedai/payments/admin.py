"""Payments in the back office: attempts, raw callbacks, refunds, offline
payments received, and settlement reconciliation."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from kedai.core.money import Money
from kedai.orders.models import Order
from kedai.payments.exceptions import PaymentError
from kedai.payments.models import (
    CallbackLog,
    Payment,
    Refund,
    SettlementLine,
    SettlementReport,
)
from kedai.payments.refunds import payment_refund
from kedai.payments.services import payment_flag_clear, payment_mark_received
from kedai.payments.settlement import (
    settlement_export_csv,
    settlement_import,
    settlement_summary,
)


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = readonly_fields = ("reference", "amount", "status", "manual", "reason",
                                "actor", "confirmed_by", "created_at")


class CallbackInline(ReadOnlyInline):
    model = CallbackLog
    fields = readonly_fields = ("created_at", "kind", "verified", "outcome")


class OfflinePaymentForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=24)
    amount = forms.DecimalField(label=_("Amount received"), max_digits=12,
                                decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(label=_("Bank or courier reference"),
                                max_length=100)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to refund"), max_digits=12,
                                decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
    manual = forms.BooleanField(
        label=_("Already refunded outside Kedai (record only)"), required=False)


@admin.register(Payment)
class PaymentAdmin(ModelAdmin):
    list_display = ("reference", "order", "gateway", "status", "amount", "currency",
                    "refunded_amount", "fee", "flag", "created_at")
    list_filter = ("gateway", "status", "flag")
    search_fields = ("reference", "gateway_reference", "transaction_id",
                     "order__number")
    readonly_fields = [f.name for f in Payment._meta.fields if f.name != "id"]
    exclude = ("return_token_hash",)
    inlines = [RefundInline, CallbackInline]
    actions = ["clear_flag"]
    change_form_template = "admin/payments/payment/change_form.html"
    change_list_template = "admin/payments/payment/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("record-offline/", self.admin_site.admin_view(self.record_offline),
                 name="payments_payment_record_offline"),
            path("<int:pk>/refund/", self.admin_site.admin_view(self.refund),
                 name="payments_payment_refund"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Mark as dealt with (clear the flag)"))
    def clear_flag(self, request, queryset):
        for payment in queryset:
            payment_flag_clear(payment=payment)

    def record_offline(self, request: HttpRequest) -> HttpResponse:
        """The owner received a bank transfer or cash: the order is paid."""
        if not self.has_change_permission(request):
            return HttpResponse(status=403)
        form = OfflinePaymentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            order = Order.objects.filter(
                number=form.cleaned_data["order_number"].strip().upper()).first()
            if order is None:
                form.add_error("order_number", _("No such order."))
            else:
                try:
                    payment = payment_mark_received(
                        order=order,
                        amount=Money(form.cleaned_data["amount"], order.currency),
                        reference=form.cleaned_data["reference"],
                        actor=request.user.get_username())
                except PaymentError as exc:
                    form.add_error(None, exc.message)
                else:
                    self.message_user(request, _("Payment recorded: %(ref)s.")
                                      % {"ref": payment.reference})
                    return HttpResponseRedirect(
                        reverse("admin:payments_payment_change", args=[payment.pk]))
        return TemplateResponse(request, "admin/payments/form.html", {
            **self.admin_site.each_context(request), "form": form,
            "title": _("Record an offline payment received"), "opts": self.model._meta,
        })

    def refund(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            return HttpResponse(status=403)
        payment = get_object_or_404(Payment, pk=pk)
        form = RefundForm(request.POST or None, initial={
            "amount": payment.amount - payment.refunded_amount})
        if request.method == "POST" and form.is_valid():
            try:
                refund = payment_refund(
                    payment=payment,
                    amount=Money(form.cleaned_data["amount"], payment.currency),
                    reason=form.cleaned_data["reason"],
                    actor=request.user.get_username(),
                    manual=form.cleaned_data["manual"])
            except PaymentError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, refund.message if refund.status
                                  == Refund.Status.TO_REFUND_BY_HAND
                                  else _("Refund recorded."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:payments_payment_change", args=[payment.pk]))
        return TemplateResponse(request, "admin/payments/form.html", {
            **self.admin_site.each_context(request), "form": form,
            "title": _("Refund %(ref)s") % {"ref": payment.reference},
            "opts": self.model._meta, "original": payment,
        })


@admin.register(CallbackLog)
class CallbackLogAdmin(ModelAdmin):
    list_display = ("created_at", "gateway", "kind", "verified", "outcome", "payment")
    list_filter = ("gateway", "kind", "verified")
    search_fields = ("outcome", "payment__reference")
    readonly_fields = [f.name for f in CallbackLog._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SettlementUploadForm(forms.Form):
    gateway = forms.ChoiceField(label=_("Gateway"), choices=[
        ("stripe", "Stripe"), ("billplz", "Billplz"), ("ipay88", "iPay88"),
        ("fiuu", "Fiuu"), ("senangpay", "senangPay")])
    file = forms.FileField(label=_("Settlement report (CSV)"))


class SettlementLineInline(ReadOnlyInline):
    model = SettlementLine
    fields = readonly_fields = ("line_number", "payout_id", "settled_on", "reference",
                                "gateway_reference", "gross", "fee", "net",
                                "currency", "result", "payment", "note")


@admin.register(SettlementReport)
class SettlementReportAdmin(ModelAdmin):
    list_display = ("created_at", "gateway", "file_name", "file_format", "period_end")
    readonly_fields = ("gateway", "file_name", "file_format", "uploaded_by",
                       "period_end", "created_at")
    inlines = [SettlementLineInline]
    change_form_template = "admin/payments/settlementreport/change_form.html"

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload),
                 name="payments_settlementreport_upload"),
            path("<int:pk>/csv/", self.admin_site.admin_view(self.download),
                 name="payments_settlementreport_csv"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:payments_settlementreport_upload"))

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = get_object_or_404(SettlementReport, pk=object_id)
        extra = {**(extra_context or {}),
                 "payouts": settlement_summary(report=report)}
        return super().change_view(request, object_id, form_url, extra)

    def upload(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = SettlementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = settlement_import(
                    gateway=form.cleaned_data["gateway"], file_name=upload.name,
                    content=upload.read(), actor=request.user.get_username())
            except PaymentError as exc:
                form.add_error("file", exc.message)
            else:
                return HttpResponseRedirect(reverse(
                    "admin:payments_settlementreport_change", args=[report.pk]))
        return TemplateResponse(request, "admin/payments/form.html", {
            **self.admin_site.each_context(request), "form": form, "multipart": True,
            "title": _("Upload a settlement report"), "opts": self.model._meta,
        })

    def download(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        report = get_object_or_404(SettlementReport, pk=pk)
        response = HttpResponse(settlement_export_csv(report=report),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="settlement-{report.pk}-reconciled.csv"')
        return response
