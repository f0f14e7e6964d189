"""Bad input and attacks on callbacks and returns (issue 5): forged,
replayed, tampered and malformed callbacks are rejected with a log entry,
the order unchanged, never a 500."""

import threading
import urllib.parse

import pytest
from django.db import close_old_connections
from django.test import Client

from kedai.orders.models import Order, OrderEvent, OrderStatus
from kedai.payments.gateways.billplz import x_signature
from kedai.payments.gateways.ipay88 import response_signature
from kedai.payments.models import CallbackLog, Payment, PaymentFlag, PaymentStatus
from kedai.sandbox import billplz as billplz_sim
from tests.payments.conftest import (
    fetch,
    gateway_url,
    place_order,
    set_fault,
    set_option,
)

KEY = billplz_sim.X_SIGNATURE_KEY


def start_bill(client, placed):
    """Start a Billplz payment; return the simulator's bill."""
    response = client.post(f"/pay/{placed.token}/start/", {"method": "billplz"})
    assert response.status_code == 200, response.content
    url = gateway_url(response.content.decode())
    bill_id = url.rstrip("/").rsplit("/", 1)[1]
    return billplz_sim.app.payments[bill_id], url


def approve(bill_url, callback="none"):
    fetch("POST", bill_url, form={"decision": "approve", "callback": callback})


def signed(fields):
    fields = {k: v for k, v in fields.items() if k != "x_signature"}
    return {**fields, "x_signature": x_signature(fields, KEY)}


