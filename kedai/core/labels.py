"""The one table of names shown for payment methods.

Orders, payments, checkouts and exports store short codes (``cod``,
``ipay88``, ``bank_transfer``); people read names. Every place that shows
a method (storefront, back office, emails, PDFs, exports, reports) asks
here, so a name is spelt the same everywhere and translated once. A code
not in the table (a gateway added later) falls back to its adapter's own
label where one is known, else to the code itself, never to an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


@dataclass(frozen=True)
class MethodLabel:
    """A method's name (``iPay88``) and what it accepts, for checkout."""

    name: StrOrPromise
    detail: StrOrPromise = ""


PAYMENT_METHODS: dict[str, MethodLabel] = {
    "bank_transfer": MethodLabel(_("Bank transfer")),
    "cod": MethodLabel(_("Cash on delivery")),
    "billplz": MethodLabel("Billplz", _("FPX online banking, cards")),
    "fiuu": MethodLabel("Fiuu", _("cards, FPX online banking, e-wallets")),
    "ipay88": MethodLabel("iPay88", _("cards, FPX online banking, e-wallets")),
    "senangpay": MethodLabel("senangPay", _("FPX online banking, cards")),
    "stripe": MethodLabel("Stripe", _("cards, FPX online banking")),
}


def payment_method_label(code: str, *, fallback: str = "") -> str:
    """The name of payment method ``code`` in the active language.

    ``fallback`` (an adapter's label) is used for a code the table does
    not know; then the code itself.
    """
    entry = PAYMENT_METHODS.get(code)
    if entry is None:
        return fallback or code
    return str(entry.name)


def payment_method_choice_label(code: str, *, fallback: str = "") -> str:
    """The name with what the method accepts: "iPay88 (cards, …)"."""
    entry = PAYMENT_METHODS.get(code)
    if entry is None:
        return fallback or code
    if not entry.detail:
        return str(entry.name)
    return f"{entry.name} ({entry.detail})"
