"""The discount values the pricing function takes and gives back.

Pure, like :mod:`kedai.checkout.pricing` (no Django, no database): this
app decides *which* discounts apply (``services``), the pricing function
works out *how much* (largest-remainder allocation over lines, before
SST). Kept here, below checkout, so both sides can name them without
checkout's pricing being imported from below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kedai.core.money import Money

DISCOUNT_KINDS = ("percent", "fixed", "buy_x_get_y", "free_delivery")
_HUNDRED = Decimal(100)


class DiscountError(ValueError):
    """A discount value cannot be applied; the message says which."""


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount to apply, already found applicable by its owner.

    ``kind`` is one of DISCOUNT_KINDS: ``percent`` (``value`` percent off
    the eligible lines), ``fixed`` (``value`` off them together, at most
    their total), ``buy_x_get_y`` (of every ``buy + get`` eligible units
    the ``get`` cheapest are free) or ``free_delivery`` (the shipping
    charge). ``skus`` limits it to those lines; None means every line.
    ``key`` identifies its source for the caller (e.g. ``voucher:12``).
    """

    key: str
    label: str
    kind: str
    value: Decimal = Decimal(0)
    buy: int = 0
    get: int = 0
    skus: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in DISCOUNT_KINDS:
            raise DiscountError(f"{self.key}: discount kind must be one of "
                                f"{DISCOUNT_KINDS}, got {self.kind!r}")
        if isinstance(self.value, bool) or not isinstance(self.value, Decimal | int):
            raise TypeError(f"{self.key}: value must be a Decimal, "
                            f"got {self.value!r}")
        value = Decimal(self.value)
        if not value.is_finite() or value < 0:
            raise DiscountError(f"{self.key}: value must be >= 0, got {value}")
        if self.kind == "percent" and value > _HUNDRED:
            raise DiscountError(f"{self.key}: a percentage is at most 100")
        if self.kind == "buy_x_get_y" and not (self.buy >= 1 and self.get >= 1):
            raise DiscountError(f"{self.key}: buy and get must be at least 1")
        object.__setattr__(self, "value", value)


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """What one :class:`Discount` took off: ``amount`` from the goods (the
    sum of ``line_amounts``, one per priced line) and ``shipping`` from
    delivery."""

    key: str
    label: str
    amount: Money
    shipping: Money
    line_amounts: tuple[Money, ...]
