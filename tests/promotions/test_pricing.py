"""Discounts in the one pricing function: before tax, to the sen."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kedai.checkout.pricing import PricingLine, price_order
from kedai.core.money import Money, allocate
from kedai.promotions.discounts import Discount, DiscountError


def rm(value) -> Money:
    return Money(D(value), "MYR")


def test_allocate_gives_the_leftover_sen_to_the_largest_remainders():
    assert allocate(D("10.00"), [D("3"), D("3"), D("3")], "MYR") == [
        D("3.34"), D("3.33"), D("3.33")]
    assert sum(allocate(D("0.05"), [D("1"), D("2"), D("7")], "MYR")) == D("0.05")
    assert allocate(D("0"), [D("0"), D("0")], "MYR") == [D("0.00"), D("0.00")]


def test_discount_comes_off_before_sst():
    line = PricingLine("A", "A", 1, rm("100.00"), "sales", D(10))
    exclusive = price_order(lines=[line], shipping=rm(0), prices_include_tax=False,
                            cash_rounding=False,
                            discounts=[Discount("v", "V", "percent", D(10))])
    assert (exclusive.subtotal, exclusive.tax_total, exclusive.total) == (
        rm("90.00"), rm("9.00"), rm("99.00"))
    inclusive = price_order(lines=[line], shipping=rm(0), prices_include_tax=True,
                            cash_rounding=False,
                            discounts=[Discount("v", "V", "fixed", D(10))])
    assert inclusive.total == rm("90.00")
    assert inclusive.tax_total == rm("8.18")  # 90 - 90/1.1


def test_fixed_discount_never_takes_the_order_below_zero():
    priced = price_order(lines=[PricingLine("A", "A", 1, rm("5.00"))],
                         shipping=rm("8.00"), prices_include_tax=True,
                         cash_rounding=False,
                         discounts=[Discount("v", "V", "fixed", D(50)),
                                    Discount("f", "F", "free_delivery")])
    assert (priced.discount_total, priced.shipping_discount, priced.total) == (
        rm("5.00"), rm("8.00"), rm("0.00"))


@pytest.mark.parametrize("bad", [
    {"kind": "half"}, {"kind": "percent", "value": D(101)},
    {"kind": "fixed", "value": D(-1)}, {"kind": "buy_x_get_y", "buy": 0, "get": 1},
])
def test_bad_discounts_are_refused(bad):
    with pytest.raises(DiscountError):
        Discount("x", "X", **{"kind": "percent", **bad})


money_st = st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2)
line_st = st.tuples(money_st, st.integers(1, 5), st.sampled_from([0, 6, 8, 10]))
discount_st = st.one_of(
    st.builds(lambda v: ("percent", v, 0, 0),
              st.decimals(min_value=0, max_value=100, places=2)),
    st.builds(lambda v: ("fixed", v, 0, 0), st.decimals(min_value=0,
                                                        max_value=5000, places=2)),
    st.builds(lambda b, g: ("buy_x_get_y", D(0), b, g), st.integers(1, 3),
              st.integers(1, 2)),
    st.just(("free_delivery", D(0), 0, 0)),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(line_st, min_size=1, max_size=12),
       discounts=st.lists(st.tuples(discount_st, st.booleans()), max_size=4),
       shipping=st.decimals(min_value=0, max_value=50, places=2),
       inclusive=st.booleans(), cash=st.booleans())
def test_line_discounts_always_sum_to_the_order_discount(lines, discounts, shipping,
                                                         inclusive, cash):
    """Lines' discounts add up to the order discount to the sen, every
    discount's shares to its amount, and the total is never below zero."""
    pricing_lines = [
        PricingLine(f"S{i}", "x", q, rm(price), "sales" if rate else "none", D(rate))
        for i, (price, q, rate) in enumerate(lines)]
    skus_all = [line.sku for line in pricing_lines]
    given_discounts = [
        Discount(f"d{i}", "d", kind, value, buy=buy, get=get,
                 skus=frozenset(skus_all[::2]) if half else None)
        for i, ((kind, value, buy, get), half) in enumerate(discounts)]
    priced = price_order(lines=pricing_lines, shipping=rm(shipping),
                         prices_include_tax=inclusive, cash_rounding=cash,
                         discounts=given_discounts)
    line_cuts = sum((pl.discount for pl in priced.lines), Money.zero())
    assert line_cuts == priced.discount_total
    assert sum((a.amount for a in priced.discounts), Money.zero()) == line_cuts
    for applied in priced.discounts:
        assert sum(applied.line_amounts, Money.zero()) == applied.amount
    for pl in priced.lines:
        assert Money.zero() <= pl.discount <= pl.list_total
        assert pl.net_total + pl.tax == pl.gross_total
        assert pl.gross_total.amount >= 0
    assert priced.total.amount >= 0
    assert (sum((pl.gross_total for pl in priced.lines), Money.zero())
            + priced.shipping_gross + priced.rounding) == priced.total
    assert priced.subtotal + priced.tax_total + priced.shipping + priced.rounding \
        == priced.total
