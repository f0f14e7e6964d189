"""Refunds: full or partial, through the gateway's API where it has one.

The amount is reserved on the payment under its row lock before the
gateway is called (and given back if the gateway refuses), so two
refunds racing can never give back more than was captured; a database
constraint (refunded_amount ≤ amount) backs the rule up.

The rules of refunding an order by line (what may be refunded, what it
is worth, what goes back to stock) live here too, in
:func:`order_refund_lines`; the back office only calls it. A refund
either completes through the gateway's API, or is recorded as done by
hand (``manual``: the owner says the money is back), or -- on a gateway
without a refund API (Billplz, iPay88, senangPay) -- waits as "to refund
by hand in the gateway's dashboard" (``Refund.Status.TO_REFUND_BY_HAND``)
until the owner confirms it (:func:`refund_confirm_by_hand`). A waiting
refund holds its amount on the payment, so nothing can be refunded twice,
but it issues no credit note and tells nobody that money moved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.core.events import publish
from kedai.core.money import Money, units_share
from kedai.orders.events import OrderRefunded
from kedai.orders.exceptions import OrderError
from kedai.orders.models import Order, OrderLine, OrderStatus
from kedai.orders.services import (
    TRANSITIONS,
    order_change_status,
    order_lines_refund_release,
    order_lines_refund_reserve,
    order_lines_returned,
    order_note_add,
)
from kedai.payments.exceptions import GatewayError, RefundError
from kedai.payments.lock_objects import (
    order_qs_select_for_update,
    payment_qs_select_for_update,
)
from kedai.payments.models import Payment, PaymentFlag, PaymentStatus, Refund
from kedai.payments.registry import OFFLINE_METHODS, gateway_get
from kedai.payments.services import payment_flag_clear

logger = logging.getLogger("kedai.payments")
REFUNDABLE = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)


def payment_refund(*, payment: Payment, amount: Money, reason: str, actor: str,
                   manual: bool = False) -> Refund:
    """Give back ``amount`` of a captured ``payment``.

    Through the gateway's refund API when it has one and ``manual`` is
    false. With ``manual`` (or for an offline payment) it is recorded as
    done by the owner. On a gateway without a refund API it is recorded
    as "to refund by hand" (status TO_REFUND_BY_HAND): no money moved, no
    credit note, the amount held until :func:`refund_confirm_by_hand`.
    Raises RefundError
    if the amount is not positive, is in another currency, or would take
    the refunds past what was captured, or if the gateway refuses (then
    nothing is recorded as refunded). When the payment that paid the
    order is refunded in full, the order becomes refunded; refunding a
    duplicate payment leaves the order alone (woo#9297).
    """
    if amount.currency != payment.currency or amount.amount <= 0:
        raise RefundError(_("Enter a positive amount in %(currency)s.")
                          % {"currency": payment.currency}, code="amount")
    adapter = None if manual or payment.gateway in OFFLINE_METHODS \
        else gateway_get(payment.gateway)
    refund = _reserve(payment=payment, amount=amount, reason=reason, actor=actor)
    # A second capture of an attempt is known to the gateway by the
    # attempt's reference and its own transaction id.
    known_as = payment.duplicate_of or payment
    try:
        answer = (adapter.refund_create(
            reference=known_as.reference,
            gateway_reference=known_as.gateway_reference,
            transaction_id=payment.transaction_id, amount=amount,
            refund_reference=refund.reference) if adapter else None)
    except GatewayError as exc:
        logger.warning("refund %s failed: %s", refund.reference, exc)
        _release(refund=refund, message=str(exc))
        raise RefundError(_("The payment service refused the refund; nothing "
                            "was refunded."), code="gateway") from exc
    if answer is not None and not answer.succeeded:
        _release(refund=refund, message=answer.message)
        raise RefundError(_("The payment service refused the refund; nothing "
                            "was refunded."), code="gateway")
    if answer is None and adapter is not None:
        return _await_by_hand(refund=refund)
    return _complete(refund=refund, manual=answer is None,
                     gateway_reference=answer.refund_reference if answer else "")


def gateway_short_name(code: str) -> str:
    """The gateway's name as its owner knows it ("Billplz"), for messages.
    Reads the adapter class only: no adapter is built, no query made."""
    from kedai.core.labels import PAYMENT_METHODS, payment_method_label
    from kedai.core.registry import adapter_class
    from kedai.payments.gateways.offline import OFFLINE_METHODS as OFFLINE

    if code in PAYMENT_METHODS:
        return payment_method_label(code)
    if code in OFFLINE:
        return str(OFFLINE[code].label)
    try:
        backend = adapter_class("KEDAI_PAYMENT_GATEWAYS", code)
    except Exception:  # an unconfigured or broken adapter still has a name
        backend = None
    return str(getattr(backend, "label", "") or code).split(" (")[0]


def refunds_by_api(code: str) -> bool:
    """Whether a refund of a payment through ``code`` moves money itself
    (False for offline methods and gateways without a refund API)."""
    from kedai.core.registry import adapter_class

    if code in OFFLINE_METHODS:
        return False
    try:
        backend = adapter_class("KEDAI_PAYMENT_GATEWAYS", code)
    except Exception:
        return False
    return backend is not None and bool(getattr(backend, "refunds_by_api", True))


@transaction.atomic(durable=True)
def _await_by_hand(*, refund: Refund) -> Refund:
    Refund.objects.filter(pk=refund.pk).update(
        status=Refund.Status.TO_REFUND_BY_HAND, manual=True,
        message=_("To refund by hand in %(gateway)s's dashboard.")
        % {"gateway": gateway_short_name(refund.payment.gateway)},
        updated_at=timezone.now())
    refund.refresh_from_db()
    return refund


def refund_confirm_by_hand(*, refund: Refund, actor: str) -> Refund:
    """The owner confirms a refund waiting "to refund by hand": the money
    was given back in the gateway's dashboard.

    Completes it as a manual refund (payment state, order state, credit
    note and refund notice, as for any refund) and records who confirmed
    it and when. Raises RefundError if it is not waiting (confirmed twice,
    failed); nothing changes then.
    """
    with transaction.atomic(durable=True):
        order = order_qs_select_for_update().get(pk=refund.payment.order_id)
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != Refund.Status.TO_REFUND_BY_HAND:
            raise RefundError(_("This refund is not waiting to be confirmed."),
                              code="state")
        Refund.objects.filter(pk=locked.pk).update(
            confirmed_by=actor[:100], confirmed_at=timezone.now())
        locked.refresh_from_db()
        done = _complete_locked(refund=locked, order=order, manual=True,
                                gateway_reference="")
        order_note_add(
            order=order, actor=actor,
            note=_("Refund %(reference)s of %(amount)s confirmed as given back "
                   "by hand in %(gateway)s's dashboard.")
            % {"reference": done.reference,
               "amount": Money(done.amount, done.payment.currency),
               "gateway": gateway_short_name(done.payment.gateway)})
    return done


@transaction.atomic(durable=True)
def _reserve(*, payment: Payment, amount: Money, reason: str, actor: str) -> Refund:
    order_qs_select_for_update().get(pk=payment.order_id)
    locked = payment_qs_select_for_update().get(pk=payment.pk)
    if locked.status not in REFUNDABLE:
        raise RefundError(_("Only captured payments can be refunded."), code="state")
    if locked.refunded_amount + amount.amount > locked.amount:
        raise RefundError(
            _("At most %(left)s is left to refund on this payment.")
            % {"left": Money(locked.amount - locked.refunded_amount, locked.currency)},
            code="too_much")
    Payment.objects.filter(pk=locked.pk).update(
        refunded_amount=F("refunded_amount") + amount.amount)
    count = Refund.objects.filter(payment=locked).count()
    return Refund.objects.create(payment=locked, amount=amount.amount,
                                 reference=f"{locked.reference}-R{count + 1}",
                                 reason=reason[:255], actor=actor[:100])


@transaction.atomic(durable=True)
def _release(*, refund: Refund, message: str) -> None:
    payment_qs_select_for_update().get(pk=refund.payment_id)
    Payment.objects.filter(pk=refund.payment_id).update(
        refunded_amount=F("refunded_amount") - refund.amount)
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED,
                                               message=message[:255])


@transaction.atomic(durable=True)
def _complete(*, refund: Refund, manual: bool, gateway_reference: str) -> Refund:
    order = order_qs_select_for_update().get(pk=refund.payment.order_id)
    return _complete_locked(refund=refund, order=order, manual=manual,
                            gateway_reference=gateway_reference)


def _complete_locked(*, refund: Refund, order: Order, manual: bool,
                     gateway_reference: str) -> Refund:
    payment = payment_qs_select_for_update().get(pk=refund.payment_id)
    refund.status, refund.manual = Refund.Status.SUCCEEDED, manual
    refund.gateway_reference = gateway_reference
    refund.save(update_fields=["status", "manual", "gateway_reference", "updated_at"])
    full = payment.refunded_amount >= payment.amount
    payment.status = (PaymentStatus.REFUNDED if full
                      else PaymentStatus.PARTIALLY_REFUNDED)
    payment.save(update_fields=["status", "updated_at"])
    # The credit note and refund notice commit with the refund.
    publish(OrderRefunded(order=order, amount=Money(refund.amount, payment.currency),
                          reason=refund.reason))
    if full and payment.pays_order and OrderStatus.REFUNDED in TRANSITIONS.get(
            order.status, frozenset()):
        order_change_status(order=order, to=OrderStatus.REFUNDED,
                            actor=refund.actor,
                            note=_("Payment %(reference)s refunded in full.")
                            % {"reference": payment.reference})
    return refund


def payment_refund_flagged(*, payment: Payment, actor: str,
                           manual: bool = False) -> Refund:
    """Give back in full a payment flagged for the owner (a duplicate
    payment of a paid order, or one paid after the order was closed).

    Through :func:`payment_refund` (gateway API unless ``manual``); the
    flag is cleared once the money is back. Never touches the payment that
    paid the order. Raises RefundError (nothing changed) otherwise.
    """
    payment.refresh_from_db()
    if not payment.flag or payment.pays_order:
        raise RefundError(_("Only a flagged payment that did not pay the order "
                            "can be refunded here."), code="state")
    left = Money(payment.amount - payment.refunded_amount, payment.currency)
    refund = payment_refund(
        payment=payment, amount=left, actor=actor, manual=manual,
        reason=_("Refund of payment %(reference)s: %(flag)s.")
        % {"reference": payment.reference,
           "flag": PaymentFlag(payment.flag).label})
    payment_flag_clear(payment=payment)
    return refund


# --- refunding an order by line --------------------------------------------------


@dataclass(frozen=True)
class LineReturn:
    """Refund ``quantity`` of one order line; put ``restock`` of them back."""

    line_id: int
    quantity: int
    restock: int = 0


def paying_payment(order: Order) -> Payment | None:
    """The captured payment that paid ``order``, if it can still refund."""
    return (Payment.objects.filter(order=order, pays_order=True,
                                   status__in=REFUNDABLE).first())


def order_refund_lines(*, order: Order, returns: list[LineReturn], reason: str,
                       include_shipping: bool, manual: bool, actor: str) -> Refund:
    """Refund lines of ``order`` (and its shipping), restocking some.

    Checks first: a reason, quantities within what is left to refund,
    restock within what was refunded (never for a cancelled order, whose
    stock went back on cancelling), a captured payment. Then the line
    quantities are reserved, which prices them (each line gives back what
    it cost, the remainder on its last unit: see
    :func:`kedai.orders.services.order_lines_refund_reserve`), the money is
    refunded through :func:`payment_refund` (never more than was captured;
    through the gateway unless ``manual``), and one transaction restocks
    in variant id order and writes the tracking-history entry. A refused
    refund gives the reserved quantities back: nothing is changed. Raises
    ApplicationError (OrderError, RefundError) with a message to show.
    """
    reason = reason.strip()
    if not reason:
        raise OrderError(_("Give a reason for the refund."), code="reason")
    returns = [r for r in returns if r.quantity or r.restock]
    if not returns and not include_shipping:
        raise OrderError(_("Choose the lines to refund."), code="lines")
    order.refresh_from_db(fields=["status"])
    lines = {line.pk: line for line in order.lines.all()}
    for item in returns:
        _check_return(order=order, item=item, line=lines.get(item.line_id))
    payment = paying_payment(order)
    if payment is None:
        raise RefundError(_("This order has no captured payment to refund."),
                          code="state")
    reserved = {r.line_id: r.quantity for r in returns}
    worth = (order_lines_refund_reserve(order=order, quantities=reserved)
             if reserved else Decimal(0))
    amount = Money(worth + (order.shipping_total if include_shipping else 0),
                   order.currency)
    try:
        if amount.amount <= 0:
            raise RefundError(_("These lines come to nothing to refund."),
                              code="amount")
        refund = payment_refund(payment=payment, amount=amount, reason=reason,
                                actor=actor, manual=manual)
    except RefundError:
        if reserved:
            order_lines_refund_release(order=order, quantities=reserved)
        raise
    parts = [
        (_("%(qty)d × %(sku)s (%(restock)d back to stock)")
         % {"qty": r.quantity, "sku": lines[r.line_id].sku, "restock": r.restock})
        if r.restock else
        (_("%(qty)d × %(sku)s") % {"qty": r.quantity, "sku": lines[r.line_id].sku})
        for r in returns]
    if include_shipping:
        parts.append(_("shipping"))
    values = {"amount": amount, "reference": refund.reference,
              "gateway": gateway_short_name(payment.gateway),
              "parts": ", ".join(str(p) for p in parts), "reason": reason}
    if refund.status == Refund.Status.TO_REFUND_BY_HAND:
        note = (_("To refund by hand in %(gateway)s's dashboard: %(amount)s "
                  "(%(reference)s), not yet confirmed: %(parts)s. Reason: "
                  "%(reason)s") % values)
    elif refund.manual:
        note = (_("Recorded as refunded by hand: %(amount)s (%(reference)s): "
                  "%(parts)s. Reason: %(reason)s") % values)
    else:
        note = (_("Refunded %(amount)s through %(gateway)s (%(reference)s): "
                  "%(parts)s. Reason: %(reason)s") % values)
    order_lines_returned(order=order,
                         restock={r.line_id: r.restock for r in returns if r.restock},
                         actor=actor, note=note)
    return refund


@dataclass(frozen=True)
class RefundPreview:
    """What :func:`order_refund_lines` would do, for a confirmation page."""

    amount: Money
    parts: list[str]
    payment: Payment
    gateway: str  # the gateway's short name ("Billplz")
    by_api: bool  # the gateway gives the money back itself
    manual: bool
    restock: int  # units going back to stock


def order_refund_preview(*, order: Order, returns: list[LineReturn],
                         reason: str, include_shipping: bool,
                         manual: bool) -> RefundPreview:
    """The checks of :func:`order_refund_lines` and the amount it would
    refund, without changing anything. Raises the same errors."""
    if not reason.strip():
        raise OrderError(_("Give a reason for the refund."), code="reason")
    returns = [r for r in returns if r.quantity or r.restock]
    if not returns and not include_shipping:
        raise OrderError(_("Choose the lines to refund."), code="lines")
    order.refresh_from_db(fields=["status"])
    lines = {line.pk: line for line in order.lines.all()}
    for item in returns:
        _check_return(order=order, item=item, line=lines.get(item.line_id))
    payment = paying_payment(order)
    if payment is None:
        raise RefundError(_("This order has no captured payment to refund."),
                          code="state")
    worth = sum((units_share(total=lines[r.line_id].line_total,
                             quantity=lines[r.line_id].quantity,
                             start=lines[r.line_id].quantity_refunded,
                             count=r.quantity, currency=order.currency)
                 for r in returns), Decimal(0))
    amount = Money(worth + (order.shipping_total if include_shipping else 0),
                   order.currency)
    if amount.amount <= 0:
        raise RefundError(_("These lines come to nothing to refund."),
                          code="amount")
    left = payment.amount - payment.refunded_amount
    if amount.amount > left:
        raise RefundError(_("At most %(left)s is left to refund on this payment.")
                          % {"left": Money(left, payment.currency)}, code="too_much")
    parts = [_("%(qty)d × %(sku)s") % {"qty": r.quantity, "sku": lines[r.line_id].sku}
             for r in returns]
    if include_shipping:
        parts.append(_("shipping"))
    return RefundPreview(amount=amount, parts=[str(p) for p in parts],
                         payment=payment, gateway=gateway_short_name(payment.gateway),
                         by_api=not manual and refunds_by_api(payment.gateway),
                         manual=manual, restock=sum(r.restock for r in returns))


def _check_return(*, order: Order, item: LineReturn, line: OrderLine | None) -> None:
    if line is None:
        raise OrderError(_("That line is not on this order."), code="lines")
    left = line.quantity - line.quantity_refunded
    if not 0 < item.quantity <= left:
        raise OrderError(
            _("%(sku)s: refund between 1 and %(left)d.")
            % {"sku": line.sku, "left": left} if left
            else _("%(sku)s is refunded already.") % {"sku": line.sku},
            code="quantity")
    if item.restock:
        if order.status == OrderStatus.CANCELLED:
            raise OrderError(_("The stock of a cancelled order went back when "
                               "it was cancelled."), code="restock")
        if not (0 < item.restock <= item.quantity
                and item.restock <= line.quantity - line.quantity_restocked):
            raise OrderError(_("%(sku)s: restock at most the quantity "
                               "refunded.") % {"sku": line.sku}, code="restock")
