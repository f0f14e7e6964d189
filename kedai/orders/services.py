"""Order state changes: every change is checked, stored and timed.

Stock rows are always updated in ascending variant id, the order checkout
takes them in, so a cancel or refund restocking beside a checkout can
never deadlock with it on PostgreSQL (issue 13, defect 5).
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.catalog.models import Variant
from kedai.catalog.services import product_refresh
from kedai.core.events import publish
from kedai.core.money import units_share
from kedai.orders.events import OrderCancelled, OrderStatusChanged
from kedai.orders.exceptions import OrderError
from kedai.orders.models import Order, OrderEvent, OrderLine, OrderStatus

logger = logging.getLogger("kedai.orders")

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
        status_from = locked.status
        OrderEvent.objects.create(order=locked, status_from=status_from,
                                  status_to=to, actor=actor, note=note)
        if to in RESTOCKING:
            _restock(locked)
        if to == S.CANCELLED:
            # The notice commits with the change; the outbox mails it.
            publish(OrderCancelled(order=locked, reason=note))
        Order.objects.filter(pk=locked.pk).update(
            status=to, reserved_until=None, updated_at=timezone.now())
        locked.status, locked.reserved_until = to, None
        publish(OrderStatusChanged(order=locked, status_from=status_from,
                                   status_to=to))
    return locked


def _restock(order: Order) -> None:
    # Variants deleted since the order was placed have nothing to restock.
    rows = (order.lines.exclude(variant=None).order_by("variant_id", "id")
            .values_list("variant_id", "variant__product_id", "quantity"))
    for variant_id, _product_id, quantity in rows:
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)
    product_refresh(product_ids={product_id for _v, product_id, _q in rows})


def order_cancel_unpaid_expired(*, now=None) -> int:
    """Cancel unpaid orders past their hold and release their stock.

    Each order in its own transaction, so one failure does not hold up the
    rest: an order that fails (a database error, a deadlock victim) is
    logged and skipped, and the next sweep tries it again. An order paid
    meanwhile is left alone (the status check runs under the row lock).
    Returns how many were cancelled.
    """
    now = now or timezone.now()
    due = Order.objects.filter(status=S.AWAITING_PAYMENT,
                               reserved_until__lte=now).values_list("pk", "number")
    cancelled = 0
    for pk, number in list(due):
        try:
            order_change_status(order=Order(pk=pk), to=S.CANCELLED, actor="system",
                                note=_("Not paid in time; stock released."))
        except OrderError:
            continue  # paid or cancelled in the meantime
        except Exception:
            logger.exception("unpaid order %s could not be cancelled; skipped",
                             number)
            continue
        cancelled += 1
    return cancelled


# --- back-office additions: notes, refunded lines, restocking ---------------------


def order_note_add(*, order: Order, note: str, actor: str) -> OrderEvent:
    """Add an internal note to the order's tracking history.

    The note is an event whose status does not change (from = to = the
    current status). Refuses an empty note with OrderError. Never visible
    to the customer, never mailed.
    """
    text = note.strip()
    if not text:
        raise OrderError(_("Write a note first."), code="note")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        return OrderEvent.objects.create(order=locked, status_from=locked.status,
                                         status_to=locked.status, actor=actor[:100],
                                         note=text)


def order_lines_refund_reserve(*, order: Order, quantities: dict[int, int]) -> Decimal:
    """Count ``quantities`` ({line id: n}) of the order's lines as refunded;
    return what those units cost.

    Each line is raised with a conditional ``UPDATE … WHERE
    quantity_refunded + n <= quantity``, so two refunds racing can never
    refund a line more often than it was bought. A line's units are worth
    what the line cost, split by :func:`kedai.core.money.units_share`
    (the remainder on its last unit), counted under the order lock from
    the units refunded before: refunding a line unit by unit gives back
    exactly its total. Raises OrderError (and changes nothing) if a line
    is not the order's, n is not positive or too many. Moves no money and
    no stock: the caller refunds the payment next and calls
    :func:`order_lines_refund_release` if that fails.
    """
    if not quantities:
        raise OrderError(_("Choose at least one line to refund."), code="lines")
    worth = Decimal(0)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        for line_id, count in sorted(quantities.items()):
            if count < 1:
                raise OrderError(_("Quantities must be whole numbers above 0."),
                                 code="quantity")
            done = OrderLine.objects.filter(
                pk=line_id, order_id=order.pk,
                quantity_refunded__lte=F("quantity") - count,
            ).update(quantity_refunded=F("quantity_refunded") + count)
            if not done:
                raise OrderError(
                    _("Line %(line)s has fewer than %(count)d left to refund.")
                    % {"line": _line_label(line_id), "count": count},
                    code="too_many")
            line = OrderLine.objects.get(pk=line_id)
            worth += units_share(total=line.line_total, quantity=line.quantity,
                                 start=line.quantity_refunded - count, count=count,
                                 currency=locked.currency)
    return worth


def order_lines_refund_release(*, order: Order, quantities: dict[int, int]) -> None:
    """Undo :func:`order_lines_refund_reserve` after a refused refund."""
    with transaction.atomic():
        for line_id, count in sorted(quantities.items()):
            OrderLine.objects.filter(
                pk=line_id, order_id=order.pk, quantity_refunded__gte=count,
            ).update(quantity_refunded=F("quantity_refunded") - count)


def order_lines_returned(*, order: Order, restock: dict[int, int], actor: str,
                         note: str) -> OrderEvent:
    """Record refunded lines in the tracking history and restock some.

    One transaction: ``restock`` ({line id: n}) goes back to the variants'
    stock with ``stock = stock + n`` (a line is restocked at most as often
    as it was refunded, by a conditional update; a line whose variant was
    deleted is counted but has nothing to restock), the products are
    refreshed, and an event by ``actor`` with ``note`` is written. Raises
    OrderError and changes nothing on a bad quantity.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        product_ids: set[int] = set()
        for line_id, count in _by_variant(order=locked, counts=restock):
            if count < 1:
                continue
            done = OrderLine.objects.filter(
                pk=line_id, order_id=locked.pk,
                quantity_restocked__lte=F("quantity_refunded") - count,
            ).update(quantity_restocked=F("quantity_restocked") + count)
            if not done:
                raise OrderError(
                    _("Line %(line)s cannot go back to stock more often than "
                      "it was refunded.") % {"line": _line_label(line_id)},
                    code="restock")
            line = OrderLine.objects.select_related("variant").get(pk=line_id)
            if line.variant_id is not None:
                Variant.objects.filter(pk=line.variant_id).update(
                    stock=F("stock") + count)
                product_ids.add(line.variant.product_id)  # type: ignore[union-attr]
        product_refresh(product_ids=product_ids)
        return OrderEvent.objects.create(order=locked, status_from=locked.status,
                                         status_to=locked.status, actor=actor[:100],
                                         note=note)