def path_of(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def order_state(placed):
    order = Order.objects.get(pk=placed.order.pk)
    return order.status, OrderEvent.objects.filter(order=order).count()


@pytest.fixture
def client():
    return Client()


@pytest.mark.django_db
class TestBillplzCallbackAttacks:
    def test_forged_signature_is_refused(self, gateways, client):
        """SEC-01: a wrong x_signature changes nothing and is logged."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        fields = billplz_sim.callback_fields(bill)
        fields["x_signature"] = "0" * 64
        before = order_state(placed)
        response = client.post("/pay/callback/billplz/", fields)
        assert response.status_code == 403
        assert order_state(placed) == before
        log = CallbackLog.objects.get(kind="callback")
        assert not log.verified and "x_signature" in log.outcome
        assert log.payload["id"] == bill["id"]

    def test_missing_signature_is_refused(self, gateways, client):
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        fields = billplz_sim.callback_fields(bill)
        del fields["x_signature"]
        assert client.post("/pay/callback/billplz/", fields).status_code == 403
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT

    def test_field_changed_after_signing_is_refused(self, gateways, client):
        """The right signature with one field changed no longer matches."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        fields = billplz_sim.callback_fields(bill)
        fields["paid_amount"] = "100"
        assert client.post("/pay/callback/billplz/", fields).status_code == 403

    def test_signed_with_a_lower_amount_is_not_paid(self, gateways, client):
        """SEC-02: correctly signed, RM1.00 instead of RM100.00: flagged."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        fields = signed({**billplz_sim.callback_fields(bill), "amount": "100",
                         "paid_amount": "100"})
        response = client.post("/pay/callback/billplz/", fields)
        assert response.status_code == 400
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT
        payment = Payment.objects.get()
        assert payment.status == PaymentStatus.PENDING
        assert payment.flag == PaymentFlag.AMOUNT_MISMATCH
        assert "amount" in CallbackLog.objects.get(kind="callback").outcome

    def test_unknown_bill_is_refused_and_creates_nothing(self, gateways, client):
        """A signed callback for a bill Kedai never made: 404, logged."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        fields = signed({**billplz_sim.callback_fields(bill), "id": "nosuchbill",
                         "paid": "true", "paid_amount": str(bill["amount"])})
        assert client.post("/pay/callback/billplz/", fields).status_code == 404
        assert Payment.objects.count() == 1
        assert CallbackLog.objects.get(kind="callback").outcome == (
            "rejected: unknown payment")

    def test_bill_of_another_collection_is_refused(self, gateways, client):
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        fields = signed({**billplz_sim.callback_fields(bill),
                         "collection_id": "other"})
        assert client.post("/pay/callback/billplz/", fields).status_code == 400
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT

    def test_replay_after_capture_is_acknowledged_and_changes_nothing(
            self, gateways, client):
        """SEC-03/FLT-06: the same signed callback again is a no-op."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        fields = billplz_sim.callback_fields(bill)
        assert client.post("/pay/callback/billplz/", fields).status_code == 200
        after_first = order_state(placed)
        for _ in range(3):
            assert client.post("/pay/callback/billplz/", fields).status_code == 200
        assert order_state(placed) == after_first
        assert after_first[0] == OrderStatus.PAID
        assert CallbackLog.objects.filter(outcome__startswith="duplicate").count() == 3

    def test_failure_after_success_is_ignored(self, gateways, client):
        """FLT-07: a stale "failed" never undoes a capture."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        paid = billplz_sim.callback_fields(bill)
        failed = signed({**paid, "paid": "false", "state": "due",
                         "transaction_status": "failed", "paid_amount": "0"})
        assert client.post("/pay/callback/billplz/", paid).status_code == 200
        assert client.post("/pay/callback/billplz/", failed).status_code == 200
        assert Payment.objects.get().status == PaymentStatus.CAPTURED
        assert order_state(placed)[0] == OrderStatus.PAID
        assert CallbackLog.objects.filter(outcome__startswith="ignored").count() == 1

    def test_second_real_payment_for_a_paid_order_is_flagged(self, gateways, client):
        """FLT-08: order unchanged, duplicate payment flagged for a refund."""
        placed = place_order()
        bill1, url1 = start_bill(client, placed)
        bill2, url2 = start_bill(client, placed)
        approve(url1)
        approve(url2)
        assert client.post("/pay/callback/billplz/",
                           billplz_sim.callback_fields(bill1)).status_code == 200
        paid_state = order_state(placed)
        assert client.post("/pay/callback/billplz/",
                           billplz_sim.callback_fields(bill2)).status_code == 200
        # Still paid once; the tracking history gains a warning note.
        assert order_state(placed) == (paid_state[0], paid_state[1] + 1)
        assert "refund it" in OrderEvent.objects.filter(
            order=placed.order).last().note
        second = Payment.objects.get(gateway_reference=bill2["id"])
        assert second.status == PaymentStatus.CAPTURED
        assert second.flag == PaymentFlag.DUPLICATE and not second.pays_order
        assert Payment.objects.filter(pays_order=True).count() == 1

    def test_callback_for_a_cancelled_order_is_flagged(self, gateways, client):
        from kedai.orders.services import order_change_status

        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        order_change_status(order=placed.order, to=OrderStatus.CANCELLED,
                            actor="system")
        assert client.post("/pay/callback/billplz/",
                           billplz_sim.callback_fields(bill)).status_code == 200
        assert order_state(placed)[0] == OrderStatus.CANCELLED
        assert Payment.objects.get().flag == PaymentFlag.ORDER_CLOSED

    def test_malformed_callbacks_get_4xx_not_500(self, gateways, client):
        """BAD-09: GET, JSON, missing fields, non-numeric amount."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        assert client.get("/pay/callback/billplz/").status_code == 405
        assert client.post("/pay/callback/billplz/", data="{}",
                           content_type="application/json").status_code == 403
        assert client.post("/pay/callback/billplz/",
                           signed({"id": bill["id"]})).status_code == 400
        bad = signed({**billplz_sim.callback_fields(bill), "paid": "true",
                      "paid_amount": "10O00"})
        assert client.post("/pay/callback/billplz/", bad).status_code == 400
        assert client.post("/pay/callback/nosuchgateway/", {}).status_code == 404
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT


@pytest.mark.django_db
class TestReturnAttacks:
    def test_forged_return_claiming_success_does_not_pay(self, gateways, client):
        """SEC-05: unsigned billplz[paid]=true; the query says unpaid."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        forged = bill["redirect_url"] + "?" + urllib.parse.urlencode({
            "billplz[id]": bill["id"], "billplz[paid]": "true",
            "billplz[paid_at]": "2026-01-01 10:00:00 +0800",
            "billplz[x_signature]": "f" * 64, "paid": "true", "status": "1"})
        response = client.get(path_of(forged))
        assert response.status_code == 200
        assert b"Payment pending" in response.content
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT
        log = CallbackLog.objects.get(kind="return")
        assert not log.verified
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"

    def test_signed_return_alone_does_not_pay_either(self, gateways, client):
        """Even a correctly signed "paid" return only triggers a query."""
        placed = place_order()
        bill, url = start_bill(client, placed)
        back = {"billplz[id]": bill["id"], "billplz[paid]": "true",
                "billplz[paid_at]": "2026-01-01 10:00:00 +0800"}
        back["billplz[x_signature]"] = x_signature(back, KEY)
        response = client.get(path_of(bill["redirect_url"]), back)
        assert b"Payment pending" in response.content
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT

    def test_tampered_return_token_is_not_found(self, gateways, client):
        placed = place_order()
        bill, url = start_bill(client, placed)
        path = path_of(bill["redirect_url"])
        tampered = path[:-6] + ("A" if path[-6] != "A" else "B") + path[-5:]
        assert client.get(tampered).status_code == 404
        assert client.get("/pay/return/ipay88/" + path[-33:]).status_code == 404

    def test_signed_return_for_unknown_payment_is_refused(self, gateways, client):
        response = client.get("/pay/return/senangpay/", {
            "status_id": "1", "order_id": "KD-X", "transaction_id": "1",
            "msg": "ok", "hash": "0" * 64})
        assert response.status_code == 400
        assert CallbackLog.objects.get(kind="return").verified is False


