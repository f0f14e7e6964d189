"""What gateways tell Kedai: server-to-server callbacks (the source of
truth), browser returns (which only trigger a status query) and the status
queries themselves, in the foreground and for pending payments in the
background. Every result goes through
:func:`kedai.payments.services.payment_apply_result`; every payload is
logged with its verification result (docs/payments.md).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kedai.core.money import Money
from kedai.core.tokens import token_hash
from kedai.payments.exceptions import CallbackRejected, GatewayError
from kedai.payments.models import CallbackLog, Payment, PaymentStatus
from kedai.payments.ports import (
    Acknowledgement,
    Incoming,
    PaymentResult,
    ResultStatus,
)
from kedai.payments.registry import OFFLINE_METHODS, gateway_get
from kedai.payments.services import Outcome, payment_apply_result

logger = logging.getLogger("kedai.payments")


def _payment_for(gateway: str, result: PaymentResult) -> Payment | None:
    qs = Payment.objects.filter(gateway=gateway)
    if result.reference:
        return qs.filter(reference=result.reference).first()
    if result.gateway_reference:
        return qs.filter(gateway_reference=result.gateway_reference).first()
    return None


def _log(*, gateway: str, kind: str, incoming: Incoming | None = None,
         payment: Payment | None = None, verified: bool, outcome: str,
         payload: dict | None = None) -> None:
    # The storefront never receives card data (hosted pages only), so a
    # gateway's payload is safe to keep whole, as the spec asks. NUL
    # characters go: PostgreSQL cannot store them in text or jsonb.
    data = payload if payload is not None else (incoming.data if incoming else {})
    body = incoming.body.decode("utf-8", "replace")[:20000] if incoming else ""
    CallbackLog.objects.create(
        gateway=gateway[:20].replace("\x00", ""), kind=kind, payment=payment,
        method=incoming.method[:10] if incoming else "",
        payload={str(k).replace("\x00", ""): str(v).replace("\x00", "")
                 for k, v in data.items()},
        raw_body=body.replace("\x00", ""), verified=verified,
        outcome=outcome[:255].replace("\x00", ""))


def payment_handle_callback(*, gateway: str, incoming: Incoming) -> Acknowledgement:
    """Verify and apply a server-to-server callback; return the gateway's ack.

    Every callback is logged raw with its verdict. Raises CallbackRejected
    (logged) for an unknown gateway or payment, a bad signature, or a
    statement whose reference, amount or currency does not match; the
    order is then unchanged. Duplicates and stale statements are
    acknowledged so the gateway stops re-sending.
    """
    adapter = gateway_get(gateway)
    if adapter is None:
        _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
             verified=False, outcome="unknown gateway")
        raise CallbackRejected("unknown gateway", status=404)
    try:
        result = adapter.callback_verify(incoming)
    except (KeyError, ValueError, TypeError, AttributeError, ArithmeticError) as exc:
        # A payload shaped like nothing the adapter knows: refused, never a 500.
        reason = f"{gateway}: malformed callback ({type(exc).__name__})"
        _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
             verified=False, outcome=f"rejected: {reason}")
        logger.warning("%s callback rejected: %s", gateway, reason)
        raise CallbackRejected(reason) from exc
    except CallbackRejected as exc:
        _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
             verified=False, outcome=f"rejected: {exc.reason}")
        logger.warning("%s callback rejected: %s", gateway, exc.reason)
        raise
    payment = _payment_for(gateway, result)
    if payment is None:
        _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
             verified=True, outcome="rejected: unknown payment")
        logger.warning("%s callback for unknown payment %s/%s", gateway,
                       result.reference, result.gateway_reference)
        raise CallbackRejected("unknown payment", status=404)
    if result.status == ResultStatus.CAPTURED and result.amount is None:
        if (payment.status == PaymentStatus.CAPTURED and result.transaction_id
                and payment.transaction_id
                and result.transaction_id != payment.transaction_id):
            # A second capture of a captured attempt that names no amount:
            # a gateway takes the attempt's whole amount, so it is recorded
            # at that amount and flagged for the owner (issue 13, defect 4).
            result = dataclasses.replace(result, amount=Money(payment.amount,
                                                              payment.currency))
        else:
            # A signed "paid" that names no amount (senangPay's callback, a
            # Billplz bill with paid_amount 0): the status query, with the
            # amount Kedai sent, decides. If it cannot answer now, the
            # gateway is told to send the callback again.
            return _confirm_by_query(gateway=gateway, adapter=adapter,
                                     payment=payment, incoming=incoming,
                                     transaction_id=result.transaction_id)
    try:
        outcome = payment_apply_result(payment=payment, result=result,
                                       source="callback")
    except Exception:
        _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
             payment=payment, verified=True, outcome="error while applying")
        raise
    _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
         payment=payment, verified=True, outcome=f"{outcome.code}: {outcome.detail}")
    if outcome.rejected:
        logger.warning("%s callback refused for %s: %s", gateway, payment.reference,
                       outcome.detail)
        raise CallbackRejected(outcome.detail, status=400)
    return adapter.callback_ack(incoming)


def _confirm_by_query(*, gateway: str, adapter, payment: Payment,
                      incoming: Incoming, transaction_id: str = "") -> Acknowledgement:
    if payment.status == PaymentStatus.CAPTURED:
        # A replay of a capture already applied: acknowledged without
        # asking the gateway again (its status API is rate limited).
        _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
             payment=payment, verified=True, outcome="duplicate: already captured")
        return adapter.callback_ack(incoming)
    try:
        outcome = payment_requery(payment=payment)
    except GatewayError as exc:
        reason = f"{gateway}: confirming query failed: {exc}"
        _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
             payment=payment, verified=True, outcome=f"rejected: {reason}")
        logger.warning("%s callback not confirmed: %s", gateway, exc)
        raise CallbackRejected(reason, status=503) from exc
    payment.refresh_from_db()
    confirmed = not outcome.rejected and payment.status == PaymentStatus.CAPTURED
    detail = (f"{outcome.code}: confirmed by the status query" if confirmed else
              f"not confirmed by the status query ({outcome.code}: {outcome.detail})")
    _log(gateway=gateway, kind=CallbackLog.Kind.CALLBACK, incoming=incoming,
         payment=payment, verified=True,
         outcome=detail if confirmed else f"rejected: {detail}")
    if not confirmed:
        # A forgery, or the gateway's status API lagging behind its
        # callback: refused, so a real gateway sends it again later.
        logger.warning("%s callback refused for %s: %s", gateway, payment.reference,
                       detail)
        raise CallbackRejected(detail, status=400)
    if transaction_id:
        # The signed callback names the gateway's transaction; a status
        # query may not. Kept, so a later capture under another
        # transaction is recognised as a second one.
        Payment.objects.filter(pk=payment.pk, transaction_id="").update(
            transaction_id=transaction_id[:100])
    return adapter.callback_ack(incoming)


def payment_get_by_return_token(*, gateway: str, token: str) -> Payment | None:
    return (Payment.objects.select_related("order")
            .filter(gateway=gateway, return_token_hash=token_hash(token)).first()
            if token else None)


def payment_identify_signed_return(*, gateway: str,
                                   incoming: Incoming) -> Payment | None:
    """The payment a browser return names in the gateway's signed fields.

    For gateways whose return URL is fixed in their dashboard (senangPay),
    so it cannot carry a return token. None (logged) if unsigned, forged
    or unknown.
    """
    adapter = gateway_get(gateway)
    payment, reason = None, "unknown gateway"
    if adapter is not None:
        try:
            payment = _payment_for(gateway, adapter.return_verify(incoming))
            reason = "unknown payment"
        except CallbackRejected as exc:
            reason = exc.reason
    if payment is None:
        _log(gateway=gateway, kind=CallbackLog.Kind.RETURN, incoming=incoming,
             verified=False, outcome=f"rejected: {reason}")
        logger.warning("%s return rejected: %s", gateway, reason)
    return payment


def payment_handle_return(*, payment: Payment, incoming: Incoming) -> Payment:
    """The shopper is back from the gateway: log it, then ask the gateway.

    The return's own parameters never mark anything paid, signed or not
    (they are best-effort and can be forged, SEC-05); a status query to
    the gateway decides. Returns the payment as it now stands.
    """
    adapter = gateway_get(payment.gateway)
    verified, outcome = False, "logged"
    if adapter is not None:
        try:
            adapter.return_verify(incoming)
            verified = True
        except CallbackRejected as exc:
            outcome = f"unverified: {exc.reason}"
    _log(gateway=payment.gateway, kind=CallbackLog.Kind.RETURN, incoming=incoming,
         payment=payment, verified=verified, outcome=outcome)
    if payment.status in (PaymentStatus.PENDING, PaymentStatus.AUTHORISED):
        try:
            payment_requery(payment=payment)
        except GatewayError as exc:
            logger.info("payment %s: re-query on return failed: %s",
                        payment.reference, exc)
    payment.refresh_from_db()
    return payment


def payment_requery(*, payment: Payment) -> Outcome:
    """Ask the gateway's status API about ``payment`` and apply the answer.

    Raises GatewayError when the gateway cannot answer. The query runs
    with no lock held; the answer goes through payment_apply_result.
    """
    adapter = gateway_get(payment.gateway)
    if adapter is None:
        raise GatewayError(f"no adapter for {payment.gateway}")
    Payment.objects.filter(pk=payment.pk).update(last_queried_at=timezone.now())
    try:
        result = adapter.payment_query(
            reference=payment.reference, gateway_reference=payment.gateway_reference,
            amount=Money(payment.amount, payment.currency))
    except GatewayError as exc:
        _log(gateway=payment.gateway, kind=CallbackLog.Kind.QUERY, payment=payment,
             verified=False, outcome=f"error: {exc}", payload={})
        raise
    outcome = payment_apply_result(payment=payment, result=result, source="query")
    payload = {k: str(v) for k, v in asdict(result).items()}
    _log(gateway=payment.gateway, kind=CallbackLog.Kind.QUERY, payment=payment,
         verified=True, outcome=f"{outcome.code}: {outcome.detail}", payload=payload)
    return outcome


def payments_requery_pending(*, now=None) -> int:
    """Re-query every online payment still pending; return how many changed.

    Honours each gateway's minimum interval between queries of one payment
    (Fiuu/MOLPay block IPs that query more often than every 5 minutes).
    A payment still pending after KEDAI_PAYMENT_PENDING_HOURS is
    cancelled (a later capture still wins, see RESULT_TRANSITIONS).
    """
    now = now or timezone.now()
    changed = 0
    expiry = timedelta(hours=getattr(settings, "KEDAI_PAYMENT_PENDING_HOURS", 72))
    waiting = (PaymentStatus.PENDING, PaymentStatus.AUTHORISED)
    pending = (Payment.objects.filter(status__in=waiting)
               .exclude(gateway__in=OFFLINE_METHODS).exclude(redirect={})
               .order_by("created_at"))
    for payment in pending:
        adapter = gateway_get(payment.gateway)
        if adapter is None:
            continue
        interval = timedelta(seconds=adapter.min_query_interval)
        if payment.last_queried_at and now - payment.last_queried_at < interval:
            continue
        try:
            outcome = payment_requery(payment=payment)
        except GatewayError as exc:
            logger.info("payment %s: re-query failed: %s", payment.reference, exc)
            continue
        if outcome.code in ("captured", "updated"):
            changed += 1
        elif outcome.code == "duplicate" and now - payment.created_at > expiry:
            expired = PaymentResult(status=ResultStatus.CANCELLED,
                                    message="expired unpaid")
            if payment_apply_result(payment=payment, result=expired,
                                    source="expiry").code == "updated":
                changed += 1
    return changed

