"""Attacks on the Fiuu, senangPay and Stripe callbacks (SEC-01..03)."""

import time

import pytest
from django.test import Client

from kedai.orders.models import Order, OrderStatus
from kedai.payments.gateways.fiuu import skey
from kedai.payments.gateways.senangpay import response_hash
from kedai.payments.models import CallbackLog, Payment, PaymentFlag, PaymentStatus
from kedai.payments.services import payment_start
from kedai.sandbox import fiuu as fiuu_sim
from kedai.sandbox import stripe as stripe_sim
from tests.payments.conftest import fetch, place_order

pytestmark = pytest.mark.django_db


def _status(placed):
    return Order.objects.get(pk=placed.order.pk).status


def _fiuu_fields(payment, **changes):
    fields = {"tranID": "5551234567", "orderid": payment.reference, "status": "00",
              "domain": "ACME", "amount": f"{payment.amount:.2f}", "currency": "MYR",
              "appcode": "AB12", "paydate": "2026-11-26 10:00:00", "nbcb": "1",
              **changes}
    fields["skey"] = skey(tran_id=fields["tranID"], order_id=fields["orderid"],
                          status=fields["status"], domain=fields["domain"],
                          amount=fields["amount"], currency=fields["currency"],
                          paydate=fields["paydate"], appcode=fields["appcode"],
                          secret_key=fiuu_sim.MERCHANTS["ACME"]["secret_key"])
    return fields


class TestFiuu:
    def _payment(self):
        placed = place_order(method="fiuu")
        started = payment_start(order=placed.order, method="fiuu",
                                site_url="http://testserver/")
        return placed, started.payment

    def test_callback_is_acknowledged_with_cbtoken(self, gateways):
        placed, payment = self._payment()
        response = Client().post("/pay/callback/fiuu/", _fiuu_fields(payment))
        assert response.content == b"CBTOKEN:MPSTATOK"
        assert _status(placed) == OrderStatus.PAID

    def test_forged_skey_is_refused(self, gateways):
        placed, payment = self._payment()
        fields = _fiuu_fields(payment)
        fields["skey"] = "0" * 32
        assert Client().post("/pay/callback/fiuu/", fields).status_code == 403
        assert _status(placed) == OrderStatus.AWAITING_PAYMENT

    def test_amount_changed_and_resigned_is_refused(self, gateways):
        placed, payment = self._payment()
        response = Client().post("/pay/callback/fiuu/",
                                 _fiuu_fields(payment, amount="1.00"))
        assert response.status_code == 400
        assert Payment.objects.get().flag == PaymentFlag.AMOUNT_MISMATCH
        assert _status(placed) == OrderStatus.AWAITING_PAYMENT

    def test_pending_then_paid(self, gateways):
        """Status 22 (pending) is acknowledged and changes nothing; 00 pays."""
        placed, payment = self._payment()
        client = Client()
        assert client.post("/pay/callback/fiuu/",
                           _fiuu_fields(payment, status="22")).status_code == 200
        assert Payment.objects.get().status == PaymentStatus.PENDING
        assert client.post("/pay/callback/fiuu/", _fiuu_fields(payment)).status_code \
            == 200
        assert _status(placed) == OrderStatus.PAID

    def test_get_is_refused(self, gateways):
        assert Client().get("/pay/callback/fiuu/").status_code == 405


class TestSenangPay:
    def test_forged_hash_is_refused(self, gateways):
        placed = place_order(method="senangpay")
        payment = payment_start(order=placed.order, method="senangpay",
                                site_url="http://testserver/").payment
        response = Client().post("/pay/callback/senangpay/", {
            "status_id": "1", "order_id": payment.reference,
            "transaction_id": "123", "msg": "Payment_was_successful",
            "hash": "f" * 64})
        assert response.status_code == 403
        assert _status(placed) == OrderStatus.AWAITING_PAYMENT

    def test_signed_success_not_confirmed_by_the_query_is_refused(self, gateways):
        """A success callback the gateway's status API does not confirm
        (here: never paid at the simulator) changes nothing."""
        placed = place_order(method="senangpay")
        payment = payment_start(order=placed.order, method="senangpay",
                                site_url="http://testserver/").payment
        fields = {"status_id": "1", "order_id": payment.reference,
                  "transaction_id": "123", "msg": "Payment_was_successful"}
        fields["hash"] = response_hash("53-784", *fields.values())
        response = Client().post("/pay/callback/senangpay/", fields)
        assert response.status_code == 400
        assert _status(placed) == OrderStatus.AWAITING_PAYMENT

    def test_signed_failure_marks_the_attempt_failed(self, gateways):
        placed = place_order(method="senangpay")
        payment = payment_start(order=placed.order, method="senangpay",
                                site_url="http://testserver/").payment
        fields = {"status_id": "0", "order_id": payment.reference,
                  "transaction_id": "124", "msg": "Payment_was_failed"}
        fields["hash"] = response_hash("53-784", *fields.values())
        assert Client().post("/pay/callback/senangpay/", fields).content == b"OK"
        assert Payment.objects.get().status == PaymentStatus.FAILED


class TestStripe:
    def _paid_session(self):
        placed = place_order(method="stripe")
        started = payment_start(order=placed.order, method="stripe",
                                site_url="http://testserver/")
        fetch("POST", started.redirect.url, form={"decision": "approve",
                                                  "callback": "none"})
        return placed, stripe_sim.app.payments[started.payment.gateway_reference]

    def _post(self, body, header):
        return Client().post("/pay/callback/stripe/", data=body,
                             content_type="application/json",
                             headers={"Stripe-Signature": header})

    def test_replayed_old_event_is_refused_and_a_fresh_one_works(self, gateways):
        """SEC-03: signed 10 minutes ago → 400-class; the retry works."""
        placed, session = self._paid_session()
        body = stripe_sim.event_body("checkout.session.completed", session)
        old = stripe_sim.signature_header(body, timestamp=int(time.time()) - 600)
        assert self._post(body, old).status_code == 403
        assert _status(placed) == OrderStatus.AWAITING_PAYMENT
        assert "timestamp" in CallbackLog.objects.get().outcome.lower()
        fresh = stripe_sim.signature_header(body)
        assert self._post(body, fresh).status_code == 200
        assert _status(placed) == OrderStatus.PAID

    def test_wrong_secret_and_missing_header_are_refused(self, gateways):
        placed, session = self._paid_session()
        body = stripe_sim.event_body("checkout.session.completed", session)
        forged = stripe_sim.signature_header(body, secret="whsec_other")
        assert self._post(body, forged).status_code == 403
        assert Client().post("/pay/callback/stripe/", data=body,
                             content_type="application/json").status_code == 403
        assert _status(placed) == OrderStatus.AWAITING_PAYMENT

    def test_signed_event_with_another_amount_is_refused(self, gateways):
        placed, session = self._paid_session()
        body = stripe_sim.event_body("checkout.session.completed",
                                     {**session, "amount_total": 100})
        assert self._post(body, stripe_sim.signature_header(body)).status_code == 400
        assert _status(placed) == OrderStatus.AWAITING_PAYMENT

    def test_unhandled_event_types_are_acknowledged(self, gateways):
        body = stripe_sim.event_body("customer.created",
                                     {"id": "cus_1", "object": "customer"})
        response = self._post(body, stripe_sim.signature_header(body))
        assert response.status_code == 200