@pytest.mark.django_db
class TestIPay88Attacks:
    def _start(self, client, placed):
        response = client.post(f"/pay/{placed.token}/start/", {"method": "ipay88"})
        assert response.status_code == 200
        return Payment.objects.get(order=placed.order, status="pending")

    def _response(self, payment, **changes):
        fields = {"MerchantCode": "M00003", "PaymentId": "2",
                  "RefNo": payment.reference, "Amount": f"{payment.amount:,.2f}",
                  "Currency": "MYR", "Remark": "", "TransId": "T123456789",
                  "AuthCode": "A1", "Status": "1", "ErrDesc": "", **changes}
        fields["Signature"] = response_signature(
            "apple", fields["MerchantCode"], fields["PaymentId"], fields["RefNo"],
            fields["Amount"], fields["Currency"], fields["Status"])
        return fields

    def test_backend_post_is_acknowledged_with_receiveok(self, gateways, client):
        placed = place_order(method="ipay88")
        payment = self._start(client, placed)
        response = client.post("/pay/callback/ipay88/", self._response(payment))
        assert response.status_code == 200 and response.content == b"RECEIVEOK"
        assert order_state(placed)[0] == OrderStatus.PAID

    def test_signed_other_currency_is_refused(self, gateways, client):
        """SEC-02: SGD 100.00 signed correctly is not MYR 100.00."""
        placed = place_order(method="ipay88")
        payment = self._start(client, placed)
        response = client.post("/pay/callback/ipay88/",
                               self._response(payment, Currency="SGD"))
        assert response.status_code == 400 and response.content != b"RECEIVEOK"
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT
        assert Payment.objects.get().flag == PaymentFlag.AMOUNT_MISMATCH

    def test_signed_other_amount_is_refused(self, gateways, client):
        placed = place_order(method="ipay88")
        payment = self._start(client, placed)
        response = client.post("/pay/callback/ipay88/",
                               self._response(payment, Amount="100.01"))
        assert response.status_code == 400
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT

    def test_reference_of_another_order_is_unknown(self, gateways, client):
        placed = place_order(method="ipay88")
        payment = self._start(client, placed)
        response = client.post("/pay/callback/ipay88/",
                               self._response(payment, RefNo="KD-9999-000001-P1"))
        assert response.status_code == 404
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT

    def test_signature_with_the_wrong_key_is_refused(self, gateways, client):
        """SEC-01: signed with another key (e.g. sandbox key in production)."""
        placed = place_order(method="ipay88")
        payment = self._start(client, placed)
        fields = self._response(payment)
        fields["Signature"] = response_signature(
            "banana", "M00003", "2", payment.reference, fields["Amount"], "MYR", "1")
        assert client.post("/pay/callback/ipay88/", fields).status_code == 403


