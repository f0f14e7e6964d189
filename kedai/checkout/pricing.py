"""Order totals: a pure function from priced lines to a PricedOrder.

Tax and rounding facts, with their public sources (Customs' SST rules,
Bank Negara Malaysia's rounding mechanism): docs/reference/tax.md.

Pure: no database, no I/O, no Django import. Callers (the cart and checkout
services) load products, tax classes and the store setting for tax-inclusive
prices, build :class:`PricingLine` values, and call :func:`price_order`.

Amounts are :class:`~kedai.core.money.Money` (Decimal), never float. Rounding
happens at these named points only (ARCHITECTURE.md §4), each through
:func:`kedai.core.money.quantize` (ROUND_HALF_UP to the minor unit):

``LINE_TOTAL``
    unit price × quantity, quantised. The entered price is the gross price when
    prices include tax, the net price otherwise.
``LINE_TAX``
    tax per line, quantised. Tax-exclusive: ``net × rate/100``. Tax-inclusive:
    ``gross − gross/(1 + rate/100)``; the net is then ``gross − tax`` so that
    net + tax == gross exactly. The same rule applies to shipping tax.
``ORDER_TOTAL``
    the sum of the already-quantised line, shipping and tax amounts; exact,
    so no further rounding.
``CASH_ROUNDING``
    Bank Negara 5-sen rounding of the bill total for cash payments only
    (BNM rounding): ``(total × 20).quantize(1, ROUND_HALF_UP) / 20``; shown as
    a separate ``rounding`` amount next to the total before rounding.

:data:`ROUNDING_POINTS` maps each name to the function that implements it.

``DISCOUNT``
    discounts (:class:`~kedai.promotions.discounts.Discount`, chosen by
    ``kedai.promotions``) come off the
    line totals *before* SST, in the order given: a percentage is quantised
    once per discount, then every discount is spread over its lines by
    :func:`kedai.core.money.allocate` (largest remainder), so the lines'
    discounts add up to the order discount to the sen and no line goes
    below zero. Tax is then worked out on the discounted line amounts.

Invariants of every :class:`PricedOrder` (tested in tests/checkout):
sum(line gross) + shipping gross + rounding == total;
sum(line discount) == discount_total; total >= 0;
subtotal + tax_total + shipping + rounding == total;
tax_total == sum(tax_by_rate amounts) == sum(line taxes) + shipping tax.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from kedai.core.money import ROUNDING, Money, allocate, quantize
from kedai.core.money import line_total as money_line_total
from kedai.promotions.discounts import AppliedDiscount, Discount

__all__ = ["AppliedDiscount", "Discount", "PricedLine", "PricedOrder",
           "PricingError", "PricingLine", "price_order"]

TAX_KINDS = ("none", "sales", "service")
# Delivery is a taxable service from 2024 (Customs SST), so taxed shipping is
# reported as service tax in the breakdown.
SHIPPING_TAX_KIND = "service"
# 5-sen rounding is a Malaysian (BNM) rule for ringgit cash bills (BNM rounding).
CASH_ROUNDING_CURRENCY = "MYR"

_HUNDRED = Decimal(100)
_TWENTY = Decimal(20)


class PricingError(ValueError):
    """The input cannot be priced; the message says which value is wrong."""


@dataclass(frozen=True, slots=True)
class PricingLine:
    """One cart line as priced input.

    ``unit_price`` is gross when the order prices include tax, net otherwise.
    ``tax_rate`` is a percentage (``Decimal("10")`` for 10 %); kind ``none``
    must have rate 0. Bad values raise :class:`PricingError`, a float raises
    TypeError.
    """

    sku: str
    name: str
    quantity: int
    unit_price: Money
    tax_kind: str = "none"
    tax_rate: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        # bool is an int subclass; True pieces of anything is a bug upstream.
        if not isinstance(self.quantity, int) or isinstance(self.quantity, bool):
            raise PricingError(
                f"{self.sku}: quantity must be an int, got {self.quantity!r}"
            )
        if self.quantity <= 0:
            raise PricingError(
                f"{self.sku}: quantity must be positive, got {self.quantity}"
            )
        _check_money(self.unit_price, f"{self.sku}: unit price")
        if self.tax_kind not in TAX_KINDS:
            raise PricingError(
                f"{self.sku}: tax kind must be one of {TAX_KINDS}, "
                f"got {self.tax_kind!r}"
            )
        rate = _check_rate(self.tax_rate, f"{self.sku}: tax rate")
        if self.tax_kind == "none" and rate != 0:
            raise PricingError(f"{self.sku}: tax kind 'none' needs rate 0, got {rate}")
        object.__setattr__(self, "tax_rate", rate)


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A line with its amounts; net_total + tax == gross_total exactly.

    ``unit_price_net`` is for display only: with tax-inclusive prices it is
    the unit gross less tax, quantised, and ``unit_price_net × quantity`` may
    differ from ``net_total`` by a sen.
    """

    sku: str
    name: str
    quantity: int
    tax_kind: str
    tax_rate: Decimal
    unit_price: Money
    unit_price_net: Money
    net_total: Money
    tax: Money
    gross_total: Money
    # Discount taken off this line, in the terms prices are entered in
    # (gross when prices include tax); ``list_total`` is the line before it.
    discount: Money
    list_total: Money


