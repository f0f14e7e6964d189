"""Stripe Checkout and webhooks as Stripe documents them
(docs.stripe.com/webhooks "Verify webhook signatures",
docs.stripe.com/api/checkout/sessions/object), against the adapter with
the official ``stripe`` library."""

import json
import time

import pytest

from kedai.core.money import Money
from kedai.payments.exceptions import CallbackRejected
from kedai.payments.gateways.stripe import StripeGateway, webhook_signature_header
from kedai.payments.ports import Incoming, PaymentRequest, ResultStatus
from tests.contracts.conftest import adapter

SECRET = "whsec_test_secret"  # noqa: S105 - a test value, not Stripe's


def payment_request(amount: str) -> PaymentRequest:
    return PaymentRequest(
        reference="KD-2026-000001-P1", order_number="KD-2026-000001",
        amount=Money(amount), description="Order KD-2026-000001",
        product_codes=("SKU-1",), customer_name="Tan Mei Ling",
        customer_email="mei@example.my", customer_phone="+60162223344",
        return_url="https://shop.example/pay/return/x/t/",
        callback_url="https://shop.example/pay/callback/x/",
        cancel_url="https://shop.example/pay/return/x/t/")


def stripe_gateway(url="http://127.0.0.1:9"):
    return adapter(StripeGateway, "stripe", BASE_URL=url,
                   SECRET_KEY="sk_test_contract", WEBHOOK_SECRET=SECRET)


# The Checkout Session object as documented (fields Kedai reads).
SESSION = {"id": "cs_test_a1b2c3", "object": "checkout.session",
           "amount_total": 3200, "currency": "myr",
           "client_reference_id": "KD-2026-000001-P1", "payment_intent": "pi_3Abc",
           "payment_status": "paid", "status": "complete",
           "url": None}


def event(kind: str, session: dict) -> bytes:
    return json.dumps({"id": "evt_1", "object": "event", "type": kind,
                       "api_version": "2025-01-27.acacia",
                       "data": {"object": session}}).encode()


def test_the_signature_scheme_is_hmac_sha256_of_t_dot_payload():
    # "t=1700000000" and the payload, HMAC-SHA256 with the endpoint secret.
    body = b'{"id":"evt_test","type":"checkout.session.completed"}'
    assert webhook_signature_header(body, SECRET, 1700000000) == (
        "t=1700000000,v1="
        "715369d9e69ebcb0b7e62a81bd79bfd0825e4a0f25a4577924dd7017a7eac01e")


def test_a_signed_completed_session_is_captured_for_its_amount():
    body = event("checkout.session.completed", SESSION)
    result = stripe_gateway().callback_verify(Incoming(
        "POST", {}, body, {"Stripe-Signature": webhook_signature_header(body, SECRET)}))
    assert result.status == ResultStatus.CAPTURED
    assert result.amount == Money("32.00") and result.transaction_id == "pi_3Abc"


def test_a_replayed_event_older_than_the_tolerance_is_refused():
    body = event("checkout.session.completed", SESSION)
    old = webhook_signature_header(body, SECRET, int(time.time()) - 301)
    with pytest.raises(CallbackRejected):
        stripe_gateway().callback_verify(
            Incoming("POST", {}, body, {"Stripe-Signature": old}))


def test_the_checkout_url_is_kept_exactly_fragment_included(canned):
    url = ("https://checkout.stripe.com/c/pay/cs_test_a1b2c3"
           "#fidkdWxOYHwnPyd1blpxYHZxWjA0SDJPSTRBbV9pb")
    canned.reply(json.dumps({**SESSION, "status": "open", "payment_status": "unpaid",
                             "url": url}), content_type="application/json")
    redirect = stripe_gateway(canned.url).payment_create(payment_request("32.00"))
    assert redirect.url == url and redirect.gateway_reference == "cs_test_a1b2c3"
    (request,) = canned.requests
    assert request["path"] == "/v1/checkout/sessions"
    assert request["headers"]["Idempotency-Key"] == "kedai-KD-2026-000001-P1"
