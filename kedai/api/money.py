"""Money in API bodies: ``{"amount": "12.50", "currency": "MYR"}``.

Amounts are strings so no client ever parses them as floats; rounding
happens in the domain (kedai.core.money), never here.
"""

from decimal import Decimal
from typing import overload

from ninja import Schema

from kedai.core.money import Money


class MoneyOut(Schema):
    amount: str
    currency: str


@overload
def money_out(value: Money | Decimal, currency: str = "") -> MoneyOut: ...
@overload
def money_out(value: None, currency: str = "") -> None: ...
def money_out(value, currency=""):
    """``value`` (Money, or a Decimal in ``currency``) as a MoneyOut."""
    if value is None:
        return None
    if isinstance(value, Money):
        return MoneyOut(amount=str(value.quantized().amount),
                        currency=value.currency)
    return money_out(Money(Decimal(value), currency))


def money_dict(value: Money | Decimal, currency: str = "") -> dict[str, str]:
    """:func:`money_out` as a plain dict, for hot paths that skip pydantic."""
    if isinstance(value, Money):
        return {"amount": str(value.quantized().amount), "currency": value.currency}
    return money_dict(Money(Decimal(value), currency))
