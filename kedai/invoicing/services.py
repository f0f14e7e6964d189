"""Entry points for order events: issue the documents, queue the mail.

Each function runs inside the caller's transaction (the one that placed,
paid, shipped, cancelled or refunded the order): the document's gap-free
number, the document and its outbox messages commit together with the
event or not at all. None of them sends mail or renders a PDF: the outbox
worker does both after commit (kedai.notifications.delivery).

Calling an entry point twice for the same event (a repeated gateway
callback, a retried task) returns the document already issued and queues
nothing new; refunds are the exception, see ``order_refunded``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kedai.core.money import Money
from kedai.core.numbering import number_allocate
from kedai.invoicing.exceptions import InvoicingError
from kedai.invoicing.models import SERIES, Document, DocumentKind
from kedai.invoicing.pdf import missing_glyphs
from kedai.invoicing.selectors import seller_profile_get
from kedai.invoicing.snapshot import order_snapshot
from kedai.invoicing.wording import email_wording_apply
from kedai.notifications.attachments import Attachment
from kedai.notifications.rendering import Rendered
from kedai.notifications.services import message_queue
from kedai.orders.models import Order
from kedai.orders.tokens import order_token

logger = logging.getLogger(__name__)
ATTACHMENT_SOURCE = "invoicing.document"
MAIL_SOURCE = "invoicing.document_mail"
TITLES: dict[str, str] = {
    # Kept in English in the snapshot; shown translated (gettext) in the
    # order's language by the PDF and the mails.
    DocumentKind.INVOICE: gettext_noop("Invoice"),
    DocumentKind.RECEIPT: gettext_noop("Receipt"),
    DocumentKind.SHIPPING_NOTICE: gettext_noop("Shipping notice"),
    DocumentKind.CANCELLATION_NOTICE: gettext_noop("Cancellation notice"),
    DocumentKind.CREDIT_NOTE: gettext_noop("Credit note"),
}
CUSTOMER, OWNER = "customer", "owner"


def order_placed(order: Order) -> Document:
    """Issue the customer invoice; mail it to the buyer and to the owner.

    The owner's message is the new-order notice with the seller's copy of
    the invoice attached. Call inside the transaction that creates the
    order, after its lines exist. Does not take payment.
    """
    with transaction.atomic(savepoint=False):
        document, new = _issue(order=order, kind=DocumentKind.INVOICE,
                               event_key=f"invoice:{order.pk}",
                               amount=Decimal(order.total))
        if new:
            _mail(document, CUSTOMER)
            _mail(document, OWNER)
    return document


def payment_captured(order: Order, *, amount: Money, method_label: str,
                     reference: str) -> Document:
    """Issue a charge receipt for ``amount``; mail it to buyer and owner.

    Call in the transaction that records the captured payment. One receipt
    per (order, reference), or per (order, amount) without a reference: a
    repeated callback returns the first one.
    Does not move money.
    """
    _check_currency(order, amount)
    with transaction.atomic(savepoint=False):
        document, new = _issue(
            order=order, kind=DocumentKind.RECEIPT,
            event_key=f"receipt:{order.pk}:{reference or amount.amount}",
            amount=amount.amount, invoice=_invoice_of(order),
            extra={"payment": {"amount": f"{amount.quantized().amount:.2f}",
                               "method_label": method_label,
                               "reference": reference}})
        if new:
            _mail(document, CUSTOMER)
            _mail(document, OWNER)
    return document


def order_shipped(order: Order, *,
                  shipments: list[tuple[str, str, str]]) -> Document:
    """Issue a shipping notice with (carrier, tracking number, tracking url)
    for each parcel and mail it to the buyer.

    One notice per order and set of tracking numbers.
    """
    items = [{"carrier": carrier, "tracking_number": number, "tracking_url": url}
             for carrier, number, url in shipments]
    numbers = ",".join(sorted(item["tracking_number"] for item in items))
    with transaction.atomic(savepoint=False):
        document, new = _issue(
            order=order, kind=DocumentKind.SHIPPING_NOTICE,
            event_key=f"shipping:{order.pk}:{numbers}"[:160],
            amount=Decimal(0), extra={"shipments": items})
        if new:
            _mail(document, CUSTOMER)
    return document


def order_cancelled(order: Order, *, reason: str) -> Document:
    """Issue a cancellation notice; mail it to the buyer and the owner.

    One per order. Does not release stock or refund anything.
    """
    with transaction.atomic(savepoint=False):
        document, new = _issue(
            order=order, kind=DocumentKind.CANCELLATION_NOTICE,
            event_key=f"cancellation:{order.pk}", amount=Decimal(order.total),
            invoice=_invoice_of(order), extra={"reason": reason})
        if new:
            _mail(document, CUSTOMER)
            _mail(document, OWNER)
    return document


def order_refunded(order: Order, *, amount: Money, reason: str) -> Document:
    """Issue a credit note for ``amount`` against the order's invoice and
    mail the refund notice to the buyer and the owner.

    Every call issues a new credit note (two partial refunds of the same
    amount are two refunds): the caller must call it once per refund,
    in the transaction that records the refund. Does not move money.
    """
    _check_currency(order, amount)
    if amount.amount <= 0:
        raise InvoicingError(_("A refund must be a positive amount."),
                             code="refund_amount")
    with transaction.atomic(savepoint=False):
        document, _new = _issue(
            order=order, kind=DocumentKind.CREDIT_NOTE, event_key=None,
            amount=amount.amount, invoice=_invoice_of(order),
            extra={"credit": {"amount": f"{amount.quantized().amount:.2f}"},
                   "reason": reason})
        _mail(document, CUSTOMER)
        _mail(document, OWNER)
    return document


def _check_currency(order: Order, amount: Money) -> None:
    if amount.currency != order.currency:
        raise InvoicingError(
            f"amount in {amount.currency}, order {order.number} in {order.currency}",
            code="currency")


def _invoice_of(order: Order) -> Document | None:
    return Document.objects.filter(order=order, kind=DocumentKind.INVOICE).first()


def _issue(*, order: Order, kind: str, event_key: str | None, amount: Decimal,
           invoice: Document | None = None,
           extra: dict[str, Any] | None = None) -> tuple[Document, bool]:
    if event_key:
        existing = Document.objects.filter(event_key=event_key).first()
        if existing is not None:
            return existing, False
    now = timezone.now()
    extra = dict(extra or {})
    if invoice is not None:
        extra["invoice_number"] = invoice.number
    # The snapshot is read before the number is taken: the counter row
    # stays locked until commit, so the lock covers only the INSERTs.
    data = order_snapshot(order=order, kind=kind, title=TITLES[kind],
                          number="", issued_at=now,
                          seller=seller_profile_get(), extra=extra)
    data["render_notes"] = missing_glyphs(_strings(data))
    try:
        # The number and the row in one savepoint: if a concurrent writer
        # issued the same event first, both are undone and the series keeps
        # no gap.
        with transaction.atomic():
            number = number_allocate(series=SERIES[kind],
                                     year=timezone.localdate(now).year)
            data["number"] = number
            document = Document.objects.create(
                order=order, kind=kind, number=number, issued_at=now,
                currency=order.currency, amount=amount, invoice=invoice,
                event_key=event_key, data=data)
    except IntegrityError:
        if event_key:
            winner = Document.objects.filter(event_key=event_key).first()
            if winner is not None:
                return winner, False
        raise
    if data["render_notes"]:
        logger.warning("invoicing: %s: %s", number, "; ".join(data["render_notes"]))
    return document, True


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def owner_email() -> str:
    """Where owner notices go: the seller profile, else KEDAI_OWNER_EMAIL."""
    seller = seller_profile_get()
    return (seller.owner_email if seller and seller.owner_email
            else settings.KEDAI_OWNER_EMAIL)


def _mail(document: Document, role: str) -> None:
    """Queue the document's mail to ``role``; its text is rendered when it
    is sent (:func:`document_mail_render`), not in the event's transaction,
    and the row holds no order link."""
    d = document.data
    message_queue(
        kind=f"{d['kind']}:{role}",
        to=d["buyer"]["email"] if role == CUSTOMER else owner_email(),
        subject=f"{d['title']} {document.number}",
        render_source=MAIL_SOURCE,
        render_args={"number": document.number, "role": role},
        attachments=[Attachment(f"{document.number}.pdf", "application/pdf",
                                ATTACHMENT_SOURCE, document.number)],
        reference=d["order"]["number"],
        dedupe_key=f"{document.number}:{role}",
    )


def document_mail_render(args: dict[str, Any]) -> Rendered:
    """The mail of document ``args["number"]`` to ``args["role"]`` (the
    outbox's renderer): wording from the snapshot, the order page link
    derived now and marked secret, so the outbox never stores it."""
    document = Document.objects.select_related("order").get(number=args["number"])
    role = args["role"]
    # The buyer reads it in the language the order was placed in.
    with translation.override(document.order.language):
        return _document_mail(document, role)


def _document_mail(document: Document, role: str) -> Rendered:
    d = document.data
    subject, intro, paragraphs = _wording(document, role)
    name = d["buyer"]["name"] if role == CUSTOMER else ""
    order_url = order_page_url(document.order)
    context = {
        "d": d, "subject": subject, "intro": intro, "paragraphs": paragraphs,
        "greeting": (_("Dear %(name)s,") % {"name": name}) if name else _("Hello,"),
        "show_prices": d["kind"] not in (DocumentKind.SHIPPING_NOTICE,
                                         DocumentKind.CREDIT_NOTE),
        # Every mail links to the order page (its capability URL).
        "order_url": order_url,
        "bank": _bank_transfer(document, role),
    }
    return Rendered(
        subject=subject,
        body_text=render_to_string("invoicing/email/document.txt", context),
        body_html=render_to_string("invoicing/email/document.html", context),
        secrets=(order_url,))


def order_page_url(order: Order) -> str:
    """The absolute link to the order's own page (KEDAI_SITE_URL + token)."""
    path = reverse("storefront:order",
                   kwargs={"token": order_token(order.checkout_key)})
    return settings.KEDAI_SITE_URL.rstrip("/") + path


def _bank_transfer(document: Document, role: str) -> dict[str, str] | None:
    """Bank details to print in the buyer's invoice mail of a bank-transfer
    order; the order number is the transfer reference."""
    order = document.order
    if (role != CUSTOMER or document.kind != DocumentKind.INVOICE
            or order.payment_method != "bank_transfer"):
        return None
    return {**settings.KEDAI_BANK_TRANSFER, "reference": order.number,
            "amount": str(Money(order.total, order.currency))}


def _wording(document: Document, role: str) -> tuple[str, str, list[str]]:
    d = document.data
    values = {"number": document.number, "order": d["order"]["number"],
              "store": d["branding"]["store_name"],
              "total": Money(Decimal(d["totals"]["total"]), d["currency"]).format()}
    kind = d["kind"]
    paragraphs: list[str] = []
    if kind == DocumentKind.INVOICE and role == CUSTOMER:
        subject = _("Invoice %(number)s for your order %(order)s") % values
        intro = _("Thank you for your order at %(store)s. Your invoice "
                  "%(number)s is attached.") % values
    elif kind == DocumentKind.INVOICE:
        subject = _("New order %(order)s: %(total)s "
                    "(seller's copy %(number)s)") % values
        intro = _("A new order was placed. The seller's copy of invoice "
                  "%(number)s is attached.") % values
        paragraphs.append(_("Buyer: %(name)s, %(email)s, %(phone)s") % {
            "name": d["buyer"]["name"], "email": d["buyer"]["email"],
            "phone": d["buyer"]["phone"]})
    elif kind == DocumentKind.RECEIPT:
        values["amount"] = Money(Decimal(d["payment"]["amount"]),
                                 d["currency"]).format()
        if role == CUSTOMER:
            subject = _("Receipt %(number)s: payment received for order "
                        "%(order)s") % values
            intro = _("We have received your payment of %(amount)s. "
                      "Your receipt is attached.") % values
        else:
            subject = _("Payment received for order %(order)s: %(amount)s") % values
            intro = _("Payment of %(amount)s received; receipt %(number)s "
                      "is attached.") % values
    elif kind == DocumentKind.SHIPPING_NOTICE:
        subject = _("Your order %(order)s has shipped") % values
        intro = _("Good news: your order is on its way. Track it with the "
                  "links below.") % values
    elif kind == DocumentKind.CANCELLATION_NOTICE:
        subject = _("Order %(order)s has been cancelled") % values
        intro = _("Order %(order)s has been cancelled.") % values
    else:
        values["amount"] = Money(Decimal(d["credit"]["amount"]),
                                 d["currency"]).format()
        subject = _("Refund of %(amount)s for order %(order)s "
                    "(credit note %(number)s)") % values
        intro = _("A refund of %(amount)s has been issued; credit note "
                  "%(number)s is attached.") % values
    # The owner's wording from the back office, where set; the footer
    # closes the message, after the built-in paragraphs.
    custom = email_wording_apply(kind=kind, role=role, data=d,
                                 number=document.number)
    if custom is not None:
        subject = custom.subject or subject
        intro = custom.intro or intro
        if custom.footer:
            paragraphs.append(custom.footer)
    return subject, intro, paragraphs


_PDF_CACHE: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_PDF_CACHE_SIZE = 16
# The outbox worker and web threads share the cache; an OrderedDict is
# not safe to change from several threads at once.
_PDF_CACHE_LOCK = threading.Lock()


def document_pdf_render(document: Document) -> bytes:
    """The PDF of ``document`` in the language its order was placed in."""
    from kedai.invoicing.pdf import render_pdf

    with translation.override(document.order.language):
        return render_pdf(document.data).content


def document_pdf_bytes(number: str) -> bytes:
    """The PDF of document ``number`` (the outbox's attachment loader).

    Cached per process for the last few documents: a document never
    changes, and its customer and owner messages usually go out in the same
    batch. The key includes the issue time, so a restored or rebuilt
    database reusing a number never gets another document's PDF. Safe to
    call from several threads: the cache is changed under a lock, and the
    PDF is rendered outside it (two threads may render the same document
    once each; both get the same bytes).
    """
    document = Document.objects.select_related("order").get(number=number)
    key = (number, document.issued_at.isoformat())
    with _PDF_CACHE_LOCK:
        cached = _PDF_CACHE.get(key)
        if cached is not None:
            _PDF_CACHE.move_to_end(key)
            return cached
    content = document_pdf_render(document)
    with _PDF_CACHE_LOCK:
        _PDF_CACHE[key] = content
        while len(_PDF_CACHE) > _PDF_CACHE_SIZE:
            _PDF_CACHE.popitem(last=False)
    return content
