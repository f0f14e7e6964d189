"""Order state changes: every change is checked, stored and timed."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.catalog.models import Variant
from kedai.catalog.services import product_refresh
from kedai.invoicing.services import order_cancelled
from kedai.orders.exceptions import OrderError
from kedai.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus
# Where an order may go from each status. Cancelling gives the stock back.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.AWAITING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.PROCESSING, S.SHIPPED, S.REFUNDED, S.CANCELLED}),
    S.PROCESSING: frozenset({S.SHIPPED, S.REFUNDED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}
RESTOCKING = frozenset({S.CANCELLED})


def order_change_status(*, order: Order, to: str, actor: str, note: str = "") -> Order:
    """Move ``order`` to status ``to`` and record it in the tracking database.

    Refuses moves not in TRANSITIONS with OrderError. Cancelling an order
    that has not shipped puts its stock back. Runs in its own transaction
    unless the caller has one; locks the order row first.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if to not in TRANSITIONS.get(locked.status, frozenset()):
            raise OrderError(
                _("An order that is “%(from)s” cannot become “%(to)s”.")
                % {"from": S(locked.status).label, "to": S(to).label},
                code="transition")
        OrderEvent.objects.create(order=locked, status_from=locked.status,
                                  status_to=to, actor=actor, note=note)
        if to in RESTOCKING:
            _restock(locked)
        if to == S.CANCELLED:
            # The notice commits with the change; the outbox mails it.
            order_cancelled(locked, reason=note)
        Order.objects.filter(pk=locked.pk).update(
            status=to, reserved_until=None, updated_at=timezone.now())
        locked.status, locked.reserved_until = to, None
    return locked


def _restock(order: Order) -> None:
    # Variants deleted since the order was placed have nothing to restock.
    rows = order.lines.exclude(variant=None).values_list(
        "variant_id", "variant__product_id", "quantity")
    for variant_id, _product_id, quantity in rows:
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)
    product_refresh(product_ids={product_id for _v, product_id, _q in rows})


def order_cancel_unpaid_expired(*, now=None) -> int:
    """Cancel unpaid orders past their hold and release their stock.

    Each order in its own transaction, so one failure does not hold up the
    rest; an order paid meanwhile is left alone (the status check runs
    under the row lock). Returns how many were cancelled.
    """
    now = now or timezone.now()
    due = Order.objects.filter(status=S.AWAITING_PAYMENT,
                               reserved_until__lte=now).values_list("pk", flat=True)
    cancelled = 0
    for pk in list(due):
        try:
            order_change_status(order=Order(pk=pk), to=S.CANCELLED, actor="system",
                                note=_("Not paid in time; stock released."))
        except OrderError:
            continue  # paid or cancelled in the meantime
        cancelled += 1
    return cancelled
