"""Order totals (kedai.checkout.pricing): worked examples, invariants, bad input.

Pure tests: no database. Worked examples are computed by hand from the rules
named in the module docstring and BNM's 5-sen rounding mechanism.
"""

import ast
import dataclasses
import inspect
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kedai.checkout import pricing
from kedai.checkout.pricing import (
    PricedOrder,
    PricingError,
    PricingLine,
    TaxBreakdown,
    cash_round,
    price_order,
)
from kedai.core.money import Money

D = Decimal


def rm(amount: str) -> Money:
    return Money(D(amount), "MYR")


def line(price: str, qty: int = 1, kind: str = "none", rate: str = "0",
         sku: str = "SKU") -> PricingLine:
    return PricingLine(sku=sku, name=sku.title(), quantity=qty,
                       unit_price=rm(price), tax_kind=kind, tax_rate=D(rate))


def price(lines, *, shipping="0.00", inclusive=False, cash=False, **kw) -> PricedOrder:
    return price_order(lines=lines, shipping=rm(shipping),
                       prices_include_tax=inclusive, cash_rounding=cash, **kw)


# --- worked examples -------------------------------------------------------

def test_no_tax_retail_order():
    """Most merchants charge no SST (Customs SST): total is the plain sum."""
    order = price([line("19.90", 2, sku="tee"), line("5.00", sku="cap")])
    assert order.subtotal == rm("44.80")
    assert order.tax_total == rm("0")
    assert order.tax_by_rate == ()
    assert order.total == rm("44.80")
    assert order.rounding == rm("0")
    assert [pl.gross_total for pl in order.lines] == [rm("39.80"), rm("5.00")]


def test_sales_tax_10_percent_exclusive():
    """Exclusive: tax = net × 10 % quantised half-up (9.999 → 10.00)."""
    order = price([line("33.33", 3, "sales", "10")])
    (pl,) = order.lines
    assert (pl.net_total, pl.tax, pl.gross_total) == (rm("99.99"), rm("10.00"),
                                                      rm("109.99"))
    assert order.tax_by_rate == (TaxBreakdown("sales", D(10), rm("99.99"),
                                              rm("10.00")),)
    assert order.total == rm("109.99")


@pytest.mark.parametrize(("unit", "qty", "net", "tax"), [
    ("110.00", 1, "100.00", "10.00"),
    # 19.98 / 1.1 = 18.1636…, tax 1.8163… → 1.82, net = 19.98 − 1.82
    ("9.99", 2, "18.16", "1.82"),
])
def test_sales_tax_10_percent_inclusive(unit, qty, net, tax):
    """Inclusive: tax = gross − gross/1.1 quantised; net + tax == gross."""
    order = price([line(unit, qty, "sales", "10")], inclusive=True)
    (pl,) = order.lines
    gross = (rm(unit) * qty).quantized()
    assert (pl.net_total, pl.tax, pl.gross_total) == (rm(net), rm(tax), gross)
    assert order.subtotal + order.tax_total == gross == order.total


def test_mixed_5_and_10_percent_lines_give_two_tax_entries():
    """Tax is per line, then summed per (kind, rate) in rate order."""
    order = price([
        line("12.35", 2, "sales", "10", sku="b"),
        line("100.00", 1, "sales", "5", sku="a"),
        line("10.00", 1, "sales", "5", sku="c"),
    ])
    assert order.tax_by_rate == (
        TaxBreakdown("sales", D(5), rm("110.00"), rm("5.50")),
        TaxBreakdown("sales", D(10), rm("24.70"), rm("2.47")),
    )
    assert order.tax_total == rm("7.97")
    assert order.total == rm("142.67")


