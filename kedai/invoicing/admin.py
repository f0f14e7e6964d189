"""Seller identity, issued documents and the MyInvois exports."""

import re
from datetime import date

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from kedai.invoicing.einvoice import (
    EInvoiceError,
    consolidated_einvoice,
    document_einvoice,
    einvoice_json,
)
from kedai.invoicing.models import Document, DocumentKind, SellerProfile
from kedai.invoicing.selectors import invoices_for_consolidation, seller_profile_get
from kedai.invoicing.services import document_pdf_render
from kedai.invoicing.snapshot import seller_snapshot


@admin.register(SellerProfile)
class SellerProfileAdmin(ModelAdmin):
    fieldsets = [
        (_("Legal identity (printed on every document)"), {"fields": [
            "legal_name", "registration_number", "sst_number", "tin",
            "tourism_tax_number", "msic_code", "business_activity"]}),
        (_("Address and contact"), {"fields": [
            "address_line1", "address_line2", "postcode", "city", "state_code",
            "phone", "email"]}),
        (_("Notices"), {"fields": ["owner_email", "invoice_footer"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SellerProfile.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _download(content: str | bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Document)
class DocumentAdmin(ModelAdmin):
    list_display = ["number", "kind", "order", "issued_at", "amount", "downloads",
                    "notes"]
    list_filter = ["kind"]
    search_fields = ["number", "order__number", "order__email"]
    date_hierarchy = "issued_at"
    list_select_related = ["order"]
    fields = readonly_fields = ("number", "kind", "order", "issued_at", "currency",
                                "amount", "invoice", "downloads", "notes")

    @admin.display(description=_("download"))
    def downloads(self, obj: Document) -> str:
        pdf = reverse("admin:invoicing_document_pdf", args=[obj.pk])
        if obj.kind not in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE):
            return format_html('<a href="{}">PDF</a>', pdf)
        json_url = reverse("admin:invoicing_document_einvoice", args=[obj.pk])
        return format_html('<a href="{}">PDF</a> · <a href="{}">MyInvois JSON</a>',
                           pdf, json_url)

    @admin.display(description=_("render notes"))
    def notes(self, obj: Document) -> str:
        return "; ".join(obj.data.get("render_notes") or []) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/pdf/", view(self.pdf_view), name="invoicing_document_pdf"),
            path("<int:pk>/einvoice.json", view(self.einvoice_view),
                 name="invoicing_document_einvoice"),
            path("consolidated/", view(self.consolidated_view),
                 name="invoicing_document_consolidated"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "consolidated_url":
                         reverse("admin:invoicing_document_consolidated")}
        return super().changelist_view(request, extra_context)

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = get_object_or_404(Document, pk=pk)
        return _download(document_pdf_render(document), f"{document.number}.pdf",
                         "application/pdf")

    def einvoice_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = get_object_or_404(Document, pk=pk)
        try:
            content = einvoice_json(document_einvoice(document))
        except EInvoiceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:invoicing_document_changelist"))
        return _download(content, f"{document.number}.myinvois.json",
                         "application/json")

    def consolidated_view(self, request: HttpRequest) -> HttpResponse:
        month = request.GET.get("month", "")
        if month:
            # Four-digit years only: a huge one overflows date arithmetic.
            match = re.fullmatch(r"(20\d\d)-(\d\d?)", month)
            try:
                if match is None:
                    raise ValueError(month)
                year, number = int(match[1]), int(match[2])
                date(year, number, 1)
            except ValueError:
                self.message_user(request, _("Choose a month as YYYY-MM."),
                                  messages.ERROR)
            else:
                return self._consolidated(request, year, number)
        today = date.today()
        months = [date(today.year - (today.month - i <= 0),
                       (today.month - i - 1) % 12 + 1, 1) for i in range(12)]
        return TemplateResponse(request, "admin/invoicing/consolidated.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("Consolidated e-invoice (B2C) per month"),
            "months": [m.strftime("%Y-%m") for m in months]})

    def _consolidated(self, request: HttpRequest, year: int,
                      month: int) -> HttpResponse:
        seller = seller_profile_get()
        number = f"CONS-{year}{month:02d}"
        try:
            document, excluded = consolidated_einvoice(
                documents=invoices_for_consolidation(year=year, month=month),
                year=year, month=month,
                seller_data={"seller": seller_snapshot(seller)}, number=number)
        except EInvoiceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:invoicing_document_consolidated"))
        response = _download(einvoice_json(document), f"{number}.myinvois.json",
                             "application/json")
        if excluded:
            # Sales above RM10,000 need their own e-invoice (LHDN guideline).
            response["X-Kedai-Excluded"] = ",".join(excluded)
        return response
