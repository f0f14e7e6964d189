"""Refunds: full or partial, through the gateway's API where it has one.

The amount is reserved on the payment under its row lock before the
gateway is called (and given back if the gateway refuses), so two
refunds racing can never give back more than was captured; a database
constraint (refunded_amount ≤ amount) backs the rule up.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kedai.core.money import Money
from kedai.invoicing.services import order_refunded
from kedai.orders.models import OrderStatus
from kedai.orders.services import TRANSITIONS, order_change_status
from kedai.payments.exceptions import GatewayError, RefundError
from kedai.payments.lock_objects import (
    order_qs_select_for_update,
    payment_qs_select_for_update,
)
from kedai.payments.models import Payment, PaymentStatus, Refund
from kedai.payments.registry import OFFLINE_METHODS, gateway_get

logger = logging.getLogger("kedai.payments")
REFUNDABLE = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)


def payment_refund(*, payment: Payment, amount: Money, reason: str, actor: str,
                   manual: bool = False) -> Refund:
    """Give back ``amount`` of a captured ``payment``.

    Through the gateway's refund API when it has one and ``manual`` is
    false; otherwise recorded as done by the owner (in the gateway's
    portal, or by bank transfer for offline payments). Raises RefundError
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
    try:
        answer = (adapter.refund_create(
            reference=payment.reference, gateway_reference=payment.gateway_reference,
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
    return _complete(refund=refund, manual=answer is None,
                     gateway_reference=answer.refund_reference if answer else "")


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
    payment = payment_qs_select_for_update().get(pk=refund.payment_id)
    refund.status, refund.manual = Refund.Status.SUCCEEDED, manual
    refund.gateway_reference = gateway_reference
    refund.save(update_fields=["status", "manual", "gateway_reference", "updated_at"])
    full = payment.refunded_amount >= payment.amount
    payment.status = (PaymentStatus.REFUNDED if full
                      else PaymentStatus.PARTIALLY_REFUNDED)
    payment.save(update_fields=["status", "updated_at"])
    # The credit note and refund notice commit with the refund.
    order_refunded(order, amount=Money(refund.amount, payment.currency),
                   reason=refund.reason)
    from kedai.api import webhooks  # until kedai.core.events

    webhooks.order_refunded(order, amount=Money(refund.amount, payment.currency),
                            reason=refund.reason)
    if full and payment.pays_order and OrderStatus.REFUNDED in TRANSITIONS.get(
            order.status, frozenset()):
        order_change_status(order=order, to=OrderStatus.REFUNDED,
                            actor=refund.actor,
                            note=_("Payment %(reference)s refunded in full.")
                            % {"reference": payment.reference})
    return refund