@pytest.mark.parametrize(("inclusive", "unit", "net", "tax", "gross"), [
    (False, "150.00", "150.00", "12.00", "162.00"),
    (True, "54.00", "50.00", "4.00", "54.00"),
])
def test_service_tax_8_percent(inclusive, unit, net, tax, gross):
    """Service tax 8 % since 1 March 2024 (Customs SST)."""
    order = price([line(unit, 1, "service", "8")], inclusive=inclusive)
    assert (order.subtotal, order.tax_total, order.total) == (rm(net), rm(tax),
                                                              rm(gross))
    assert order.tax_by_rate == (TaxBreakdown("service", D(8), rm(net), rm(tax)),)


def test_shipping_untaxed_by_default():
    """Shipping carries no SST unless a shipping tax rate is given."""
    order = price([line("50.00")], shipping="8.00")
    assert (order.shipping, order.shipping_tax, order.shipping_gross) == (
        rm("8.00"), rm("0"), rm("8.00"))
    assert order.tax_by_rate == ()
    assert order.total == rm("58.00")


@pytest.mark.parametrize(("inclusive", "shipping", "net", "tax"), [
    (False, "10.00", "10.00", "0.80"),
    (True, "10.80", "10.00", "0.80"),
])
def test_taxed_shipping_is_reported_as_service_tax(inclusive, shipping, net, tax):
    """Delivery is a taxable service (Customs SST); its tax joins the breakdown."""
    order = price([line("50.00")], shipping=shipping, inclusive=inclusive,
                  shipping_tax_rate=D(8))
    assert (order.shipping, order.shipping_tax) == (rm(net), rm(tax))
    assert order.tax_by_rate == (TaxBreakdown("service", D(8), rm(net), rm(tax)),)
    assert order.total == rm("50.00") + rm(net) + rm(tax)


@pytest.mark.parametrize(("before", "after"), [
    ("10.00", "10.00"), ("10.01", "10.00"), ("10.02", "10.00"),
    ("10.03", "10.05"), ("10.04", "10.05"), ("10.05", "10.05"),
    ("10.06", "10.05"), ("10.07", "10.05"), ("10.08", "10.10"),
    ("10.09", "10.10"),
    # BNM's own examples (BNM rounding)
    ("82.01", "82.00"), ("82.04", "82.05"), ("82.07", "82.05"), ("82.08", "82.10"),
    ("0.01", "0.00"), ("99.99", "100.00"),
])
def test_cash_rounding_every_last_sen_digit(before, after):
    """1, 2, 6, 7 sen round down, 3, 4, 8, 9 round up (BNM rounding mechanism)."""
    order = price([line(before)], cash=True)
    assert order.total_before_rounding == rm(before)
    assert order.total == rm(after)
    assert order.rounding == rm(after) - rm(before)
    assert pricing.ROUNDING_POINTS["CASH_ROUNDING"](rm(before)) == rm(after)


@pytest.mark.parametrize("before", ["10.01", "10.03", "10.07", "10.09"])
def test_no_rounding_without_cash(before):
    """Online payments are charged the exact amount (BNM rounding)."""
    order = price([line(before)], cash=False)
    assert order.total == rm(before)
    assert order.rounding == rm("0")


def test_cash_rounding_applies_to_bill_total_not_lines():
    """Rounding happens once on the total (BNM rounding), after tax and shipping."""
    order = price([line("1.01", 3, "sales", "10"), line("2.02")], shipping="4.99",
                  cash=True)
    # lines 3.03 + 0.30 tax + 2.02 + shipping 4.99 = 10.34 → 10.35
    assert order.total_before_rounding == rm("10.34")
    assert order.rounding == rm("0.01")
    assert order.total == rm("10.35")


def test_equal_rates_share_one_breakdown_entry():
    """10 and 10.00 (as a DecimalField returns it) are the same rate."""
    order = price([line("1.00", rate="10", kind="sales", sku="a"),
                   line("2.00", rate="10.00", kind="sales", sku="b")])
    assert order.tax_by_rate == (TaxBreakdown("sales", D(10), rm("3.00"),
                                              rm("0.30")),)


