"""Reads for the sales dashboard and the low-stock page.

Every figure is aggregated in the database (SUM / COUNT / GROUP BY), so a
report costs the same dozen queries for ten orders or a million; Python
only fills the empty hours or days of a chart. Reports only read the
orders, payments and catalogue tables; the one table they write is their
own (``StockAlert``).

Which orders count: every placed order except cancelled ones, in the shop
currency, at the time it was placed (``Order.created_at``) in shop time.
Orders awaiting payment count (bank transfer and cash on delivery are
paid later; an unpaid order that expires is cancelled and drops out).
Refunded orders still count as sales; the money given back is shown as
refunds on the day it was given back, as Shopify and WooCommerce do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncDate, TruncHour
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kedai.catalog.models import Variant
from kedai.core.money import quantize
from kedai.customers.addressing import STATE_NAMES
from kedai.orders.models import Order, OrderLine, OrderStatus
from kedai.payments.models import Payment, Refund
from kedai.reports.periods import Period

COUNTED_STATUSES = tuple(s for s in OrderStatus.values if s != OrderStatus.CANCELLED)
TOP_PRODUCTS = 10
ZERO = Decimal("0.00")


# --- Sales ------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The headline figures of one stretch of time."""

    sales: Decimal
    orders: int
    items: int
    refunds: Decimal
    refund_count: int
    customers: int
    returning_customers: int
    currency: str
    # Discounts (promotions) taken off the counted orders, goods and delivery.
    discounts: Decimal = ZERO

    @property
    def average_order_value(self) -> Decimal:
        if not self.orders:
            return ZERO
        return quantize(self.sales / self.orders, self.currency)

    @property
    def net_sales(self) -> Decimal:
        return self.sales - self.refunds

    @property
    def new_customers(self) -> int:
        return self.customers - self.returning_customers


@dataclass(frozen=True)
class Metric:
    """One figure now and in the period before, with the change in %."""

    key: str
    label: str
    current: Decimal | int
    previous: Decimal | int
    is_money: bool

    @property
    def change(self) -> Decimal | None:
        """Change in per cent (one decimal); None when there was nothing before."""
        if not self.previous:
            return None
        ratio = (Decimal(self.current) - Decimal(self.previous)) * 100 / Decimal(
            self.previous)
        return ratio.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Point:
    """One hour or day of a chart: sales and orders, now and before."""

    label: str
    sales: Decimal
    orders: int
    previous_sales: Decimal
    previous_orders: int


@dataclass(frozen=True)
class Slice:
    """Sales of one payment method, state or product."""

    key: str
    label: str
    sales: Decimal
    orders: int = 0
    quantity: int = 0
    product_id: int | None = None


def counted_orders(*, start: datetime, end: datetime) -> QuerySet[Order]:
    """Orders that count as sales, placed in ``[start, end)``."""
    return Order.objects.filter(status__in=COUNTED_STATUSES,
                                currency=settings.KEDAI_CURRENCY,
                                created_at__gte=start, created_at__lt=end)


def sales_figures(*, start: datetime, end: datetime) -> Figures:
    """Sales, orders, items, refunds and customers of ``[start, end)``.

    A customer is returning when they have a counted order placed before
    ``start``; otherwise their first order is in the period and they are
    new. Three queries.
    """
    orders = counted_orders(start=start, end=end)
    # The period's customers who also ordered before it. Uncorrelated IN
    # subqueries, so the cost follows the period's customers, not the whole
    # order history; a correlated EXISTS per order row made SQLite walk the
    # created_at index over every earlier order (bench/reports.py).
    earlier = Order.objects.filter(
        status__in=COUNTED_STATUSES, created_at__lt=start,
        customer_id__in=orders.values("customer_id")).values("customer_id")
    totals = orders.aggregate(
        sales=Coalesce(Sum("total"), Value(ZERO)),
        orders=Count("id"),
        customers=Count("customer_id", distinct=True),
        returning=Count("customer_id", distinct=True,
                        filter=Q(customer_id__in=earlier)),
        discounts=Coalesce(Sum(F("discount_total") + F("shipping_discount")),
                           Value(ZERO)),
    )
    items = OrderLine.objects.filter(order__in=orders.values("pk")).aggregate(
        n=Coalesce(Sum("quantity"), Value(0)))["n"]
    refunds = Refund.objects.filter(
        status=Refund.Status.SUCCEEDED, payment__currency=settings.KEDAI_CURRENCY,
        created_at__gte=start, created_at__lt=end,
    ).aggregate(amount=Coalesce(Sum("amount"), Value(ZERO)), n=Count("id"))
    currency = settings.KEDAI_CURRENCY
    return Figures(
        sales=quantize(Decimal(totals["sales"]), currency), orders=totals["orders"],
        items=int(items), refunds=quantize(Decimal(refunds["amount"]), currency),
        refund_count=refunds["n"], customers=totals["customers"],
        returning_customers=totals["returning"], currency=currency,
        discounts=quantize(Decimal(totals["discounts"]), currency))