class TaxBreakdown(NamedTuple):
    """Tax per (kind, rate): the taxable net base and the tax on it."""

    kind: str
    rate: Decimal
    taxable_base: Money
    tax: Money


@dataclass(frozen=True, slots=True)
class PricedOrder:
    """The priced order; ``total`` is what the customer pays (and the gateway
    amount). ``rounding`` is zero unless cash rounding applied."""

    currency: str
    prices_include_tax: bool
    lines: tuple[PricedLine, ...]
    subtotal: Money
    shipping: Money
    shipping_tax: Money
    shipping_gross: Money
    tax_by_rate: tuple[TaxBreakdown, ...]
    tax_total: Money
    total_before_rounding: Money
    rounding: Money
    total: Money
    # Goods discount (entered terms: gross with tax-inclusive prices),
    # shipping discount, and what each discount took.
    discount_total: Money
    shipping_discount: Money
    discounts: tuple[AppliedDiscount, ...]


def line_total(unit_price: Money, quantity: int) -> Money:
    """LINE_TOTAL: unit price × quantity, quantised half-up."""
    return Money(money_line_total(unit_price.amount, quantity, unit_price.currency),
                 unit_price.currency)


def line_tax(amount: Money, rate: Decimal, *, includes_tax: bool) -> Money:
    """LINE_TAX: the tax in (inclusive) or on (exclusive) a quantised amount.

    ``rate`` is a percentage. For inclusive amounts the tax is
    ``gross − gross/(1 + rate/100)``, quantised; the caller derives net as
    gross − tax so that the two always add up.
    """
    if rate == 0:
        return Money.zero(amount.currency)
    fraction = rate / _HUNDRED
    if includes_tax:
        net = amount.amount / (1 + fraction)
        return Money(quantize(amount.amount - net, amount.currency), amount.currency)
    return (amount * fraction).quantized()


def order_total(amounts: Iterable[Money], currency: str) -> Money:
    """ORDER_TOTAL: exact sum of quantised amounts (no rounding needed)."""
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total


def cash_round(total: Money) -> Money:
    """CASH_ROUNDING: round a ringgit bill total to the nearest 5 sen.

    Bank Negara Malaysia rule (BNM rounding): totals ending in 1, 2, 6, 7 sen
    round down, 3, 4, 8, 9 sen round up. ``× 20, round half-up to a whole,
    ÷ 20`` matches that table for every sen ending (BNM rounding).
    """
    if total.currency != CASH_ROUNDING_CURRENCY:
        raise PricingError(
            f"5-sen cash rounding applies to {CASH_ROUNDING_CURRENCY} only, "
            f"not {total.currency}"
        )
    steps = (total.amount * _TWENTY).quantize(Decimal(1), rounding=ROUNDING)
    return Money(quantize(steps / _TWENTY, total.currency), total.currency)


ROUNDING_POINTS: Mapping[str, Callable[..., Money]] = MappingProxyType({
    "LINE_TOTAL": line_total,
    "LINE_TAX": line_tax,
    "ORDER_TOTAL": order_total,
    "CASH_ROUNDING": cash_round,
})


