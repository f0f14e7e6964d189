"""Render an email as the buyer or owner would get it, for the wording
page's preview and test send.

The example is the latest document of the event's kind; without one, the
latest order as that document would print it; without any order, a
sample order. Uses the invoicing email templates, so the preview has the
real layout. Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.catalog.selectors import navigation_get
from kedai.core.numbering import number_format
from kedai.invoicing.models import SERIES, Document
from kedai.invoicing.selectors import seller_profile_get
from kedai.invoicing.services import TITLES
from kedai.invoicing.snapshot import order_snapshot, seller_snapshot
from kedai.orders.models import Order
from kedai.shopsettings.wording import EVENTS, wording_fill, wording_values


@dataclass(frozen=True)
class EmailPreview:
    subject: str
    body_text: str
    body_html: str
    order_number: str
    source: str  # what the example is: "document", "order" or "sample"


def _extra(kind: str, total: str) -> dict[str, Any]:
    extras: dict[str, dict[str, Any]] = {
        "receipt": {"payment": {"amount": total, "method_label": _("Bank transfer"),
                                "reference": "PREVIEW"}},
        "credit_note": {"credit": {"amount": total}, "reason": _("Example reason")},
        "cancellation_notice": {"reason": _("Example reason")},
        "shipping_notice": {"shipments": [{"carrier": "Pos Laju",
                                           "tracking_number": "EP123456789MY",
                                           "tracking_url": ""}]},
    }
    return extras.get(kind, {})


def _sample(kind: str, number: str) -> dict[str, Any]:
    now = timezone.localtime()
    address = {"name": "Siti Aminah", "line1": "12 Jalan Ampang", "line2": "",
               "city": "Kuala Lumpur", "postcode": "50450", "state_code": "KUL",
               "state_name": "Kuala Lumpur", "country": "MY",
               "phone": "+60123456789"}
    data: dict[str, Any] = {
        "kind": kind, "title": TITLES[kind], "number": number,
        "issued_local": timezone.localtime(now).strftime("%d/%m/%Y %H:%M"),
        "currency": "MYR",
        "order": {"number": number_format(series="KD", year=now.year, value=123),
                  "payment_method": "bank_transfer",
                  "shipping_method": "Pos Laju"},
        "branding": {"store_name": navigation_get().front_page.store_name,
                     "logo": ""},
        "seller": seller_snapshot(seller_profile_get()),
        "buyer": {"name": "Siti Aminah", "email": "siti@example.my",
                  "phone": "+60123456789", "billing": address,
                  "shipping": address, "einvoice": {}},
        "lines": [{"sku": "BTK-001", "name": "Batik shirt", "variant_label": "M",
                   "quantity": 2, "total": "120.00"}],
        "tax_breakdown": [],
        "totals": {"subtotal": "120.00", "shipping": "8.00", "rounding": "0.00",
                   "total": "128.00"},
    }
    data.update(_extra(kind, "128.00"))
    return data


def example_data(kind: str) -> tuple[dict[str, Any], str, str]:
    """(snapshot data, document number, source) to preview ``kind`` with."""
    document = (Document.objects.filter(kind=kind)
                .order_by("-issued_at", "-id").first())
    if document is not None:
        return document.data, document.number, "document"
    now = timezone.now()
    number = number_format(series=SERIES[kind], year=timezone.localdate(now).year,
                           value=0)
    order = Order.objects.order_by("-created_at", "-id").first()
    if order is None:
        return _sample(kind, number), number, "sample"
    data = order_snapshot(order=order, kind=kind, title=TITLES[kind], number=number,
                          issued_at=now, seller=seller_profile_get(),
                          extra=_extra(kind, f"{order.total:.2f}"))
    return data, number, "order"


def email_preview(*, event: str, subject: str, intro: str,
                  footer: str) -> EmailPreview:
    """The ``event`` email with the given texts (placeholders already
    checked); empty subject or intro show the built-in wording."""
    info = EVENTS[event]
    role = info.roles[0]
    data, number, source = example_data(info.kind)
    values = wording_values(data=data, number=number)
    subject = wording_fill(subject or info.subject, values)
    intro = wording_fill(intro or info.intro, values)
    paragraphs = []
    if info.event == "new_order":
        paragraphs.append(_("Buyer: %(name)s, %(email)s, %(phone)s") % {
            "name": data["buyer"]["name"], "email": data["buyer"]["email"],
            "phone": data["buyer"]["phone"]})
    if footer:
        paragraphs.append(wording_fill(footer, values))
    name = data["buyer"]["name"] if role == "customer" else ""
    context = {
        "d": data, "subject": subject, "intro": intro, "paragraphs": paragraphs,
        "greeting": (_("Dear %(name)s,") % {"name": name}) if name else _("Hello,"),
        "show_prices": info.kind not in ("shipping_notice", "credit_note"),
    }
    return EmailPreview(
        subject=" ".join(subject.split()),
        body_text=render_to_string("invoicing/email/document.txt", context),
        body_html=render_to_string("invoicing/email/document.html", context),
        order_number=data["order"]["number"], source=source)
