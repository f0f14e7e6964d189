"""Reads of issued documents and of the seller's identity."""

from datetime import datetime

from django.db.models import QuerySet

from kedai.invoicing.models import Document, SellerProfile
from kedai.orders.models import Order


def seller_profile_get() -> SellerProfile | None:
    """The seller's identity, or None before the owner has filled it in."""
    return SellerProfile.objects.order_by("id").first()


def document_list(*, order: Order) -> QuerySet[Document]:
    """An order's documents, oldest first."""
    return Document.objects.filter(order=order).order_by("issued_at", "id")


def document_get(*, order: Order, number: str) -> Document | None:
    """The document ``number`` of ``order``; None if it belongs elsewhere."""
    return Document.objects.filter(order=order, number=number).first()


def invoices_for_consolidation(*, year: int, month: int) -> list[Document]:
    """The month's B2C invoices: paid orders whose buyer gave no TIN.

    "Paid" means a receipt was issued; the month is that of the invoice in
    the shop's time zone.
    """
    from django.utils import timezone

    from kedai.invoicing.models import DocumentKind

    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(year, month, 1), tz)
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1), tz)
    paid = Document.objects.filter(kind=DocumentKind.RECEIPT).values("order_id")
    invoices = (Document.objects
                .filter(kind=DocumentKind.INVOICE, issued_at__gte=start,
                        issued_at__lt=end, order_id__in=paid)
                .order_by("number"))
    return [d for d in invoices
            if not (d.data["buyer"].get("einvoice") or {}).get("tin")]
