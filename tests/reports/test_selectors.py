"""Dashboard figures on a hand-built set of orders (shop time: Kuala Lumpur).

``now`` is Sunday 15 March 2026, 14:00 local. "Today" is 15 March until
14:00 against 14 March until 14:00; "7 days" is 9–15 March against 2–8
March (until 14:00); "30 days" is 14 February – 15 March against
15 January – 13 February.
"""

from decimal import Decimal

import pytest

from kedai.reports import selectors
from kedai.reports.periods import period_get
from tests.factories import make_product
from tests.reports.conftest import kl, make_order, make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(settings):
    settings.KEDAI_CURRENCY = "MYR"
    a = make_product(name="Kopi", variants=[{"sku": "KOPI"}]).variants.get()
    b = make_product(name="Kuih", variants=[{"sku": "KUIH"}]).variants.get()
    v = {"Kopi": a, "Kuih": b}
    # alice: first order long ago, so returning in every period.
    make_order(email="alice@example.my", at=kl(2026, 2, 1, 10, 0), total="50.00")
    make_order(email="alice@example.my", at=kl(2026, 3, 15, 9, 30), total="100.00",
               method="billplz", state="SGR",
               lines=[("Kopi", 2, "80.00"), ("Kuih", 1, "20.00")], variants=v)
    # bob: exactly at local midnight (16:00 UTC the day before) is today...
    make_order(email="bob@example.my", at=kl(2026, 3, 15, 0, 0), total="40.00",
               status="awaiting_payment", method="cod", state="PNG",
               lines=[("Kopi", 1, "40.00")], variants=v)
    # ...one second earlier is yesterday, after 14:00: in no "today" period.
    make_order(email="bob@example.my", at=kl(2026, 3, 14, 23, 59, 59), total="30.00",
               status="shipped", state="PNG", lines=[("Teh tarik", 3, "30.00")])
    # dan: cancelled, never counts.
    make_order(email="dan@example.my", at=kl(2026, 3, 15, 10, 0), total="500.00",
               status="cancelled", lines=[("Kopi", 50, "500.00")], variants=v)
    # cara: yesterday morning, refunded today in full.
    refunded = make_order(email="cara@example.my", at=kl(2026, 3, 14, 10, 0),
                          total="60.00", status="refunded",
                          lines=[("Kuih", 3, "60.00")], variants=v)
    make_refund(order=refunded, amount="60.00", at=kl(2026, 3, 15, 11, 0))
    make_order(email="cara@example.my", at=kl(2026, 3, 5, 12, 0), total="25.00",
               status="delivered", lines=[("Kuih", 1, "25.00")], variants=v)
    # erin: the first second of the 7-day period.
    make_order(email="erin@example.my", at=kl(2026, 3, 9, 0, 0), total="10.00",
               lines=[("Gula melaka", 1, "10.00")])
    # fay: 8 March after 14:00: outside both 7-day stretches.
    make_order(email="fay@example.my", at=kl(2026, 3, 8, 23, 59, 59), total="15.00",
               lines=[("Gula melaka", 1, "15.00")])
    # A refund that failed is no refund.
    failed = make_order(email="gina@example.my", at=kl(2026, 1, 2, 10, 0),
                        total="70.00")
    make_refund(order=failed, amount="70.00", at=kl(2026, 3, 15, 12, 0),
                status="failed")


FIGURES = [
    # period, side, sales, orders, items, aov, refunds, customers, returning
    ("today", "now", "140.00", 2, 4, "70.00", "60.00", 2, 2),
    ("today", "before", "60.00", 1, 3, "60.00", "0.00", 1, 1),
    ("7d", "now", "240.00", 5, 11, "48.00", "60.00", 4, 2),
    ("7d", "before", "25.00", 1, 1, "25.00", "0.00", 1, 0),
    ("30d", "now", "280.00", 7, 13, "40.00", "60.00", 5, 1),
    ("30d", "before", "50.00", 1, 0, "50.00", "0.00", 1, 0),
]


@pytest.mark.parametrize(("key", "side", "sales", "orders", "items", "aov",
                          "refunds", "customers", "returning"), FIGURES)
def test_figures_per_period(shop, now, key, side, sales, orders, items, aov,
                            refunds, customers, returning):
    period = period_get(key, now=now)
    start, end = ((period.start, period.end) if side == "now"
                  else (period.previous_start, period.previous_end))
    f = selectors.sales_figures(start=start, end=end)
    assert (f.sales, f.orders, f.items, f.average_order_value, f.refunds,
            f.customers, f.returning_customers) == (
        Decimal(sales), orders, items, Decimal(aov), Decimal(refunds), customers,
        returning)
    assert f.new_customers == customers - returning
    assert isinstance(f.sales, Decimal)