def price_order(
    *,
    lines: Iterable[PricingLine],
    shipping: Money,
    prices_include_tax: bool,
    cash_rounding: bool,
    currency: str = "MYR",
    shipping_tax_rate: Decimal = Decimal(0),
    discounts: Iterable[Discount] = (),
) -> PricedOrder:
    """Price an order; the one entry point for order totals.

    Pure: no database, no I/O; the same input always gives an equal result.
    ``shipping`` is gross when ``prices_include_tax``, net otherwise, and is
    taxed at ``shipping_tax_rate`` percent (default 0: no SST on shipping).
    ``cash_rounding`` applies the BNM 5-sen rule to the bill total; set it
    only for cash payments (cash on delivery), since online payments are
    charged the exact amount (BNM rounding). ``discounts`` come off before
    tax, in order (see DISCOUNT in the module docstring).

    Raises :class:`PricingError` for no lines, a currency other than
    ``currency``, a negative amount, or cash rounding outside MYR.
    """
    priced_input = tuple(lines)
    if not priced_input:
        raise PricingError("Nothing to price")
    _check_money(shipping, "shipping", currency)
    shipping_rate = _check_rate(shipping_tax_rate, "shipping tax rate")

    for line in priced_input:
        if not isinstance(line, PricingLine):
            raise TypeError(f"expected PricingLine, got {type(line).__name__}")
        _check_money(line.unit_price, f"{line.sku}: unit price", currency)
    list_totals = [line_total(line.unit_price, line.quantity)
                   for line in priced_input]
    shipping_entered = shipping.quantized()
    line_cuts, ship_cut, applied = _apply_discounts(
        priced_input, list_totals, shipping_entered, tuple(discounts), currency)
    priced_lines = [
        _price_line(line, prices_include_tax, listed, Money(cut, currency))
        for line, listed, cut in zip(priced_input, list_totals, line_cuts,
                                     strict=True)
    ]

    ship_net, ship_tax, ship_gross = _split(
        shipping_entered - Money(ship_cut, currency), shipping_rate,
        prices_include_tax
    )

    # Group with per-line tax (not tax recomputed per group), so the breakdown
    # adds up to exactly the tax shown on the lines.
    groups: dict[tuple[str, Decimal], tuple[Money, Money]] = {}
    taxed = [(pl.tax_kind, pl.tax_rate, pl.net_total, pl.tax) for pl in priced_lines]
    if shipping_rate:
        taxed.append((SHIPPING_TAX_KIND, shipping_rate, ship_net, ship_tax))
    for kind, rate, base, tax in taxed:
        if rate == 0:  # untaxed and exempt lines carry no tax to report
            continue
        old_base, old_tax = groups.get((kind, rate), (Money.zero(currency),) * 2)
        groups[(kind, rate)] = (old_base + base, old_tax + tax)
    tax_by_rate = tuple(
        TaxBreakdown(kind, rate, base, tax)
        for (kind, rate), (base, tax) in sorted(groups.items(), key=lambda i: i[0])
    )

    subtotal = order_total((pl.net_total for pl in priced_lines), currency)
    tax_total = order_total((pl.tax for pl in priced_lines), currency) + ship_tax
    before = order_total((subtotal, tax_total, ship_net), currency)
    after = cash_round(before) if cash_rounding else before
    return PricedOrder(
        currency=currency,
        prices_include_tax=prices_include_tax,
        lines=tuple(priced_lines),
        subtotal=subtotal,
        shipping=ship_net,
        shipping_tax=ship_tax,
        shipping_gross=ship_gross,
        tax_by_rate=tax_by_rate,
        tax_total=tax_total,
        total_before_rounding=before,
        rounding=after - before,
        total=after,
        discount_total=Money(sum(line_cuts, Decimal(0)), currency).quantized(),
        shipping_discount=Money(ship_cut, currency).quantized(),
        discounts=applied,
    )