def test_named_rounding_points_round_half_up():
    """LINE_TOTAL and LINE_TAX are half-up, not banker's rounding."""
    points = pricing.ROUNDING_POINTS
    assert set(points) == {"LINE_TOTAL", "LINE_TAX", "ORDER_TOTAL", "CASH_ROUNDING"}
    assert points["LINE_TOTAL"](rm("0.335"), 3) == rm("1.01")  # 1.005
    assert points["LINE_TAX"](rm("0.05"), D(10), includes_tax=False) == rm("0.01")
    # 3 × 0.335 priced: the line total is rounded once, not the unit price
    assert price([line("0.335", 3)]).total == rm("1.01")


def test_other_currency_without_cash_rounding():
    """Currency is a parameter; JPY quantises to whole yen."""
    order = price_order(
        lines=[PricingLine("a", "A", 3, Money(D("333"), "JPY"), "sales", D("10"))],
        shipping=Money(D("0"), "JPY"), prices_include_tax=False,
        cash_rounding=False, currency="JPY")
    assert order.total == Money(D("1099"), "JPY")  # 999 + 99.9 → 100


def test_cash_rounding_is_ringgit_only():
    with pytest.raises(PricingError, match="MYR only"):
        price_order(lines=[PricingLine("a", "A", 1, Money(D("1.01"), "USD"))],
                    shipping=Money(D("0"), "USD"), prices_include_tax=False,
                    cash_rounding=True, currency="USD")


def test_module_imports_nothing_from_django():
    """Totals are pure (STYLE.md): no ORM, no Django at all."""
    tree = ast.parse(inspect.getsource(pricing))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names]
    assert not [m for m in modules if m.startswith("django")]


# --- bad input -------------------------------------------------------------

@pytest.mark.parametrize(("qty", "message"), [
    (0, "quantity must be positive"), (-2, "quantity must be positive"),
    (1.5, "quantity must be an int"), (True, "quantity must be an int"),
    ("2", "quantity must be an int"),
])
def test_bad_quantity(qty, message):
    with pytest.raises(PricingError, match=message):
        PricingLine("tee", "Tee", qty, rm("1.00"))


def test_negative_price():
    with pytest.raises(PricingError, match="unit price must not be negative"):
        line("-0.01")


def test_float_price_is_refused():
    with pytest.raises(TypeError, match="never a float"):
        PricingLine("tee", "Tee", 1, Money(9.99))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be Money"):
        PricingLine("tee", "Tee", 1, 9.99)  # type: ignore[arg-type]


def test_float_tax_rate_is_refused():
    with pytest.raises(TypeError, match="Decimal percentage"):
        PricingLine("tee", "Tee", 1, rm("1.00"), "sales", 10.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "rate", "message"), [
    ("gst", "6", "tax kind must be one of"),
    ("none", "10", "needs rate 0"),
    ("sales", "-5", "percentage >= 0"),
])
def test_bad_tax(kind, rate, message):
    with pytest.raises(PricingError, match=message):
        line("1.00", kind=kind, rate=rate)


def test_mixed_currency_line():
    usd = PricingLine("tee", "Tee", 1, Money(D("1.00"), "USD"))
    with pytest.raises(PricingError, match="in USD but the order is in MYR"):
        price([line("1.00"), usd])


def test_mixed_currency_shipping():
    with pytest.raises(PricingError, match="shipping is in USD"):
        price_order(lines=[line("1.00")], shipping=Money(D("1"), "USD"),
                    prices_include_tax=False, cash_rounding=False)


def test_negative_shipping():
    with pytest.raises(PricingError, match="shipping must not be negative"):
        price([line("1.00")], shipping="-1.00")


def test_nothing_to_price():
    with pytest.raises(PricingError, match="Nothing to price"):
        price([])


def test_pricing_error_is_a_value_error():
    assert issubclass(PricingError, ValueError)


# --- properties ------------------------------------------------------------

