"""Taking payment: start an attempt, and the one function results go through.

Every path that learns something about a payment — the gateway's
server-to-server callback, the browser return (via a status query), the
background re-query and the owner's "payment received" — ends in
:func:`payment_apply_result`, which takes the order row lock, checks the
amount, currency and reference against what Kedai stored, and moves the
payment (and at most once the order) under one state machine
(the callback shape of docs/payments.md). Gateway HTTP calls never happen under a lock:
prepare and commit, call, then record (STYLE.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.core.events import publish
from kedai.core.money import Money, to_decimal
from kedai.core.tokens import token_hash
from kedai.orders.events import OrderPaid
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import order_change_status, order_note_add
from kedai.payments.exceptions import GatewayError, PaymentError
from kedai.payments.lock_objects import (
    order_qs_select_for_update,
    payment_qs_select_for_update,
)
from kedai.payments.models import Payment, PaymentFlag, PaymentStatus
from kedai.payments.ports import (
    PaymentRequest,
    PaymentResult,
    Redirect,
    ResultStatus,
)
from kedai.payments.registry import (
    OFFLINE_METHODS,
    gateway_get,
    method_label,
    online_methods,
)

logger = logging.getLogger("kedai.payments")

P = PaymentStatus
# How long a request may take to create an attempt at the gateway before
# another request may send the same reference again (longer than any
# gateway timeout).
CREATING_CLAIM = timedelta(minutes=2)
# Where a payment may go on news from the gateway. A capture beats an
# earlier decline or expiry (money moved: Billplz lets the shopper retry
# on the same bill); nothing the gateway says undoes a capture (FLT-07).
RESULT_TRANSITIONS: dict[str, frozenset[str]] = {
    P.PENDING: frozenset({P.AUTHORISED, P.CAPTURED, P.FAILED, P.CANCELLED}),
    P.AUTHORISED: frozenset({P.CAPTURED, P.FAILED, P.CANCELLED}),
    P.FAILED: frozenset({P.CAPTURED}),
    P.CANCELLED: frozenset({P.CAPTURED}),
    P.CAPTURED: frozenset(),
    P.PARTIALLY_REFUNDED: frozenset(),
    P.REFUNDED: frozenset(),
}
_STATUS_OF_RESULT = {
    ResultStatus.PENDING: P.PENDING,
    ResultStatus.AUTHORISED: P.AUTHORISED,
    ResultStatus.CAPTURED: P.CAPTURED,
    ResultStatus.FAILED: P.FAILED,
    ResultStatus.CANCELLED: P.CANCELLED,
}


@dataclass(frozen=True)
class Outcome:
    """What applying one gateway statement did.

    ``code``: "captured" (the payment was captured now), "updated",
    "duplicate" (already in that state), "flagged" (a second capture of
    an attempt already captured, recorded for a refund), "ignored" (an
    illegal or stale transition, e.g. "failed" after "captured") or
    "rejected" (identity, amount or currency did not match: nothing
    changed but a flag). Only "rejected" is refused to the gateway.
    """

    code: str
    detail: str = ""

    @property
    def rejected(self) -> bool:
        return self.code == "rejected"


@dataclass(frozen=True)
class StartedPayment:
    payment: Payment
    redirect: Redirect


# --- starting a payment ---------------------------------------------------------


def _next_reference(order: Order) -> str:
    # Per attempt, so a retry never reuses a reference the gateway has seen
    # (iPay88 "Duplicate Reference Number"); ≤30 chars, [A-Za-z0-9-].
    attempts = Payment.objects.filter(order=order).count()
    return f"{order.number}-P{attempts + 1}"


def _order_description(order: Order) -> tuple[str, tuple[str, ...]]:
    codes = tuple(order.lines.values_list("sku", flat=True))
    text = _("Order %(number)s: %(codes)s") % {"number": order.number,
                                                "codes": ", ".join(codes)}
    return text, codes


def payment_start(*, order: Order, method: str, site_url: str) -> StartedPayment:
    """Start (or resume) a payment of ``order`` on ``method``'s hosted page.

    ``site_url`` is the shop's absolute root ("https://shop.example/"),
    used for the return and callback URLs unless
    KEDAI_PAYMENT_CALLBACK_BASE_URL is set. A previous attempt whose
    creation failed (gateway down or timed out) is reused with the same
    reference, so no second bill or duplicate reference is made (FLT-01).
    An attempt another request is creating right now (a double-clicked
    "Pay") is never reused: this request makes its own attempt with its
    own reference, so each bill the gateway makes belongs to exactly one
    attempt and its callback finds it (issue 13, defect 3). Any of them,
    paid, pays the order; a second one paid is flagged as a duplicate.
    Raises PaymentError when the order cannot be paid or the gateway is
    unavailable; the order then stays awaiting payment. Moves no money.
    """
    gateway = gateway_get(method)
    if gateway is None or method not in {m.code for m in online_methods()}:
        raise PaymentError(_("This payment method is not available."),
                           code="method")
    payment = _prepare_attempt(order=order, gateway=method)
    return_token = _return_token(payment.reference)
    base = (getattr(settings, "KEDAI_PAYMENT_CALLBACK_BASE_URL", "")
            or site_url).rstrip("/")
    description, codes = _order_description(order)
    request = PaymentRequest(
        reference=payment.reference,
        order_number=order.number,
        amount=Money(payment.amount, payment.currency),
        description=description,
        product_codes=codes,
        customer_name=order.billing_address.get("name", "") or order.email,
        customer_email=order.email,
        customer_phone=order.phone,
        return_url=base + reverse("payments:return",
                                  kwargs={"gateway": method, "token": return_token}),
        callback_url=base + reverse("payments:callback", kwargs={"gateway": method}),
        cancel_url=base + reverse("payments:return",
                                  kwargs={"gateway": method, "token": return_token}),
    )
    try:
        redirect = gateway.payment_create(request)
    except GatewayError as exc:
        logger.warning("payment %s: %s create failed: %s", payment.reference,
                       method, exc)
        # Free the attempt, so a retry resends the same reference.
        Payment.objects.filter(pk=payment.pk, redirect={}).update(
            creating_until=None)
        raise PaymentError(
            _("The payment service did not answer. Your order is saved and "
              "still awaiting payment: please try again in a moment."),
            code="gateway") from exc
    redirect = _record_redirect(payment=payment, redirect=redirect)
    return StartedPayment(payment, redirect)


@transaction.atomic(durable=True)
def _prepare_attempt(*, order: Order, gateway: str) -> Payment:
    locked = order_qs_select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.AWAITING_PAYMENT:
        raise PaymentError(_("This order is not awaiting payment."), code="state")
    if locked.total <= 0:
        raise PaymentError(_("This order has nothing to pay."), code="state")
    now = timezone.now()
    claim = now + CREATING_CLAIM
    unsent = (payment_qs_select_for_update()
              .filter(order=locked, gateway=gateway, status=P.PENDING, redirect={})
              .filter(Q(creating_until=None) | Q(creating_until__lt=now))
              .first())
    if unsent is not None:
        Payment.objects.filter(pk=unsent.pk).update(creating_until=claim)
        unsent.creating_until = claim
        return unsent
    reference = _next_reference(locked)
    return Payment.objects.create(
        order=locked, gateway=gateway, reference=reference,
        amount=locked.total, currency=locked.currency, creating_until=claim,
        return_token_hash=token_hash(_return_token(reference)))


def _return_token(reference: str) -> str:
    # Derived, not stored: a retried creation (same reference) sends the
    # gateway the same return URL, so Stripe's idempotent replay matches.
    digest = hmac.new(settings.SECRET_KEY.encode(), f"pay-return:{reference}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


@transaction.atomic(durable=True)
def _record_redirect(*, payment: Payment, redirect: Redirect) -> Redirect:
    """Store where the shopper goes; return the redirect to send them to."""
    locked = payment_qs_select_for_update().get(pk=payment.pk)
    if (locked.redirect and locked.gateway_reference and redirect.gateway_reference
            and redirect.gateway_reference != locked.gateway_reference):
        # Only if a creation outlived its claim: the first bill stays the
        # attempt's, and the shopper is sent to it, never to a bill whose
        # callback Kedai would not recognise.
        logger.error("payment %s: %s made a second bill %s; keeping %s",
                     locked.reference, locked.gateway,
                     redirect.gateway_reference, locked.gateway_reference)
        payment.redirect, payment.gateway_reference = (locked.redirect,
                                                       locked.gateway_reference)
        return Redirect(url=locked.redirect["url"], method=locked.redirect["method"],
                        fields=tuple(tuple(f) for f in locked.redirect["fields"]),
                        gateway_reference=locked.gateway_reference)
    locked.redirect = {"url": redirect.url, "method": redirect.method,
                       "fields": [list(f) for f in redirect.fields]}
    locked.creating_until = None
    fields = ["redirect", "creating_until", "updated_at"]
    if redirect.gateway_reference and not locked.gateway_reference:
        locked.gateway_reference = redirect.gateway_reference
        fields.append("gateway_reference")
    locked.save(update_fields=fields)
    payment.redirect, payment.gateway_reference = (locked.redirect,
                                                   locked.gateway_reference)
    return redirect


# --- the one function every result goes through -----------------------------------


def payment_apply_result(*, payment: Payment, result: PaymentResult,
                         source: str) -> Outcome:
    """Apply a verified gateway statement about ``payment``.

    ``result`` must already be authenticated (a verified signature, or
    Kedai's own status query). Under the order and payment row locks,
    checks reference, amount and currency against the stored attempt and
    order, then makes the payment transition if it is legal. The first
    capture of an order awaiting payment moves the order to paid (once,
    through ``order_change_status``) and runs :func:`_on_captured` in the
    same transaction. A capture for an order already paid or closed is
    kept and flagged for the owner, never applied to the order.
    Idempotent: the same statement twice changes nothing the second time.
    """
    with transaction.atomic(durable=True):
        order = order_qs_select_for_update().get(pk=payment.order_id)
        locked = payment_qs_select_for_update().get(pk=payment.pk)
        problem = _identity_problem(locked, result)
        if problem:
            if "amount" in problem or "currency" in problem:
                locked.flag = PaymentFlag.AMOUNT_MISMATCH
                locked.save(update_fields=["flag", "updated_at"])
            logger.warning("payment %s: %s rejected: %s", locked.reference, source,
                           problem)
            return Outcome("rejected", problem)
        target = _STATUS_OF_RESULT[result.status]
        if (target == P.CAPTURED and locked.status in _MONEY_TAKEN
                and result.transaction_id and locked.transaction_id
                and locked.transaction_id != result.transaction_id):
            # Same attempt paid twice at the gateway: not a duplicate
            # message but a duplicate payment (woo#9297). Kept and flagged
            # for a refund, and acknowledged so the gateway stops sending.
            return _second_capture(order=order, payment=locked, result=result,
                                   source=source)
        if locked.status == target:
            return Outcome("duplicate", f"already {target}")
        if target not in RESULT_TRANSITIONS[locked.status]:
            logger.info("payment %s: %s %s ignored (is %s)", locked.reference,
                        source, target, locked.status)
            return Outcome("ignored", f"{locked.status} cannot become {target}")
        _update(locked, result, target)
        if target == P.CAPTURED:
            _capture(order=order, payment=locked, source=source)
            return Outcome("captured", locked.flag or "order paid")
        return Outcome("updated", target)


_MONEY_TAKEN = frozenset({P.CAPTURED, P.PARTIALLY_REFUNDED, P.REFUNDED})


def _second_capture(*, order: Order, payment: Payment, result: PaymentResult,
                    source: str) -> Outcome:
    """Record a second capture (new transaction id) of ``payment``.

    Under the order and payment locks. It becomes a payment row of its
    own, captured and flagged as a duplicate (``duplicate_of`` the
    attempt, whose reference the gateway knows it by), so the owner sees
    it on the order and the dashboard and can refund it; the order's
    tracking history says so. The same statement again changes nothing.
    """
    known = Payment.objects.filter(duplicate_of=payment,
                                   transaction_id=result.transaction_id).first()
    if known is not None:
        return Outcome("duplicate", f"second capture already recorded as "
                                    f"{known.reference}")
    count = Payment.objects.filter(duplicate_of=payment).count()
    assert result.amount is not None  # checked by _identity_problem
    duplicate = Payment.objects.create(
        order=order, gateway=payment.gateway,
        reference=f"{payment.reference}-D{count + 1}",
        transaction_id=result.transaction_id[:100], status=P.CAPTURED,
        amount=result.amount.amount, currency=result.amount.currency,
        flag=PaymentFlag.DUPLICATE, duplicate_of=payment,
        captured_at=timezone.now(), redirect={"duplicate_of": payment.reference},
        message=(result.message or "")[:255])
    _flag_on_order(order=order, payment=duplicate)
    logger.error("payment %s: second capture %s by %s recorded as %s (flagged)",
                 payment.reference, result.transaction_id, source,
                 duplicate.reference)
    return Outcome("flagged", f"second capture recorded as {duplicate.reference}")


def _flag_on_order(*, order: Order, payment: Payment) -> None:
    # The order's tracking history carries the warning, so whoever opens
    # the order sees that money must go back.
    order_note_add(
        order=order, actor=f"payment:{payment.gateway}",
        note=_("Payment %(reference)s of %(amount)s was captured but %(why)s: "
               "refund it.")
        % {"reference": payment.reference,
           "amount": Money(payment.amount, payment.currency),
           "why": PaymentFlag(payment.flag).label.lower()})


def _identity_problem(payment: Payment, result: PaymentResult) -> str:
    if result.reference and result.reference != payment.reference:
        return "reference does not match"
    if (result.gateway_reference and payment.gateway_reference
            and result.gateway_reference != payment.gateway_reference):
        return "gateway reference does not match"
    if result.status in (ResultStatus.CAPTURED, ResultStatus.AUTHORISED):
        if result.amount is None:
            return "no amount in a successful result"
        if result.amount.currency != payment.currency:
            return (f"currency {result.amount.currency} differs from "
                    f"{payment.currency}")
        if result.amount.amount != payment.amount:
            return f"amount {result.amount.amount} differs from {payment.amount}"
    return ""


def _update(payment: Payment, result: PaymentResult, target: str) -> None:
    payment.status = target
    fields = ["status", "updated_at"]
    if result.gateway_reference and not payment.gateway_reference:
        payment.gateway_reference = result.gateway_reference
        fields.append("gateway_reference")
    if result.transaction_id and not payment.transaction_id:
        payment.transaction_id = result.transaction_id
        fields.append("transaction_id")
    if result.fee is not None:
        payment.fee = result.fee
        fields.append("fee")
    if result.message:
        payment.message = result.message[:255]
        fields.append("message")
    if target == P.CAPTURED:
        payment.captured_at = timezone.now()
        fields.append("captured_at")
    payment.save(update_fields=fields)


def _capture(*, order: Order, payment: Payment, source: str) -> None:
    if order.status == OrderStatus.AWAITING_PAYMENT and (
            order.total == payment.amount and order.currency == payment.currency):
        order_change_status(
            order=order, to=OrderStatus.PAID,
            # Who: the staff member who recorded an offline payment, else
            # the gateway that confirmed it.
            actor=payment.actor or f"payment:{payment.gateway}",
            note=_("Paid by %(gateway)s, reference %(reference)s.")
            % {"gateway": payment.gateway, "reference": payment.reference})
        payment.pays_order = True
        payment.save(update_fields=["pays_order", "updated_at"])
        _on_captured(payment)
        return
    paid_already = Payment.objects.filter(order=order, pays_order=True).exists()
    payment.flag = PaymentFlag.DUPLICATE if paid_already else PaymentFlag.ORDER_CLOSED
    payment.save(update_fields=["flag", "updated_at"])
    _flag_on_order(order=order, payment=payment)
    logger.error("payment %s captured by %s but order %s is %s: flagged %s",
                 payment.reference, source, order.number, order.status, payment.flag)


def _on_captured(payment: Payment) -> None:
    """Runs once, when ``payment`` has just made its order paid.

    Inside the transaction that moved the order to paid, with the order
    row locked: write side effects as outbox rows here (the receipt), so
    they commit or roll back with the payment. Must not call gateways or
    send mail directly.
    """
    logger.info("order %s paid by payment %s", payment.order_id, payment.reference)
    publish(OrderPaid(order=payment.order,
                      amount=Money(payment.amount, payment.currency),
                      method_label=method_label(payment.gateway),
                      reference=(payment.transaction_id or payment.gateway_reference
                                 or payment.reference)))



# --- offline payments ----------------------------------------------------------------


def payment_mark_received(*, order: Order, amount: Money | Decimal | str,
                          reference: str, actor: str) -> Payment:
    """Record that the owner received an offline payment (transfer, cash).

    ``amount`` must be the order total in the order's currency; the order
    moves to paid through the same path as gateway payments. Raises
    PaymentError if the order is not awaiting payment or the amount
    differs. ``reference`` is the bank's or courier's reference.
    """
    money = amount if isinstance(amount, Money) else Money(to_decimal(amount),
                                                            order.currency)
    method = order.payment_method if order.payment_method in OFFLINE_METHODS \
        else "bank_transfer"
    payment = _create_offline(order=order, money=money, method=method,
                              reference=reference, actor=actor)
    outcome = payment_apply_result(
        payment=payment,
        result=PaymentResult(status=ResultStatus.CAPTURED, reference=payment.reference,
                             transaction_id=reference[:100], amount=money,
                             message=_("Received, recorded by %(actor)s")
                             % {"actor": actor}),
        source=f"owner:{actor}")
    if outcome.code != "captured":
        raise PaymentError(_("The payment could not be recorded."), code="state")
    payment.refresh_from_db()
    return payment


@transaction.atomic(durable=True)
def _create_offline(*, order: Order, money: Money, method: str, reference: str,
                    actor: str) -> Payment:
    locked = order_qs_select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.AWAITING_PAYMENT:
        raise PaymentError(_("This order is not awaiting payment."), code="state")
    if money.currency != locked.currency or money.amount != locked.total:
        raise PaymentError(
            _("The amount received (%(amount)s) is not the order total "
              "(%(total)s).") % {"amount": money, "total": Money(locked.total,
                                                                  locked.currency)},
            code="amount")
    return Payment.objects.create(
        order=locked, gateway=method, reference=_next_reference(locked),
        amount=locked.total, currency=locked.currency, actor=actor[:100],
        redirect={"offline": True}, transaction_id=reference[:100])


def payment_flag_clear(*, payment: Payment) -> None:
    """The owner has dealt with a flagged payment (refunded it, shipped)."""
    Payment.objects.filter(pk=payment.pk).update(flag="", updated_at=timezone.now())

