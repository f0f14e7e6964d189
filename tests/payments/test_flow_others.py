"""Fiuu, senangPay and Stripe payments through the sandbox over real HTTP,
with the shop on ``live_server`` receiving the simulators' callbacks."""

import json

import pytest

from kedai.orders.models import Order, OrderEvent, OrderStatus
from kedai.payments.models import CallbackLog, Payment, PaymentStatus
from tests.payments.conftest import (
    deliveries,
    fetch,
    first_form,
    gateway_url,
    place_order,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _start(live_server, placed, method):
    return fetch("POST", f"{live_server.url}/pay/{placed.token}/start/",
                 form={"method": method})


def _hosted_post(started, contains):
    """Follow the shop's auto-posting form to the gateway's page."""
    action, fields = first_form(started.text, contains)
    hosted = fetch("POST", action, form=fields)
    assert hosted.status == 200, hosted.text
    return first_form(hosted.text)[0]


def test_fiuu_payment_with_callback_acknowledged(gateways, live_server, sandbox_url):
    placed = place_order(method="fiuu")
    started = _start(live_server, placed, "fiuu")
    decide_url = _hosted_post(started, "/RMS/pay/ACME/")
    back = fetch("POST", decide_url, form={"decision": "approve"})
    # The callback (nbcb=1), then the notification (nbcb=2), echoed back
    # with treq=1 so Fiuu sends it once only.
    assert [(d["status"], d["body"]) for d in deliveries(sandbox_url, "fiuu")] == [
        (200, "CBTOKEN:MPSTATOK"), (200, "OK")]
    return_url, fields = first_form(back.text)
    assert "Payment received" in fetch("POST", return_url, form=fields).text
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.CAPTURED and payment.gateway_reference
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID


def test_fiuu_decline_then_retry(gateways, live_server, sandbox_url):
    placed = place_order(method="fiuu")
    decide_url = _hosted_post(_start(live_server, placed, "fiuu"), "/RMS/pay/")
    back = fetch("POST", decide_url, form={"decision": "decline"})
    return_url, fields = first_form(back.text)
    assert "Payment not completed" in fetch("POST", return_url, form=fields).text
    decide_url = _hosted_post(_start(live_server, placed, "fiuu"), "/RMS/pay/")
    fetch("POST", decide_url, form={"decision": "approve"})
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    assert sorted(Payment.objects.values_list("status", flat=True)) == [
        "captured", "failed"]


def test_senangpay_payment_confirmed_by_query(gateways, live_server, sandbox_url):
    """The callback has no amount: the adapter confirms it by a query."""
    placed = place_order(method="senangpay")
    decide_url = _hosted_post(_start(live_server, placed, "senangpay"),
                              "/senangpay/payment/534")
    back = fetch("POST", decide_url, form={"decision": "approve"})
    assert [(d["status"], d["body"]) for d in deliveries(sandbox_url, "senangpay")] == [
        (200, "OK")]
    assert back.status == 303
    assert "/pay/return/senangpay/?" in back.headers["Location"]
    assert "Payment received" in fetch("GET", back.headers["Location"]).text
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID


def test_senangpay_lost_callback_then_return(gateways, live_server, sandbox_url):
    placed = place_order(method="senangpay")
    decide_url = _hosted_post(_start(live_server, placed, "senangpay"), "/payment/")
    back = fetch("POST", decide_url, form={"decision": "approve", "callback": "none"})
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert "Payment received" in fetch("GET", back.headers["Location"]).text
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID


def test_stripe_checkout_with_signed_webhook(gateways, live_server, sandbox_url):
    placed = place_order(method="stripe")
    started = _start(live_server, placed, "stripe")
    assert started.status == 200
    session_url = gateway_url(started.text)
    assert session_url.startswith(f"{sandbox_url}/stripe/pay/cs_test_")
    back = fetch("POST", session_url, form={"decision": "approve"})
    sent = deliveries(sandbox_url, "stripe")
    assert [d["status"] for d in sent] == [200]
    assert json.loads(sent[0]["body"]) == {"received": True}
    assert "Payment received" in fetch("GET", back.headers["Location"]).text
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.transaction_id.startswith("pi_")
    assert OrderEvent.objects.filter(order=placed.order, status_to="paid").count() == 1


def test_stripe_async_failure_then_retry(gateways, live_server, sandbox_url):
    placed = place_order(method="stripe")
    first = gateway_url(_start(live_server, placed, "stripe").text)
    fetch("POST", first, form={"decision": "decline"})
    assert Payment.objects.get().status == PaymentStatus.FAILED
    second = gateway_url(_start(live_server, placed, "stripe").text)
    assert second != first
    fetch("POST", second, form={"decision": "approve", "callback": "duplicate"})
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    assert CallbackLog.objects.filter(outcome__startswith="duplicate").count() == 1
