"""Stripe Checkout (card and FPX) through the official ``stripe`` library.

Implements Stripe's Checkout Session flow (docs.stripe.com
checkout/fulfillment, payments/fpx/accept-a-payment, webhooks),
summarised in docs/payments.md:

* ``POST /v1/checkout/sessions`` with mode=payment, one line item priced
  in sen (``unit_amount``), client_reference_id = Kedai's reference,
  success_url/cancel_url, payment_method_types card and fpx; an
  Idempotency-Key (the reference) so a retried creation never makes a
  second session.
* Webhook: the ``Stripe-Signature`` header is verified with the library's
  own ``stripe.Webhook.construct_event`` over the raw body (HMAC-SHA256 of
  ``t.payload``, 300 s tolerance, so an old event replayed is refused).
  Events: checkout.session.completed (paid at once for cards; FPX may be
  "unpaid" until checkout.session.async_payment_succeeded / _failed) and
  checkout.session.expired.
* Status query: retrieve the Checkout Session.
* Refunds: ``POST /v1/refunds`` against the PaymentIntent.

Without ``OPTIONS["BASE_URL"]`` the client talks to Stripe's real API
(``api.stripe.com``; test or live is the key's, ``sk_test_``/``sk_live_``);
only the demo and the tests point it at the simulator (``BASE_URL``, or
KEDAI_SANDBOX_URL in sandbox mode), through the client's
``base_addresses["api"]``, Stripe's own override of the API host. The
Checkout URL is kept exactly as Stripe returns it: its ``#fragment``
carries what the Checkout page needs (docs.stripe.com/api/checkout/sessions
/object, ``url``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

try:
    import stripe
except ModuleNotFoundError:  # optional: pip install "kedai[stripe]"
    stripe = None  # type: ignore[assignment]

from kedai.core.extras import require_extra
from kedai.core.money import Money, quantize
from kedai.payments.exceptions import CallbackRejected, GatewayError
from kedai.payments.gateways import transport
from kedai.payments.ports import (
    Acknowledgement,
    Incoming,
    PaymentRequest,
    PaymentResult,
    Redirect,
    RefundResult,
    ResultStatus,
)

WEBHOOK_TOLERANCE = 300  # seconds; the official libraries' default
API_HOST = "https://api.stripe.com"
HOSTS = {"live": API_HOST, "sandbox": API_HOST}
# The simulator's secrets (never Stripe's): refused outside the sandbox.
DEMO_SECRETS = {"SECRET_KEY": "sk_test_sandbox", "WEBHOOK_SECRET": "whsec_sandbox"}
_EVENT_STATUS = {
    "checkout.session.async_payment_succeeded": ResultStatus.CAPTURED,
    "checkout.session.async_payment_failed": ResultStatus.FAILED,
    "checkout.session.expired": ResultStatus.CANCELLED,
}


def to_minor(amount: Money) -> int:
    """Stripe amounts are integers in the minor unit: RM12.34 → 1234."""
    return int(quantize(amount.amount, amount.currency) * 100)


def _session_result(session: Mapping[str, Any],
                    status: ResultStatus | None = None) -> PaymentResult:
    if status is None:
        if session.get("payment_status") in ("paid", "no_payment_required"):
            status = ResultStatus.CAPTURED
        elif session.get("status") == "expired":
            status = ResultStatus.CANCELLED
        else:
            status = ResultStatus.PENDING
    total, currency = session.get("amount_total"), session.get("currency")
    if total is not None and not isinstance(total, int):
        raise CallbackRejected("stripe: amount_total is not an integer")
    amount = (Money(Decimal(total) / 100, str(currency).upper())
              if total is not None and currency else None)
    intent = session.get("payment_intent") or ""
    if not isinstance(intent, str):
        intent = intent.get("id", "")
    return PaymentResult(status=status,
                         reference=str(session.get("client_reference_id") or ""),
                         gateway_reference=str(session["id"]),
                         transaction_id=intent, amount=amount,
                         message=str(session.get("payment_status") or ""))


class StripeGateway:
    """Stripe-hosted Checkout page (cards, FPX)."""

    label = "Stripe (cards, FPX online banking)"
    min_query_interval = 60
    hosts = HOSTS
    demo_secrets = DEMO_SECRETS
    refunds_by_api = True
    required_options = ("SECRET_KEY", "WEBHOOK_SECRET")

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        require_extra("stripe", extra="stripe", needed_for="The Stripe gateway")
        self.code = code
        self.options = options
        self.webhook_secret: str = options["WEBHOOK_SECRET"]
        self.payment_method_types = list(options.get("PAYMENT_METHOD_TYPES",
                                                     ["card", "fpx"]))
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _client(self) -> stripe.StripeClient:
        api = transport.base_url(self.options, "stripe", HOSTS)
        return stripe.StripeClient(
            self.options["SECRET_KEY"], base_addresses={"api": api},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=self.timeout))

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """Create a Checkout Session; the shopper pays at its ``url``."""
        transport.sandbox_dashboard(self.options, "stripe",
                                    webhook_url=request.callback_url)
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": request.reference,
            "customer_email": request.customer_email,
            "success_url": request.return_url,
            "cancel_url": request.cancel_url,
            "payment_method_types": self.payment_method_types,
            "line_items": [{
                "quantity": 1,
                "price_data": {
                    "currency": request.amount.currency.lower(),
                    "unit_amount": to_minor(request.amount),
                    "product_data": {"name": request.description[:250]},
                },
            }],
            "metadata": {"order_number": request.order_number,
                         "reference": request.reference},
        }
        try:
            session = self._client().v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": f"kedai-{request.reference}"})
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: create session: {exc}") from exc
        if not session.url:
            raise GatewayError("stripe: session without url")
        return Redirect(url=session.url, gateway_reference=session.id)

    def callback_verify(self, incoming: Incoming) -> PaymentResult:
        """Verify the webhook with stripe.Webhook.construct_event."""
        header = incoming.headers.get("Stripe-Signature", "")
        if not header:
            raise CallbackRejected("stripe: missing Stripe-Signature", status=403)
        transport.refuse_demo_secrets(self.options, "stripe", DEMO_SECRETS)
        try:
            event = stripe.Webhook.construct_event(
                incoming.body, header, self.webhook_secret,
                tolerance=WEBHOOK_TOLERANCE)
        except stripe.SignatureVerificationError as exc:
            raise CallbackRejected(f"stripe: {exc.user_message or exc}",
                                   status=403) from exc
        except ValueError as exc:
            raise CallbackRejected("stripe: body is not an event") from exc
        try:
            session = event.data.object.to_dict()
        except AttributeError as exc:
            raise CallbackRejected("stripe: event without data.object") from exc
        if session.get("object") != "checkout.session" or "id" not in session:
            raise CallbackRejected(f"stripe: {event.type} not handled", status=200)
        if event.type == "checkout.session.completed":
            return _session_result(session)
        if event.type in _EVENT_STATUS:
            return _session_result(session, _EVENT_STATUS[event.type])
        # Stripe sends what the endpoint subscribes to; anything else is
        # acknowledged so it is not re-sent.
        raise CallbackRejected(f"stripe: {event.type} not handled", status=200)

    def callback_ack(self, incoming: Incoming) -> Acknowledgement:
        return Acknowledgement('{"received": true}', content_type="application/json")

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        # Stripe signs nothing on success_url: only the query decides.
        raise CallbackRejected("stripe: browser returns are not signed")

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        """Retrieve the Checkout Session."""
        if not gateway_reference:
            raise GatewayError("stripe: no session id to query")
        try:
            session = self._client().v1.checkout.sessions.retrieve(gateway_reference)
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: retrieve session: {exc}") from exc
        return _session_result(session.to_dict())

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        """Refund (part of) the PaymentIntent; idempotent on the reference."""
        if not transaction_id:
            raise GatewayError("stripe: no PaymentIntent to refund")
        try:
            refund = self._client().v1.refunds.create(
                {"payment_intent": transaction_id, "amount": to_minor(amount),
                 "metadata": {"reference": refund_reference}},
                options={"idempotency_key": f"kedai-{refund_reference}"})
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: refund: {exc}") from exc
        return RefundResult(refund_reference=refund.id,
                            succeeded=refund.status in ("succeeded", "pending"),
                            message=str(refund.status))

    def signed_test_callback(self) -> Incoming:
        """An expired-session webhook signed with the configured webhook
        secret now (as Stripe signs: HMAC-SHA256 of ``t.payload``), for
        the go-live self-test."""
        body = json.dumps({
            "id": "evt_kedai_selftest", "object": "event",
            "type": "checkout.session.expired",
            "data": {"object": {"id": "cs_kedai_selftest", "object": "checkout.session",
                                "client_reference_id": "KEDAI-SELFTEST",
                                "status": "expired", "payment_status": "unpaid",
                                "amount_total": 100, "currency": "myr"}}}).encode()
        return Incoming(method="POST", data={}, body=body, headers={
            "Stripe-Signature": webhook_signature_header(body, self.webhook_secret)})


def webhook_signature_header(body: bytes, secret: str,
                             timestamp: int | None = None) -> str:
    """``t=<unix>,v1=<hex HMAC-SHA256(secret, "t." + body)>`` (Stripe's
    webhook signature scheme, docs.stripe.com/webhooks)."""
    moment = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256)
    return f"t={moment},v1={mac.hexdigest()}"
