"""Admin API: orders — list, detail, mark paid, fulfil, cancel, refund.

The same services as the back office's order pages
(kedai.backoffice.orders, kedai.orders.services); the actor recorded in
each order's history is ``api:<key name>``.
"""

from datetime import date, datetime
from typing import Literal

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from kedai.api.cursor import cursor_make, cursor_read
from kedai.api.idempotency import idempotent
from kedai.api.keys import ApiKeyAuth, require
from kedai.api.money import MoneyOut, money_out
from kedai.api.problems import Problem
from kedai.api.schemas import ERRORS, ProblemOut
from kedai.backoffice.orders import selectors, services
from kedai.backoffice.orders.services import BulkRefused
from kedai.core.exceptions import ApplicationError
from kedai.orders.models import Order
from kedai.orders.services import order_cancel
from kedai.payments.refunds import LineReturn, order_refund_lines

router = Router(tags=["admin: orders"], auth=ApiKeyAuth())


class AdminOrderLineOut(Schema):
    id: int
    sku: str
    name: str
    variant_label: str
    quantity: int
    quantity_refunded: int
    unit_price: MoneyOut
    line_total: MoneyOut


class OrderEventOut(Schema):
    at: str
    status_from: str
    status_to: str
    actor: str
    note: str


class OrderSummaryOut(Schema):
    number: str
    status: str
    payment_state: str
    fulfilment_state: str
    email: str
    total: MoneyOut
    payment_method: str
    created_at: str


class OrderOut(OrderSummaryOut):
    phone: str
    shipping_address: dict
    billing_address: dict
    subtotal: MoneyOut
    shipping: MoneyOut
    tax_total: MoneyOut
    shipping_method: str
    lines: list[AdminOrderLineOut]
    events: list[OrderEventOut]
    tracking_numbers: list[str]


class OrderPageOut(Schema):
    items: list[OrderSummaryOut]
    next_cursor: str | None


class OrderQuery(Schema):
    status: str = Field("", max_length=20)
    payment: Literal["", "unpaid", "pending", "paid", "refunded"] = ""
    fulfilment: Literal["", "unfulfilled", "shipped", "delivered"] = ""
    date_from: date | None = None
    date_to: date | None = None
    method: str = Field("", max_length=40)
    q: str = Field("", max_length=100, description="Number, email, name or phone.")
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500)


def _summary(order: Order) -> dict:
    c = order.currency
    return {"number": order.number, "status": order.status,
            "payment_state": getattr(order, "payment_state", ""),
            "fulfilment_state": getattr(order, "fulfilment_state", ""),
            "email": order.email, "total": money_out(order.total, c),
            "payment_method": order.payment_method,
            "created_at": order.created_at.isoformat()}


def order_out(order: Order) -> OrderOut:
    c = order.currency
    return OrderOut(
        **_summary(order), phone=order.phone,
        shipping_address=order.shipping_address,
        billing_address=order.billing_address,
        subtotal=money_out(order.subtotal, c),
        shipping=money_out(order.shipping_total, c),
        tax_total=money_out(order.tax_total, c),
        shipping_method=order.shipping_method,
        lines=[AdminOrderLineOut(id=line.pk, sku=line.sku, name=line.name,
                            variant_label=line.variant_label,
                            quantity=line.quantity,
                            quantity_refunded=line.quantity_refunded,
                            unit_price=money_out(line.unit_price, c),
                            line_total=money_out(line.line_total, c))
               for line in order.lines.all()],
        events=[OrderEventOut(at=e.created_at.isoformat(), status_from=e.status_from,
                              status_to=e.status_to, actor=e.actor, note=e.note)
                for e in order.events.all()],
        tracking_numbers=[p.tracking_number for s in order.shipments.all()
                          for p in s.parcels.all()])


def _get(number: str) -> Order:
    order = selectors.order_get(number=number)
    if order is None:
        raise Problem(404, "No order has this number.", code="not_found")
    return order


def _actor(request) -> str:
    return f"api:{request.auth.name}"


def _refused(exc: ApplicationError) -> Problem:
    errors = getattr(exc, "errors", None)
    return Problem(422, " ".join(str(e) for e in errors) if errors else exc.message,
                   code=exc.code)


@router.get("/orders", response={200: OrderPageOut, ERRORS: ProblemOut},
            summary="Orders, newest first, with filters")
