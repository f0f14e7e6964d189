"""Full payments through the sandbox over real HTTP, with a live shop.

The shop runs on pytest-django's ``live_server``; the simulators run on
the ``sandbox`` server. The test plays the browser with urllib; the
simulators post their signed callbacks to the live shop themselves.
"""

import time

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


def test_billplz_approved_payment_marks_the_order_paid(gateways, live_server,
                                                       sandbox_url):
    """Bill → hosted page → approve → signed callback → order paid once."""
    placed = place_order(method="billplz")
    # When the shopper presses Pay
    started = _start(live_server, placed, "billplz")
    assert started.status == 200
    bill_url = gateway_url(started.text)
    assert bill_url.startswith(f"{sandbox_url}/billplz/bills/")
    assert "Approve" in fetch("GET", bill_url).text
    # and approves on Billplz's page
    back = fetch("POST", bill_url, form={"decision": "approve", "callback": "normal"})
    # then the callback reached the shop before the browser came back
    assert [d["status"] for d in deliveries(sandbox_url, "billplz")] == [200]
    assert back.status == 303 and "/pay/return/billplz/" in back.headers["Location"]
    page = fetch("GET", back.headers["Location"])
    assert page.status == 200 and "Payment received" in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in page.headers
    order = Order.objects.get(pk=placed.order.pk)
    assert order.status == OrderStatus.PAID
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.CAPTURED and payment.pays_order
    assert payment.amount == order.total
    assert OrderEvent.objects.filter(order=order, status_to="paid").count() == 1
    assert CallbackLog.objects.filter(kind="callback", verified=True).count() == 1


def test_billplz_declined_then_retried_payment(gateways, live_server, sandbox_url):
    """A declined bill leaves the order unpaid; paying again works."""
    placed = place_order(method="billplz")
    first = gateway_url(_start(live_server, placed, "billplz").text)
    back = fetch("POST", first, form={"decision": "decline"})
    page = fetch("GET", back.headers["Location"])
    assert "Payment not completed" in page.text
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.get().status == PaymentStatus.FAILED
    # The shopper tries again: a new attempt with a new bill.
    second = gateway_url(_start(live_server, placed, "billplz").text)
    assert second != first
    fetch("POST", second, form={"decision": "approve"})
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    assert sorted(Payment.objects.values_list("status", flat=True)) == [
        "captured", "failed"]


def test_billplz_lost_callback_is_resolved_by_the_return_query(gateways, live_server,
                                                               sandbox_url):
    """FLT-04: no callback; the return page re-queries Get-a-Bill."""
    placed = place_order(method="billplz")
    bill_url = gateway_url(_start(live_server, placed, "billplz").text)
    back = fetch("POST", bill_url, form={"decision": "approve", "callback": "none"})
    assert deliveries(sandbox_url, "billplz") == []
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert "Payment received" in fetch("GET", back.headers["Location"]).text
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    assert CallbackLog.objects.filter(kind="query", verified=True).exists()


def test_billplz_duplicate_and_late_callbacks_are_harmless(gateways, live_server,
                                                           sandbox_url):
    """CON-09/FLT-06: the same callback twice, then late: one capture."""
    placed = place_order(method="billplz")
    bill_url = gateway_url(_start(live_server, placed, "billplz").text)
    fetch("POST", bill_url, form={"decision": "approve", "callback": "duplicate"})
    assert [d["status"] for d in deliveries(sandbox_url, "billplz")] == [200, 200]
    order = Order.objects.get(pk=placed.order.pk)
    assert order.status == OrderStatus.PAID
    assert OrderEvent.objects.filter(order=order, status_to="paid").count() == 1
    outcomes = list(CallbackLog.objects.filter(kind="callback")
                    .order_by("id").values_list("outcome", flat=True))
    assert outcomes[0].startswith("captured") and outcomes[1].startswith("duplicate")


def test_billplz_late_callback_after_the_return(gateways, live_server, sandbox_url):
    """A callback arriving after the shopper came back changes nothing twice."""
    placed = place_order(method="billplz")
    bill_url = gateway_url(_start(live_server, placed, "billplz").text)
    back = fetch("POST", bill_url, form={"decision": "approve", "callback": "late"})
    fetch("GET", back.headers["Location"])  # the return's query captures it
    for _ in range(50):
        if deliveries(sandbox_url, "billplz"):
            break
        time.sleep(0.1)
    assert [d["status"] for d in deliveries(sandbox_url, "billplz")] == [200]
    assert OrderEvent.objects.filter(order=placed.order, status_to="paid").count() == 1


def test_ipay88_approved_payment_is_acknowledged_with_receiveok(gateways, live_server,
                                                                sandbox_url):
    """Entry form → hosted page → backend post (RECEIVEOK) → response page."""
    placed = place_order(method="ipay88")
    started = _start(live_server, placed, "ipay88")
    assert started.status == 200
    assert f"form-action 'self' {sandbox_url}" in started.headers[
        "Content-Security-Policy"]
    action, fields = first_form(started.text)
    assert action == f"{sandbox_url}/ipay88/epayment/entry.asp"
    assert dict(fields)["Amount"] == "100.00"
    hosted = fetch("POST", action, form=fields)
    assert hosted.status == 200, hosted.text
    decide_url, _ = first_form(hosted.text)
    response_page = fetch("POST", decide_url, form={"decision": "approve"})
    sent = deliveries(sandbox_url, "ipay88")
    assert [(d["status"], d["body"]) for d in sent] == [(200, "RECEIVEOK")]
    return_url, response_fields = first_form(response_page.text)
    assert "/pay/return/ipay88/" in return_url
    page = fetch("POST", return_url, form=response_fields)
    assert "Payment received" in page.text
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.CAPTURED and payment.gateway_reference
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID


def test_ipay88_declined_payment_then_another_method(gateways, live_server,
                                                    sandbox_url):
    """No backend post on failure; the return's re-query says "Payment fail";
    the shopper then pays with Billplz instead."""
    placed = place_order(method="ipay88")
    action, fields = first_form(_start(live_server, placed, "ipay88").text)
    decide_url, _ = first_form(fetch("POST", action, form=fields).text)
    response_page = fetch("POST", decide_url, form={"decision": "decline"})
    assert deliveries(sandbox_url, "ipay88") == []
    return_url, response_fields = first_form(response_page.text)
    assert "Payment not completed" in fetch("POST", return_url,
                                            form=response_fields).text
    assert Payment.objects.get().status == PaymentStatus.FAILED
    bill_url = gateway_url(_start(live_server, placed, "billplz").text)
    fetch("POST", bill_url, form={"decision": "approve"})
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
