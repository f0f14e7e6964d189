"""Reads for the orders pages: the filtered list and one order in full.

The list annotates each order with its payment and fulfilment state in
the same SQL statement (``Exists`` subqueries), and prefetches shipments
with their parcels, so a page costs a fixed number of queries whatever
its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from kedai.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from kedai.payments.models import Payment, PaymentStatus
from kedai.shipping.models import Shipment, ShipmentParcel

PAYMENT_STATES = ("unpaid", "pending", "paid", "refunded")
FULFILMENT_STATES = ("unfulfilled", "shipped", "delivered")


@dataclass(frozen=True)
class OrderFilters:
    """What the orders list is narrowed to; empty values filter nothing."""

    status: str = ""
    payment: str = ""
    fulfilment: str = ""
    date_from: date | None = None
    date_to: date | None = None
    method: str = ""
    carrier: str = ""
    q: str = ""


def _annotated(qs: QuerySet[Order]) -> QuerySet[Order]:
    paying = Payment.objects.filter(order=OuterRef("pk"), pays_order=True)
    return qs.annotate(
        # The gateway that took the money, which may not be the method
        # chosen at checkout (the shopper may pay again another way).
        paid_via=Coalesce(Subquery(paying.values("gateway")[:1]), Value(""),
                          output_field=CharField()),
    ).annotate(
        method_used=Case(When(paid_via="", then="payment_method"),
                         default="paid_via", output_field=CharField()),
    ).annotate(
        _paid=Exists(paying.filter(status=PaymentStatus.CAPTURED)),
        _refunded=Exists(paying.filter(status__in=(
            PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED))),
        _pending=Exists(Payment.objects.filter(
            order=OuterRef("pk"),
            status__in=(PaymentStatus.PENDING, PaymentStatus.AUTHORISED))),
        _shipped=Exists(Shipment.objects.filter(order=OuterRef("pk"))),
    ).annotate(
        payment_state=Case(
            When(_refunded=True, then=Value("refunded")),
            When(_paid=True, then=Value("paid")),
            When(_pending=True, then=Value("pending")),
            default=Value("unpaid"), output_field=CharField()),
        fulfilment_state=Case(
            When(status=OrderStatus.DELIVERED, then=Value("delivered")),
            When(Q(_shipped=True) | Q(status=OrderStatus.SHIPPED),
                 then=Value("shipped")),
            default=Value("unfulfilled"), output_field=CharField()),
    )


def _phone_variants(text: str) -> list[str]:
    digits = re.sub(r"\D", "", text)
    if len(digits) < 4:
        return []
    variants = [digits]
    if digits.startswith("0"):  # 012-345 6789 is stored as +60123456789
        variants.append("6" + digits)
    return variants


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def order_list(*, filters: OrderFilters) -> QuerySet[Order]:
    """Orders matching ``filters``, newest first, annotated and prefetched.

    Each order carries ``payment_state`` (unpaid, pending, paid, refunded:
    from its Payment rows), ``paid_via`` (the gateway of the payment that
    paid it, or ""), ``method_used`` (that gateway, else the method chosen
    at checkout) and ``fulfilment_state`` (unfulfilled, shipped,
    delivered), and its shipments with parcels are prefetched.
    """
    qs = _annotated(Order.objects.all())
    f = filters
    if f.status:
        qs = qs.filter(status=f.status)
    if f.payment:
        qs = qs.filter(**{"payment_state": f.payment})  # annotation
    if f.fulfilment:
        qs = qs.filter(**{"fulfilment_state": f.fulfilment})
    if f.date_from:
        qs = qs.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=_day_start(f.date_to + timedelta(days=1)))
    if f.method:
        qs = qs.filter(**{"method_used": f.method})  # annotation
    if f.carrier:
        qs = qs.filter(Exists(Shipment.objects.filter(order=OuterRef("pk"),
                                                      carrier=f.carrier)))
    text = f.q.strip()[:100]
    if text:
        match = (Q(number__icontains=text) | Q(email__icontains=text)
                 | Q(customer__name__icontains=text)
                 | Q(billing_address__name__icontains=text)
                 | Q(shipping_address__name__icontains=text)
                 | Q(customer__number__iexact=text))
        for digits in _phone_variants(text):
            match |= Q(phone__contains=digits)
        qs = qs.filter(match)
    return (qs.select_related("customer")
            .prefetch_related(Prefetch(
                "shipments", Shipment.objects.prefetch_related("parcels")))
            .order_by("-created_at", "-id"))


def order_list_by_numbers(*, numbers: list[str]) -> QuerySet[Order]:
    """The orders with these numbers (bulk actions), annotated, oldest first."""
    return (_annotated(Order.objects.filter(number__in=numbers))
            .select_related("customer")
            .prefetch_related(
                Prefetch("lines", OrderLine.objects.order_by("id")),
                Prefetch("payments", Payment.objects.filter(pays_order=True)),
                Prefetch("shipments", Shipment.objects.prefetch_related("parcels")))
            .order_by("created_at", "id"))


def order_get(*, number: str) -> Order | None:
    """One order with everything its page shows, or None."""
    return (_annotated(Order.objects.filter(number=number))
            .select_related("customer")
            .prefetch_related(
                Prefetch("lines", OrderLine.objects.select_related("variant")),
                Prefetch("events", OrderEvent.objects.order_by("-created_at", "-id")))
            .first())


def tracking_number_owners(*, numbers: list[str]) -> dict[str, str]:
    """{tracking number: order number} for numbers already recorded."""
    return dict(ShipmentParcel.objects.filter(tracking_number__in=numbers)
                .values_list("tracking_number", "shipment__order__number"))


# --- the home page ---------------------------------------------------------------

HOME_ROWS = 8


def orders_to_ship_list() -> QuerySet[Order]:
    """Paid orders not shipped yet (paid or packed), oldest first."""
    return (Order.objects.filter(status__in=(OrderStatus.PAID,
                                             OrderStatus.PROCESSING))
            .select_related("customer").order_by("created_at", "id"))


def orders_unpaid_list() -> QuerySet[Order]:
    """Orders awaiting payment, oldest first."""
    return (Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT)
            .select_related("customer").order_by("created_at", "id"))


def payment_warnings() -> list:
    """Refunds waiting to be given back by hand in a gateway's dashboard."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from kedai.backoffice.dashboard import DashboardWarning
    from kedai.core.money import Money
    from kedai.payments.models import Refund
    from kedai.payments.refunds import gateway_short_name

    waiting = (Refund.objects.filter(status=Refund.Status.TO_REFUND_BY_HAND)
               .select_related("payment__order").order_by("created_at", "id"))
    return [DashboardWarning(
        text=_("%(amount)s of order %(number)s is to refund by hand in "
               "%(gateway)s's dashboard, then confirm it.")
        % {"amount": Money(r.amount, r.payment.currency),
           "number": r.payment.order.number,
           "gateway": gateway_short_name(r.payment.gateway)},
        url=reverse("backoffice_orders:detail", args=[r.payment.order.number])
        + f"#refund-{r.reference}") for r in waiting[:20]]
