"""The owner's email wording: events, placeholders and how they are filled.

Merchants edit words, not layout: each email event has a subject, an intro
and a footer with ``{placeholders}`` such as ``{order_number}``. Only the
placeholders listed for an event are accepted (no attribute access, no
format specs), so a stored text can always be filled and never reaches
into Python objects. Pure functions: no ORM.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kedai.core.money import Money
from kedai.shopsettings.models import EmailEvent

COMMON = ("shop_name", "order_number", "document_number", "total",
          "customer_name")
PLACEHOLDER_HELP = {
    "shop_name": _("the store name"),
    "order_number": _("the order number, e.g. KD-2026-000123"),
    "document_number": _("the invoice, receipt or note number"),
    "total": _("the order total, e.g. RM120.00"),
    "customer_name": _("the buyer's name"),
    "amount": _("the amount paid or refunded"),
}
_NAME = re.compile(r"^[a-z_]+$")


@dataclass(frozen=True)
class EventInfo:
    """One email event: which documents and recipients it covers."""

    event: str
    kind: str  # invoicing DocumentKind value
    roles: tuple[str, ...]  # "customer", "owner"
    placeholders: tuple[str, ...]
    subject: str  # built-in English wording, as placeholders
    intro: str


EVENTS: dict[str, EventInfo] = {e.event: e for e in (
    EventInfo(EmailEvent.INVOICE, "invoice", ("customer",), COMMON,
              "Invoice {document_number} for your order {order_number}",
              "Thank you for your order at {shop_name}. Your invoice "
              "{document_number} is attached."),
    EventInfo(EmailEvent.NEW_ORDER, "invoice", ("owner",), COMMON,
              "New order {order_number}: {total} (seller's copy "
              "{document_number})",
              "A new order was placed. The seller's copy of invoice "
              "{document_number} is attached."),
    EventInfo(EmailEvent.RECEIPT, "receipt", ("customer",), COMMON + ("amount",),
              "Receipt {document_number}: payment received for order "
              "{order_number}",
              "We have received your payment of {amount}. Your receipt is "
              "attached."),
    EventInfo(EmailEvent.PAYMENT_RECEIVED, "receipt", ("owner",),
              COMMON + ("amount",),
              "Payment received for order {order_number}: {amount}",
              "Payment of {amount} received; receipt {document_number} is "
              "attached."),
    EventInfo(EmailEvent.SHIPPING, "shipping_notice", ("customer",), COMMON,
              "Your order {order_number} has shipped",
              "Good news: your order is on its way. Track it with the links "
              "below."),
    EventInfo(EmailEvent.CANCELLATION, "cancellation_notice",
              ("customer", "owner"), COMMON,
              "Order {order_number} has been cancelled",
              "Order {order_number} has been cancelled."),
    EventInfo(EmailEvent.REFUND, "credit_note", ("customer", "owner"),
              COMMON + ("amount",),
              "Refund of {amount} for order {order_number} (credit note "
              "{document_number})",
              "A refund of {amount} has been issued; credit note "
              "{document_number} is attached."),
)}


def event_for(*, kind: str, role: str) -> str | None:
    """The event whose wording an email of document ``kind`` to ``role`` uses."""
    for info in EVENTS.values():
        if info.kind == kind and role in info.roles:
            return info.event
    return None


def wording_check(text: str, *, event: str) -> None:
    """Raise ``ValidationError`` unless every placeholder of ``text`` is one
    of ``event``'s, written plainly as ``{name}``."""
    allowed = EVENTS[event].placeholders
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            _("Braces must come in pairs around a placeholder, like "
              "{order_number}; write {{ or }} for a brace itself."),
            code="braces") from None
    unknown: list[str] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if not _NAME.match(name) or name not in allowed or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            if shown not in unknown:
                unknown.append(shown)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(unknown)s. You can use: %(allowed)s."),
            code="placeholder",
            params={"unknown": ", ".join(unknown),
                    "allowed": ", ".join("{" + a + "}" for a in allowed)})


def wording_values(*, data: dict[str, Any], number: str) -> dict[str, str]:
    """The placeholder values of a document's snapshot ``data``."""
    currency = data.get("currency", "MYR")

    def money(value: Any) -> str:
        return Money(Decimal(str(value)), currency).format()

    values = {
        "shop_name": data.get("branding", {}).get("store_name", ""),
        "order_number": data.get("order", {}).get("number", ""),
        "document_number": number,
        "total": money(data.get("totals", {}).get("total", "0")),
        "customer_name": data.get("buyer", {}).get("name", ""),
        "amount": "",
    }
    if "payment" in data:
        values["amount"] = money(data["payment"]["amount"])
    elif "credit" in data:
        values["amount"] = money(data["credit"]["amount"])
    return values


def wording_fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders replaced; ``text`` must have passed
    ``wording_check``."""
    return text.format_map(values)
