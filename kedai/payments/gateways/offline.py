"""Offline payment methods: bank transfer and cash on delivery.

No gateway and no callback: the shopper is shown how to pay (bank
transfer: the shop's account and the order number as the reference;
cash on delivery: the amount to have ready), and the owner records the
money received in the back office (``payment_mark_received``), which
moves the order to paid through the same path as online payments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kedai.core.money import Money

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


@dataclass(frozen=True)
class OfflineMethod:
    code: str
    label: StrOrPromise
    cash: bool  # the bill is rounded to 5 sen when paid in cash


BANK_TRANSFER = OfflineMethod("bank_transfer", _("Bank transfer"), cash=False)
CASH_ON_DELIVERY = OfflineMethod("cod", _("Cash on delivery"), cash=True)
OFFLINE_METHODS: dict[str, OfflineMethod] = {
    m.code: m for m in (BANK_TRANSFER, CASH_ON_DELIVERY)}


def bank_transfer_instructions(*, amount: Money, reference: str) -> dict[str, str]:
    """What to show (and email) for a bank transfer: account and reference.

    The shop's account comes from KEDAI_BANK_TRANSFER; ``reference`` is
    the order number, which the owner looks for on the bank statement.
    """
    account = dict(getattr(settings, "KEDAI_BANK_TRANSFER", {}))
    return {**account, "reference": reference, "amount": str(amount)}
