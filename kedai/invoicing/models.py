"""Issued documents (invoices, receipts, notices, credit notes) and the seller.

A Document is immutable once issued: it keeps the data it was rendered
from (``data``), so the PDF and the e-invoice can be produced again, byte
for byte, years later, whatever happens to the catalogue or the seller's
settings. Numbers are gap-free per series and year (kedai.core.numbering).
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.invoicing.exceptions import DocumentImmutable
from kedai.orders.models import Order


class SellerProfile(models.Model):
    """The shop's legal identity, printed on every document (one row)."""

    legal_name = models.CharField(_("legal name"), max_length=200,
                                  help_text=_("As registered with SSM."))
    registration_number = models.CharField(
        _("SSM registration no."), max_length=30, blank=True,
        help_text=_("New 12-digit business registration number (BRN)."))
    sst_number = models.CharField(_("SST registration no."), max_length=35,
                                  blank=True,
                                  help_text=_("Leave empty if not registered."))
    tin = models.CharField(_("tax identification no. (TIN)"), max_length=20,
                           blank=True)
    tourism_tax_number = models.CharField(_("tourism tax registration no."),
                                          max_length=35, blank=True)
    msic_code = models.CharField(
        _("MSIC code"), max_length=5, default="47912",
        help_text=_("5-digit industry code; 47912 is retail sale over the "
                    "internet."))
    business_activity = models.CharField(
        _("business activity"), max_length=300,
        default="Retail sale of any kind of product over the internet")
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200,
                                     blank=True)
    city = models.CharField(_("city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=10)
    state_code = models.CharField(
        _("state"), max_length=3,
        help_text=_("Kedai state code, e.g. KUL, SGR, PNG."))
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("customer contact email"), blank=True)
    owner_email = models.EmailField(
        _("owner email for notices"), blank=True,
        help_text=_("New-order notices and copies of receipts go here."))
    invoice_footer = models.TextField(_("invoice footer"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("seller profile")
        verbose_name_plural = _("seller profile")

    def __str__(self) -> str:
        return self.legal_name


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    RECEIPT = "receipt", _("Receipt")
    SHIPPING_NOTICE = "shipping_notice", _("Shipping notice")
    CANCELLATION_NOTICE = "cancellation_notice", _("Cancellation notice")
    CREDIT_NOTE = "credit_note", _("Credit note")


# Number series per kind: INV-2026-000123.
SERIES: dict[str, str] = {
    DocumentKind.INVOICE: "INV",
    DocumentKind.RECEIPT: "RCT",
    DocumentKind.SHIPPING_NOTICE: "SHP",
    DocumentKind.CANCELLATION_NOTICE: "CXL",
    DocumentKind.CREDIT_NOTE: "CN",
}


class Document(models.Model):
    """One issued document of an order; never changed after it is saved."""

    order = models.ForeignKey(Order, related_name="documents",
                              on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    currency = models.CharField(max_length=3)
    # The document's amount: invoice total, amount received, amount credited.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # The invoice a receipt or credit note refers to.
    invoice = models.ForeignKey("self", null=True, blank=True, related_name="+",
                                on_delete=models.PROTECT)
    # One document per event ("receipt:<order>:<reference>"); null if the
    # event may legitimately repeat (partial refunds).
    event_key = models.CharField(max_length=160, null=True, blank=True,
                                 unique=True, editable=False)
    # Everything printed, as issued (see kedai.invoicing.snapshot).
    data = models.JSONField(editable=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["kind", "issued_at"],
                                name="document_kind_issued_idx")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Single-row invariant: an issued document is never rewritten.
        if not self._state.adding:
            raise DocumentImmutable(f"{self.number} is issued and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DocumentImmutable(f"{self.number} is issued and cannot be deleted.")