def _apply_discounts(
    lines: tuple[PricingLine, ...], list_totals: list[Money], shipping: Money,
    discounts: tuple[Discount, ...], currency: str,
) -> tuple[list[Decimal], Decimal, tuple[AppliedDiscount, ...]]:
    """Per-line discount amounts, the shipping discount and what each
    discount took; each discount works on what earlier ones left."""
    left = [t.amount for t in list_totals]
    cuts = [Decimal(0)] * len(lines)
    ship_left = shipping.amount
    zero = Money.zero(currency)
    applied = []
    for d in discounts:
        if not isinstance(d, Discount):
            raise TypeError(f"expected Discount, got {type(d).__name__}")
        if d.kind == "free_delivery":
            applied.append(AppliedDiscount(d.key, d.label, zero,
                                           Money(ship_left, currency),
                                           (zero,) * len(lines)))
            ship_left = Decimal(0)
            continue
        idx = [i for i, line in enumerate(lines)
               if d.skus is None or line.sku in d.skus]
        base = sum((left[i] for i in idx), Decimal(0))
        if d.kind == "buy_x_get_y":
            shares = _free_units(lines, idx, left, d, currency)
        else:
            if d.kind == "percent":
                amount = quantize(base * d.value / _HUNDRED, currency)
            else:
                amount = min(quantize(d.value, currency), base)
            shares = allocate(amount, [left[i] for i in idx], currency)
        per_line = [Decimal(0)] * len(lines)
        for i, share in zip(idx, shares, strict=True):
            per_line[i] = share
            left[i] -= share
            cuts[i] += share
        applied.append(AppliedDiscount(
            d.key, d.label, Money(sum(shares, Decimal(0)), currency).quantized(),
            zero, tuple(Money(a, currency) for a in per_line)))
    return cuts, shipping.amount - ship_left, tuple(applied)


def _free_units(lines: tuple[PricingLine, ...], idx: list[int],
                left: list[Decimal], d: Discount, currency: str) -> list[Decimal]:
    """Buy ``buy`` get ``get``: the cheapest units of the eligible lines are
    free, ``get`` of every ``buy + get``; each line gives at most what is
    left of it."""
    units = sum(lines[i].quantity for i in idx)
    free = units // (d.buy + d.get) * d.get
    shares = {i: Decimal(0) for i in idx}
    for i in sorted(idx, key=lambda i: (lines[i].unit_price.amount, i)):
        if free <= 0:
            break
        n = min(free, lines[i].quantity)
        free -= n
        shares[i] = min(quantize(lines[i].unit_price.amount * n, currency), left[i])
    return [shares[i] for i in idx]


def _price_line(line: PricingLine, prices_include_tax: bool,
                listed: Money | None = None,
                discount: Money | None = None) -> PricedLine:
    if listed is None:
        listed = line_total(line.unit_price, line.quantity)
    if discount is None:
        discount = Money.zero(listed.currency)
    net, tax, gross = _split(listed - discount, line.tax_rate, prices_include_tax)
    unit_net, _, _ = _split(line.unit_price.quantized(), line.tax_rate,
                            prices_include_tax)
    return PricedLine(
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        tax_kind=line.tax_kind,
        tax_rate=line.tax_rate,
        unit_price=line.unit_price,
        unit_price_net=unit_net,
        net_total=net,
        tax=tax,
        gross_total=gross,
        discount=discount,
        list_total=listed,
    )


def _split(
    amount: Money, rate: Decimal, includes_tax: bool
) -> tuple[Money, Money, Money]:
    """Return (net, tax, gross) for a quantised amount entered gross or net."""
    tax = line_tax(amount, rate, includes_tax=includes_tax)
    if includes_tax:
        return amount - tax, tax, amount
    return amount, tax, amount + tax


def _check_money(value: object, what: str, currency: str | None = None) -> None:
    if not isinstance(value, Money):
        # A bare number (worst of all a float) carries no currency.
        raise TypeError(f"{what} must be Money, got {type(value).__name__}")
    if value.amount < 0:
        raise PricingError(f"{what} must not be negative, got {value.amount}")
    if currency is not None and value.currency != currency:
        raise PricingError(
            f"{what} is in {value.currency} but the order is in {currency}"
        )


def _check_rate(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal percentage, got {value!r}")
    rate = Decimal(value)
    if not rate.is_finite() or rate < 0:
        raise PricingError(f"{what} must be a percentage >= 0, got {value}")
    return rate