def order_list(request, query: Query[OrderQuery]):
    require(request, "orders:read")
    filters = selectors.OrderFilters(
        status=query.status, payment=query.payment, fulfilment=query.fulfilment,
        date_from=query.date_from, date_to=query.date_to, method=query.method,
        q=query.q)
    qs = selectors.order_list(filters=filters)
    after = cursor_read("orders", query.cursor)
    if after is not None:
        try:
            at, pk = datetime.fromisoformat(after[0]), int(after[1])  # type: ignore[index]
        except (TypeError, ValueError, IndexError) as exc:
            raise Problem(400, "The cursor is not valid.", code="bad_cursor") from exc
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    page = list(qs[:query.limit + 1])
    more = len(page) > query.limit
    page = page[:query.limit]
    return OrderPageOut(
        items=[OrderSummaryOut(**_summary(o)) for o in page],
        next_cursor=cursor_make("orders", [page[-1].created_at.isoformat(),
                                           page[-1].pk]) if more else None)


@router.get("/orders/{number}", response={200: OrderOut, ERRORS: ProblemOut},
            summary="One order with lines, history and tracking numbers")
def order_detail(request, number: str):
    require(request, "orders:read")
    return order_out(_get(number))


class MarkPaidIn(Schema):
    reference: str = Field(..., min_length=1, max_length=100,
                           description="Bank or receipt reference.")


@router.post("/orders/{number}/mark-paid", response={200: OrderOut, ERRORS: ProblemOut},
             summary="Record the offline payment (bank transfer, cash) in full")
def order_mark_paid(request, number: str, payload: MarkPaidIn):
    require(request, "orders:write")
    order = _get(number)
    try:
        services.orders_mark_paid(orders=[order], reference=payload.reference,
                                  actor=_actor(request))
    except ApplicationError as exc:
        raise _refused(exc) from None
    return order_out(_get(number))


class FulfilIn(Schema):
    carrier: str = Field(..., min_length=1, max_length=60)
    tracking_numbers: list[str] = Field(..., min_length=1, max_length=50)


@router.post("/orders/{number}/fulfil", response={201: OrderOut, ERRORS: ProblemOut},
             summary="Record a shipment with its tracking numbers")
def order_fulfil(request, number: str, payload: FulfilIn):
    key = require(request, "orders:write")
    order = _get(number)

    def create():
        try:
            services.parcel_record(order=order, carrier=payload.carrier,
                                   tracking=[t[:60] for t in payload.tracking_numbers],
                                   actor=_actor(request))
        except (BulkRefused, ApplicationError) as exc:
            raise _refused(exc) from None
        return 201, order_out(_get(number))

    return idempotent(request, scope=f"admin:{key.pk}:fulfil:{number}", create=create)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


@router.post("/orders/{number}/cancel", response={200: OrderOut, ERRORS: ProblemOut},
             summary="Cancel the order (stock goes back)")
def order_cancel_view(request, number: str, payload: CancelIn):
    require(request, "orders:write")
    order = _get(number)
    try:
        order_cancel(order=order, reason=payload.reason, actor=_actor(request))
    except ApplicationError as exc:
        raise _refused(exc) from None
    return order_out(_get(number))


class RefundLineIn(Schema):
    line_id: int = Field(..., ge=1, le=2**62)
    quantity: int = Field(..., ge=0, le=100000)
    restock: int = Field(0, ge=0, le=100000)


class RefundIn(Schema):
    lines: list[RefundLineIn] = Field(default_factory=list, max_length=500)
    include_shipping: bool = False
    reason: str = Field(..., min_length=1, max_length=500)
    manual: bool = Field(False, description="Money returned outside the gateway.")


class RefundOut(Schema):
    amount: MoneyOut
    status: str
    order: OrderOut


@router.post("/orders/{number}/refunds", response={201: RefundOut, ERRORS: ProblemOut},
             summary="Refund lines (and shipping), restocking some")
def order_refund(request, number: str, payload: RefundIn):
    key = require(request, "orders:write")
    order = _get(number)

    def create():
        try:
            refund = order_refund_lines(
                order=order, returns=[LineReturn(line_id=r.line_id,
                                                 quantity=r.quantity,
                                                 restock=r.restock)
                                      for r in payload.lines],
                reason=payload.reason, include_shipping=payload.include_shipping,
                manual=payload.manual, actor=_actor(request))
        except ApplicationError as exc:
            raise _refused(exc) from None
        return 201, RefundOut(amount=money_out(refund.amount, order.currency),
                              status=refund.status, order=order_out(_get(number)))

    return idempotent(request, scope=f"admin:{key.pk}:refund:{number}", create=create)
