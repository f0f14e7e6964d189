"""Money: a Decimal amount with its ISO 4217 currency.

Rounding happens at named points only, always through the functions here:
:func:`quantize` (ROUND_HALF_UP to the currency's minor unit),
:func:`line_total`, :func:`units_share` (a line's cost split by unit) and
:func:`round_places` (numbers without a currency); see ARCHITECTURE.md §4.
``float`` never touches money: constructing Money from a float raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision

# The one rounding rule for money in Kedai; named so callers and tests can
# refer to it.
ROUNDING = ROUND_HALF_UP


@lru_cache(maxsize=64)
def minor_unit(currency: str) -> Decimal:
    """Return the smallest unit of ``currency`` (0.01 for MYR, 1 for JPY)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the currency's minor unit."""
    return amount.quantize(minor_unit(currency), rounding=ROUNDING)


def round_places(value: Decimal, places: int = 2) -> Decimal:
    """Round ``value`` half-up to ``places`` decimals.

    For numbers written to or read from the outside where no currency is
    at hand (a settlement file's amounts, a carrier API's kilograms and
    centimetres); amounts with a currency go through :func:`quantize`.
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def line_total(unit_price: Decimal, quantity: int, currency: str) -> Decimal:
    """LINE_TOTAL: unit price × quantity, quantised half-up.

    The one formula for a line's total wherever it is shown or summed (the
    cart page, the checkout's shipping subtotal, pricing), so they agree.
    """
    return quantize(unit_price * quantity, currency)


def units_share(*, total: Decimal, quantity: int, start: int, count: int,
                currency: str) -> Decimal:
    """What units ``start + 1`` … ``start + count`` of a line cost.

    A line of ``quantity`` units that cost ``total`` together gives each
    unit ``total / quantity`` rounded *down* to the minor unit, and the
    last unit the remainder; so the units of a line, refunded in any
    number of steps, always add up to exactly ``total`` (never a sen
    more). ``start`` is how many units were refunded before.
    """
    if not (start >= 0 and count >= 0 and start + count <= quantity):
        raise ValueError(f"units {start}+{count} of a line of {quantity}")
    each = (total / quantity).quantize(minor_unit(currency), rounding=ROUND_DOWN)

    def cost(units: int) -> Decimal:
        return total if units == quantity else each * units

    return cost(start + count) - cost(start)


def to_decimal(value: object) -> Decimal:
    """Parse user or database input into a Decimal; floats are refused."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a str or Decimal")
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Arithmetic across currencies raises."""

    amount: Decimal
    currency: str = "MYR"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(
                f"cannot combine {self.currency} with {other.currency}"
            )

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise TypeError("money is never multiplied by a float")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def quantized(self) -> Money:
        """Return this amount rounded with :data:`ROUNDING`."""
        return Money(quantize(self.amount, self.currency), self.currency)

    @classmethod
    def zero(cls, currency: str = "MYR") -> Money:
        return cls(Decimal(0), currency)

    def format(self, locale: str = "en_MY") -> str:
        """Format for people: ``RM1,234.50`` in Malaysia."""
        return format_money(self.amount, self.currency, locale)

    def __str__(self) -> str:
        return self.format()


def format_money(amount: Decimal, currency: str, locale: str = "en_MY") -> str:
    """Format ``amount`` with Babel, e.g. ``RM1,234.50`` for MYR in en_MY."""
    return _format(quantize(to_decimal(amount), currency), currency, locale)


@lru_cache(maxsize=4096)
def _format(amount: Decimal, currency: str, locale: str) -> str:
    # Babel parses the locale's pattern on every call; a shop shows the same
    # few hundred prices over and over.
    return format_currency(amount, currency, locale=locale)


def allocate(total: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """Split ``total`` over ``weights`` in proportion, largest remainder first.

    Every share is a whole number of minor units and the shares add up to
    exactly ``total`` (Hamilton's method): each weight first gets its
    proportional share rounded down, then the minor units left over go one
    each to the largest remainders (ties to the earlier weight). A share
    never exceeds its weight when ``total`` is at most the weights' sum and
    the weights are whole minor units, so a discount spread over lines
    never takes a line below zero. All-zero weights split nothing (an
    all-zero result needs ``total`` 0; otherwise ValueError).
    """
    unit = minor_unit(currency)
    units = int(quantize(total, currency) / unit)
    scaled = [int(quantize(w, currency) / unit) for w in weights]
    whole = sum(scaled)
    if units < 0 or any(w < 0 for w in scaled):
        raise ValueError("allocate needs a total and weights >= 0")
    if whole == 0:
        if units:
            raise ValueError("cannot allocate a total over zero weights")
        return [Decimal(0) * unit for _w in weights]
    shares = [units * w // whole for w in scaled]
    left = units - sum(shares)
    order = sorted(range(len(scaled)),
                   key=lambda i: (-(units * scaled[i] % whole), i))
    for i in order[:left]:
        shares[i] += 1
    return [share * unit for share in shares]