def order_cancel(*, order: Order, reason: str, actor: str) -> Order:
    """Cancel ``order`` with ``reason`` through :func:`order_change_status`.

    The status change gives every bought unit back to stock; lines already
    restocked by a refund are taken off again in the same transaction, so
    nothing is restocked twice. Raises OrderError (nothing changed) when
    the order may not be cancelled (shipped, delivered, refunded).
    """
    with transaction.atomic():
        changed = order_change_status(order=order, to=S.CANCELLED, actor=actor,
                                      note=reason.strip())
        lines = list(OrderLine.objects.filter(order_id=order.pk)
                     .select_related("variant").order_by("variant_id", "id"))
        product_ids = set()
        for line in lines:
            if line.quantity_restocked and line.variant_id is not None:
                Variant.objects.filter(pk=line.variant_id).update(
                    stock=F("stock") - line.quantity_restocked)
                product_ids.add(line.variant.product_id)  # type: ignore[union-attr]
        OrderLine.objects.filter(order_id=order.pk).update(
            quantity_restocked=F("quantity"))
        product_refresh(product_ids=product_ids)
    return changed


def _by_variant(*, order: Order, counts: dict[int, int]) -> list[tuple[int, int]]:
    """``counts`` ({line id: n}) in the one stock lock order: by variant id
    (lines whose variant was deleted last), then by line id."""
    variants = dict(OrderLine.objects.filter(order_id=order.pk, pk__in=counts)
                    .values_list("pk", "variant_id"))
    return sorted(counts.items(), key=lambda item: (
        variants.get(item[0]) is None, variants.get(item[0]) or 0, item[0]))


def _line_label(line_id: int) -> str:
    line = OrderLine.objects.filter(pk=line_id).only("sku").first()
    return line.sku if line else str(line_id)