@pytest.mark.django_db
class TestGatewayFaults:
    def test_timeout_on_create_keeps_the_order_awaiting_and_retry_works(
            self, gateways, client, settings, sandbox_url):
        """FLT-01/02: the bill creation times out; the retry reuses the
        attempt (same reference) and succeeds."""
        set_option(settings, "billplz", TIMEOUT=0.5)
        set_fault(sandbox_url, "billplz", create="timeout", delay="1.5")
        placed = place_order()
        response = client.post(f"/pay/{placed.token}/start/", {"method": "billplz"})
        assert response.status_code == 503
        assert b"did not answer" in response.content
        assert order_state(placed)[0] == OrderStatus.AWAITING_PAYMENT
        first = Payment.objects.get()
        assert first.status == PaymentStatus.PENDING and first.redirect == {}
        # The shopper presses Pay again.
        response = client.post(f"/pay/{placed.token}/start/", {"method": "billplz"})
        assert response.status_code == 200 and b'id="gateway-form"' in response.content
        again = Payment.objects.get()
        assert again.pk == first.pk and again.reference == first.reference
        assert again.gateway_reference

    def test_gateway_error_on_create_shows_a_retry_page(self, gateways, client,
                                                        sandbox_url):
        set_fault(sandbox_url, "billplz", create="error")
        placed = place_order()
        response = client.post(f"/pay/{placed.token}/start/", {"method": "billplz"})
        assert response.status_code == 503
        assert b'name="method"' in response.content  # the retry button
        retried = client.post(f"/pay/{placed.token}/start/", {"method": "billplz"})
        assert retried.status_code == 200 and b'id="gateway-form"' in retried.content

    def test_paying_a_paid_order_is_refused(self, gateways, client):
        placed = place_order()
        bill, url = start_bill(client, placed)
        approve(url)
        client.post("/pay/callback/billplz/", billplz_sim.callback_fields(bill))
        response = client.post(f"/pay/{placed.token}/start/", {"method": "billplz"})
        assert response.status_code == 409
        assert Payment.objects.count() == 1

    def test_unknown_method_and_unknown_order(self, gateways, client):
        placed = place_order()
        assert client.post(f"/pay/{placed.token}/start/",
                           {"method": "paypal"}).status_code == 409
        assert client.post("/pay/" + "A" * 32 + "/start/",
                           {"method": "billplz"}).status_code == 404
        assert client.get(f"/pay/{placed.token}/start/").status_code == 405

    def test_cross_site_start_is_refused(self, gateways, client):
        """The start form is a storefront POST: same origin only."""
        placed = place_order()
        response = client.post(f"/pay/{placed.token}/start/", {"method": "billplz"},
                               headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status_code == 403
        assert Payment.objects.count() == 0


def _race_callback_and_return(placed):
    bill, url = start_bill(Client(), placed)
    approve(url)  # paid at Billplz; the shop has not heard yet
    fields = billplz_sim.callback_fields(bill)
    return_path = path_of(bill["redirect_url"])
    barrier = threading.Barrier(3)
    statuses = []

    def callback():
        try:
            barrier.wait()
            statuses.append(Client().post("/pay/callback/billplz/",
                                          fields).status_code)
        finally:
            close_old_connections()

    def browser():
        try:
            barrier.wait()
            statuses.append(Client().get(return_path).status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=callback), threading.Thread(target=browser),
               threading.Thread(target=callback)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_callback_and_return_at_the_same_moment_capture_once(gateways):
    """CON-08: the signed callback (twice) and the browser return race (real
    threads, file database); exactly one capture and one paid event."""
    for _ in range(3):
        placed = place_order()
        assert _race_callback_and_return(placed) == [200, 200, 200]
        order = Order.objects.get(pk=placed.order.pk)
        assert order.status == OrderStatus.PAID
        assert OrderEvent.objects.filter(order=order, status_to="paid").count() == 1
        payment = Payment.objects.get(order=order)
        assert payment.status == PaymentStatus.CAPTURED and payment.pays_order
        outcomes = CallbackLog.objects.filter(payment=payment).exclude(
            kind="return").values_list("outcome", flat=True)
        # A callback confirmed by a status query logs the capture twice
        # (the query's row and the callback's "confirmed" row).
        assert sum(o.startswith("captured") and "confirmed by the status query"
                   not in o for o in outcomes) == 1


@pytest.mark.django_db
def test_nul_bytes_in_a_callback_are_logged_not_a_500(gateways, client):
    """PostgreSQL cannot store NUL: the log strips it; the answer is 4xx."""
    response = client.post("/pay/callback/billplz/",
                           {"id": "a\x00b", "x_signature": "\x00"})
    assert response.status_code == 403
    assert CallbackLog.objects.get().payload["id"] == "ab"


def test_system_check_reports_unknown_methods(settings):
    from kedai.payments.checks import check_payment_settings

    settings.KEDAI_PAYMENT_METHODS = ["bank_transfer", "paypal"]
    assert [m.id for m in check_payment_settings()] == ["payments.E002"]
    settings.KEDAI_PAYMENT_METHODS = ["billplz"]
    settings.KEDAI_SANDBOX_URL = ""
    # Offered on the gateway's own sandbox, with the simulator's published
    # secrets: a warning, and the demo-secret error (13.17).
    assert [m.id for m in check_payment_settings()] == ["payments.W001",
                                                        "payments.E004"]