def sales_metrics(*, period: Period) -> list[Metric]:
    """The dashboard's headline figures for ``period`` against the one before."""
    now = sales_figures(start=period.start, end=period.end)
    before = sales_figures(start=period.previous_start, end=period.previous_end)
    rows: list[tuple[str, str, str, bool]] = [
        ("sales", _("Gross sales"), "sales", True),
        ("orders", _("Orders"), "orders", False),
        ("average_order_value", _("Average order value"), "average_order_value",
         True),
        ("items", _("Items sold"), "items", False),
        ("refunds", _("Refunds"), "refunds", True),
        ("net_sales", _("Net sales"), "net_sales", True),
        ("discounts", _("Discounts given"), "discounts", True),
        ("new_customers", _("New customers"), "new_customers", False),
        ("returning_customers", _("Returning customers"), "returning_customers",
         False),
    ]
    return [Metric(key=key, label=label, current=getattr(now, attr),
                   previous=getattr(before, attr), is_money=money)
            for key, label, attr, money in rows]


def _buckets(*, start: datetime, end: datetime, bucket: str) -> dict[int, tuple]:
    """{bucket index from ``start``: (sales, orders)} for ``[start, end)``."""
    tz = timezone.get_default_timezone()
    trunc = (TruncHour("created_at", tzinfo=tz) if bucket == "hour"
             else TruncDate("created_at", tzinfo=tz))
    rows = (counted_orders(start=start, end=end).annotate(at=trunc).values("at")
            .annotate(sales=Sum("total"), orders=Count("id")).order_by("at"))
    local_start = timezone.localtime(start, tz)
    found: dict[int, tuple] = {}
    for row in rows:
        at = row["at"]
        if bucket == "hour":
            delta = (timezone.localtime(at, tz).replace(tzinfo=None)
                     - local_start.replace(tzinfo=None))
            index = int(delta.total_seconds() // 3600)
        else:
            index = (at - local_start.date()).days
        found[index] = (Decimal(row["sales"]), row["orders"])
    return found


def sales_over_time(*, period: Period) -> list[Point]:
    """Sales per hour (today) or per day, with the same hour or day before.

    Every hour or day of the period is present, with zeros where nothing
    was sold.
    """
    current = _buckets(start=period.start, end=period.end, bucket=period.bucket)
    previous = _buckets(start=period.previous_start, end=period.previous_end,
                        bucket=period.bucket)
    currency = settings.KEDAI_CURRENCY
    if period.bucket == "hour":
        labels = [f"{h:02d}:00" for h in range(timezone.localtime(period.end).hour + 1)]
    else:
        labels = [date_format(period.first_day + timedelta(days=i), "j M")
                  for i in range(period.days)]
    points = []
    for i, label in enumerate(labels):
        sales, orders = current.get(i, (ZERO, 0))
        before_sales, before_orders = previous.get(i, (ZERO, 0))
        points.append(Point(label=label, sales=quantize(sales, currency),
                            orders=orders,
                            previous_sales=quantize(before_sales, currency),
                            previous_orders=before_orders))
    return points


def _method_label(code: str) -> str:
    from kedai.core.labels import PAYMENT_METHODS, payment_method_label
    from kedai.payments.registry import gateway_get

    if code in PAYMENT_METHODS:
        return payment_method_label(code)
    try:
        gateway = gateway_get(code)
    except ImportError:
        gateway = None
    return str(gateway.label) if gateway is not None else code


def sales_by_payment_method(*, period: Period) -> list[Slice]:
    """Sales and orders per payment method in ``period``, largest first.

    A paid order counts under the gateway that took the money (the
    shopper may have chosen one method at checkout and paid with
    another); an order not paid yet under the method chosen.
    """
    paying = Payment.objects.filter(order=OuterRef("pk"), pays_order=True)
    rows = (counted_orders(start=period.start, end=period.end)
            .annotate(method=Coalesce(Subquery(paying.values("gateway")[:1]),
                                      F("payment_method"),
                                      output_field=CharField()))
            .values("method")
            .annotate(sales=Sum("total"), orders=Count("id"))
            .order_by("-sales", "method"))
    return [Slice(key=row["method"], label=_method_label(row["method"]),
                  sales=quantize(Decimal(row["sales"]), settings.KEDAI_CURRENCY),
                  orders=row["orders"]) for row in rows]


def sales_by_state(*, period: Period) -> list[Slice]:
    """Sales and orders per state of the shipping address, largest first."""
    rows = (counted_orders(start=period.start, end=period.end)
            .annotate(state=KT("shipping_address__state_code"))
            .values("state")
            .annotate(sales=Sum("total"), orders=Count("id"))
            .order_by("-sales", "state"))
    return [Slice(key=row["state"] or "",
                  label=STATE_NAMES.get(row["state"] or "",
                                        row["state"] or _("Unknown")),
                  sales=quantize(Decimal(row["sales"]), settings.KEDAI_CURRENCY),
                  orders=row["orders"]) for row in rows]


def top_products(*, period: Period, by: str = "revenue",
                 limit: int = TOP_PRODUCTS) -> list[Slice]:
    """The best sellers of ``period`` by ``revenue`` or ``quantity``.

    Lines are grouped by product and the product name as it was sold
    (a product renamed in the period shows under both names); lines of
    deleted products are kept under their name.
    """
    order = ("-revenue", "-quantity") if by == "revenue" else ("-quantity", "-revenue")
    rows = (OrderLine.objects
            .filter(order__in=counted_orders(start=period.start,
                                             end=period.end).values("pk"))
            .values("variant__product_id", "name")
            .annotate(revenue=Sum("line_total"), quantity=Sum("quantity"),
                      orders=Count("order_id", distinct=True))
            .order_by(*order, "name")[:limit])
    return [Slice(key=str(row["variant__product_id"] or row["name"]), label=row["name"],
                  sales=quantize(Decimal(row["revenue"]), settings.KEDAI_CURRENCY),
                  orders=row["orders"], quantity=int(row["quantity"]),
                  product_id=row["variant__product_id"]) for row in rows]


# --- Stock ------------------------------------------------------------------

STOCK_FILTERS = ("low", "out", "all")


def low_stock_threshold() -> int:
    """The shop-wide threshold (``KEDAI_LOW_STOCK_THRESHOLD``)."""
    return int(settings.KEDAI_LOW_STOCK_THRESHOLD)


def variant_stock_list(*, show: str = "low", query: str = "") -> QuerySet[Variant]:
    """Active variants of active products with their effective threshold.

    Each row is annotated with ``threshold`` (the variant's own, else the
    shop's) and ``override`` (the variant's own, or None). ``show`` is
    ``low`` (stock at or below the threshold), ``out`` (sold out) or
    ``all``; ``query`` matches SKU or product name. Lowest stock first.
    """
    rows = (Variant.objects.select_related("product", "stock_alert")
            .filter(is_active=True, product__is_active=True)
            .annotate(override=F("stock_alert__threshold"),
                      threshold=Coalesce(F("stock_alert__threshold"),
                                         Value(low_stock_threshold()),
                                         output_field=IntegerField())))
    if show == "low":
        rows = rows.filter(stock__lte=F("threshold"))
    elif show == "out":
        rows = rows.filter(stock=0)
    query = query.strip()
    if query:
        rows = rows.filter(Q(sku__icontains=query) | Q(product__name__icontains=query))
    return rows.order_by("stock", "product__name", "sku")


def low_stock_list() -> QuerySet[Variant]:
    """Variants at or below their threshold (what the digest lists)."""
    return variant_stock_list(show="low")


def day_label(day: date) -> str:
    return date_format(day, "j M Y")


def low_stock_tiles() -> list:
    """The home page's low-stock tile (kedai.backoffice.dashboard)."""
    from django.urls import reverse

    from kedai.backoffice.dashboard import Tile, TileItem

    rows = low_stock_list()
    return [Tile(key="low_stock", title=_("Low stock"), count=rows.count(),
                 url=reverse("reports:low_stock"), order=10,
                 items=[TileItem(text=f"{v.product.name} ({v.sku})",
                                 note=_("%(stock)d left") % {"stock": v.stock})
                        for v in rows[:8]])]
