"""Payment services: methods, order-page context, offline payments,
re-query of pending payments, the background task."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from kedai.core.money import Money
from kedai.orders.models import Order, OrderStatus
from kedai.payments.callbacks import payments_requery_pending
from kedai.payments.exceptions import PaymentError
from kedai.payments.models import Payment, PaymentStatus
from kedai.payments.registry import payment_methods
from kedai.payments.selectors import payment_context
from kedai.payments.services import payment_mark_received, payment_start
from kedai.payments.tasks import requery_pending_payments
from tests.payments.conftest import ALL_METHODS, fetch, place_order

pytestmark = pytest.mark.django_db


def test_payment_methods_follow_settings(settings):
    settings.KEDAI_PAYMENT_METHODS = ["cod", "stripe", "nosuch", "bank_transfer"]
    methods = payment_methods()
    assert [m.code for m in methods] == ["cod", "stripe", "bank_transfer"]
    assert methods[0].cash and not methods[0].online
    assert methods[1].online and not methods[1].cash


def test_all_methods_are_known(settings):
    settings.KEDAI_PAYMENT_METHODS = ALL_METHODS
    assert [m.code for m in payment_methods()] == ALL_METHODS


def test_bank_transfer_order_shows_instructions_and_owner_marks_it_paid(settings):
    settings.KEDAI_PAYMENT_METHODS = ALL_METHODS
    placed = place_order(method="bank_transfer")
    context = payment_context(placed.order, placed.token)
    assert context["payment_state"] == "bank_transfer"
    html = render_to_string("payments/order_payment.html", context)
    assert placed.order.number in html and "Account number" in html
    # The transfer arrives; the owner records it.
    payment = payment_mark_received(order=placed.order, amount=Money("100.00"),
                                    reference="MBB-778899", actor="owner")
    assert payment.status == PaymentStatus.CAPTURED and payment.pays_order
    order = Order.objects.get(pk=placed.order.pk)
    assert order.status == OrderStatus.PAID
    assert payment_context(order, placed.token)["payment_state"] == "paid"
    with pytest.raises(PaymentError):
        payment_mark_received(order=order, amount=Money("100.00"), reference="x",
                              actor="owner")


def test_offline_amount_must_be_the_order_total():
    placed = place_order(method="cod")
    with pytest.raises(PaymentError) as error:
        payment_mark_received(order=placed.order, amount=Decimal("99.99"),
                              reference="cash", actor="owner")
    assert error.value.code == "amount"
    assert Payment.objects.count() == 0


def test_order_page_context_for_online_payments(gateways):
    placed = place_order(method="billplz")
    context = payment_context(placed.order, placed.token)
    assert context["payment_state"] == "unpaid"
    html = render_to_string("payments/order_payment.html", context)
    assert f'action="/pay/{placed.token}/start/"' in html
    # The method chosen at checkout is not asked for again.
    assert '<input type="hidden" name="method" value="billplz">' in html
    assert 'type="radio"' not in html
    payment_start(order=placed.order, method="billplz", site_url="http://testserver/")
    assert payment_context(placed.order, placed.token)["payment_state"] == "pending"
    assert "Payment pending" in render_to_string(
        "payments/order_payment.html", payment_context(placed.order, placed.token))


def test_pending_payments_are_requeried(gateways, sandbox_url):
    """FLT-05: paid at the gateway, callback and return lost: the sweep
    completes the order; a second sweep right away does not query again."""
    placed = place_order(method="billplz")
    started = payment_start(order=placed.order, method="billplz",
                            site_url="http://testserver/")
    fetch("POST", started.redirect.url, form={"decision": "approve",
                                              "callback": "none"})
    assert payments_requery_pending() == 1
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    assert payments_requery_pending() == 0


def test_requery_respects_the_gateway_interval(gateways):
    placed = place_order(method="fiuu")
    payment = payment_start(order=placed.order, method="fiuu",
                            site_url="http://testserver/").payment
    Payment.objects.filter(pk=payment.pk).update(
        last_queried_at=timezone.now() - timedelta(seconds=60))
    assert payments_requery_pending() == 0
    queried = Payment.objects.get().last_queried_at
    assert queried < timezone.now() - timedelta(seconds=59)


def test_unanswered_payment_expires(gateways, settings):
    settings.KEDAI_PAYMENT_PENDING_HOURS = 1
    placed = place_order(method="billplz")
    payment = payment_start(order=placed.order, method="billplz",
                            site_url="http://testserver/").payment
    Payment.objects.filter(pk=payment.pk).update(
        created_at=timezone.now() - timedelta(hours=2))
    assert payments_requery_pending() == 1
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.AWAITING_PAYMENT


def test_gateway_down_during_requery_is_harmless(gateways, sandbox_url):
    from tests.payments.conftest import set_fault

    placed = place_order(method="billplz")
    payment_start(order=placed.order, method="billplz", site_url="http://testserver/")
    set_fault(sandbox_url, "billplz", query="error")
    assert payments_requery_pending() == 0
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_requery_task_runs(gateways):
    placed = place_order(method="billplz")
    started = payment_start(order=placed.order, method="billplz",
                            site_url="http://testserver/")
    fetch("POST", started.redirect.url, form={"decision": "approve",
                                              "callback": "none"})
    result = requery_pending_payments.enqueue()
    assert result.return_value == 1


def test_requery_command(gateways):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("requery_payments", stdout=out)
    assert out.getvalue().strip() == "0 payment(s) changed."