def test_periods_start_at_local_midnight(now):
    today = period_get("today", now=now)
    assert today.start.isoformat() == "2026-03-15T00:00:00+08:00"
    assert today.start.utcoffset().total_seconds() == 8 * 3600
    assert today.previous_start == kl(2026, 3, 14)
    assert today.previous_end == kl(2026, 3, 14, 14, 0)
    week = period_get("7d", now=now)
    assert (week.start, week.previous_start) == (kl(2026, 3, 9), kl(2026, 3, 2))


def test_metrics_compare_with_the_period_before(shop, now):
    metrics = {m.key: m for m in selectors.sales_metrics(period=period_get("7d",
                                                                          now=now))}
    assert metrics["sales"].current == Decimal("240.00")
    assert metrics["sales"].previous == Decimal("25.00")
    assert metrics["sales"].change == Decimal("860.0")
    assert metrics["net_sales"].current == Decimal("180.00")
    assert metrics["refunds"].change is None  # nothing refunded before
    assert metrics["new_customers"].current == 2
    assert metrics["returning_customers"].current == 2
    assert metrics["orders"].change == Decimal("400.0")


def test_sales_over_time_by_day_fills_empty_days(shop, now):
    points = selectors.sales_over_time(period=period_get("7d", now=now))
    assert [p.label for p in points] == ["9 Mar", "10 Mar", "11 Mar", "12 Mar",
                                         "13 Mar", "14 Mar", "15 Mar"]
    assert [p.sales for p in points] == [Decimal(x) for x in
                                         ("10", "0", "0", "0", "0", "90", "140")]
    assert [p.orders for p in points] == [1, 0, 0, 0, 0, 2, 2]
    assert [p.previous_sales for p in points] == [Decimal(x) for x in
                                                  ("0", "0", "0", "25", "0", "0",
                                                   "0")]


def test_sales_over_time_today_by_local_hour(shop, now):
    points = selectors.sales_over_time(period=period_get("today", now=now))
    assert len(points) == 15 and points[0].label == "00:00"
    assert points[-1].label == "14:00"
    assert {i: p.sales for i, p in enumerate(points) if p.sales} == {
        0: Decimal("40.00"), 9: Decimal("100.00")}
    assert {i: p.previous_sales for i, p in enumerate(points) if p.previous_sales} \
        == {10: Decimal("60.00")}


def test_sales_by_payment_method_and_state(shop, now):
    period = period_get("7d", now=now)
    assert [(s.key, s.label, s.sales, s.orders)
            for s in selectors.sales_by_payment_method(period=period)] == [
        ("bank_transfer", "Bank transfer", Decimal("100.00"), 3),
        ("billplz", "Billplz", Decimal("100.00"), 1),
        ("cod", "Cash on delivery", Decimal("40.00"), 1),
    ]
    assert [(s.label, s.sales, s.orders)
            for s in selectors.sales_by_state(period=period)] == [
        ("Selangor", Decimal("100.00"), 1),
        ("Kuala Lumpur", Decimal("70.00"), 2),
        ("Pulau Pinang", Decimal("70.00"), 2),
    ]


def test_top_products_by_revenue_and_quantity(shop, now):
    period = period_get("7d", now=now)
    by_revenue = selectors.top_products(period=period, by="revenue")
    assert [(s.label, s.sales, s.quantity) for s in by_revenue] == [
        ("Kopi", Decimal("120.00"), 3), ("Kuih", Decimal("80.00"), 4),
        ("Teh tarik", Decimal("30.00"), 3), ("Gula melaka", Decimal("10.00"), 1)]
    assert by_revenue[0].product_id is not None
    assert by_revenue[2].product_id is None  # sold without a catalogue variant
    by_quantity = selectors.top_products(period=period, by="quantity")
    assert [s.label for s in by_quantity] == ["Kuih", "Kopi", "Teh tarik",
                                              "Gula melaka"]


def test_orders_in_another_currency_are_left_out(db, now):
    make_order(email="x@example.my", at=kl(2026, 3, 15, 9), total="10.00")
    make_order(email="y@example.my", at=kl(2026, 3, 15, 9), total="99.00",
               currency="SGD")
    period = period_get("today", now=now)
    assert selectors.sales_figures(start=period.start, end=period.end).sales \
        == Decimal("10.00")


def test_an_empty_shop_has_zero_figures(db, now):
    period = period_get("30d", now=now)
    f = selectors.sales_figures(start=period.start, end=period.end)
    assert (f.sales, f.orders, f.items, f.average_order_value, f.refunds) == (
        Decimal("0.00"), 0, 0, Decimal("0.00"), Decimal("0.00"))
    assert all(p.sales == 0 for p in selectors.sales_over_time(period=period))
    assert selectors.top_products(period=period) == []