cents = st.integers(0, 999_999).map(lambda c: D(c).scaleb(-2))  # 0.00..9999.99
rates = st.sampled_from([D(0), D(5), D(6), D(8), D(10)])


@st.composite
def pricing_lines(draw):
    rate = draw(rates)
    kind = draw(st.sampled_from(["none", "sales", "service"] if rate == 0
                                else ["sales", "service"]))
    return PricingLine(sku=draw(st.text(min_size=1, max_size=5)), name="x",
                       quantity=draw(st.integers(1, 99)),
                       unit_price=Money(draw(cents)), tax_kind=kind, tax_rate=rate)


orders = st.fixed_dictionaries({
    "lines": st.lists(pricing_lines(), min_size=1, max_size=8),
    "shipping": st.integers(0, 99_999).map(lambda c: Money(D(c).scaleb(-2))),
    "shipping_tax_rate": st.sampled_from([D(0), D(6), D(8)]),
    "prices_include_tax": st.booleans(),
    "cash_rounding": st.booleans(),
})


def _monies(value):
    """Every Money inside a PricedOrder, however deeply nested."""
    if isinstance(value, Money):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _monies(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _monies(item)
    else:
        assert not isinstance(value, float), value


def _sen(amount):
    # Spelled out rather than via kedai.core.money, as an independent oracle.
    return amount.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _sum(amounts):
    return sum((m for m in amounts), rm("0"))


@settings(max_examples=300, deadline=None)
@given(orders)
def test_invariants_hold_for_any_order(kw):
    order = price_order(**kw)
    lines = order.lines
    # Then: each line reconciles exactly, and its tax matches the plain formula
    for pl, given_line in zip(lines, kw["lines"], strict=True):
        assert pl.net_total + pl.tax == pl.gross_total
        entered = _sen(given_line.unit_price.amount * pl.quantity)
        f = pl.tax_rate / 100
        if kw["prices_include_tax"]:
            assert pl.gross_total.amount == entered
            assert pl.tax.amount == _sen(entered - entered / (1 + f))
        else:
            assert pl.net_total.amount == entered
            assert pl.tax.amount == _sen(entered * f)
    # the total reconciles both ways
    assert (_sum(pl.gross_total for pl in lines) + order.shipping_gross
            + order.rounding == order.total)
    assert (order.subtotal + order.tax_total + order.shipping + order.rounding
            == order.total)
    assert order.shipping + order.shipping_tax == order.shipping_gross
    # tax adds up the same way by line and by rate
    assert order.tax_total == _sum(t.tax for t in order.tax_by_rate)
    assert order.tax_total == _sum(pl.tax for pl in lines) + order.shipping_tax
    keys = [(t.kind, t.rate) for t in order.tax_by_rate]
    assert keys == sorted(set(keys))
    assert all(t.rate > 0 for t in order.tax_by_rate)
    # every amount is a quantised Decimal in the one currency; no float anywhere
    for money in _monies(order):
        assert type(money.amount) is Decimal
        assert money.currency == "MYR"
        assert money.amount == money.amount.quantize(D("0.01"))
    # cash rounding: within ±2 sen, on a 5-sen step; otherwise none at all
    if kw["cash_rounding"]:
        assert abs(order.rounding.amount) <= D("0.02")
        assert order.total.amount % D("0.05") == 0
    else:
        assert order.rounding == rm("0")
    # recomputing the same input gives an identical result
    again = price_order(**kw)
    assert again == order
    assert repr(again) == repr(order)


@settings(max_examples=200, deadline=None)
@given(cents)
def test_cash_round_matches_bnm_table(amount):
    """The ×20 formula equals the BNM table on the last sen (BNM rounding)."""
    sen = int(amount * 100) % 10
    adjust = {0: 0, 1: -1, 2: -2, 3: 2, 4: 1, 5: 0, 6: -1, 7: -2, 8: 2, 9: 1}[sen]
    assert cash_round(rm(str(amount))) == Money(amount + D(adjust).scaleb(-2))
