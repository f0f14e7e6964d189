"""Refunds: full and partial, by API or recorded; never more than captured."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from kedai.core.money import Money
from kedai.orders.models import Order, OrderStatus
from kedai.payments.exceptions import RefundError
from kedai.payments.models import Payment, PaymentStatus, Refund
from kedai.payments.refunds import payment_refund
from kedai.payments.services import payment_mark_received
from tests.payments.conftest import captured_payment, place_order, set_fault


@pytest.mark.django_db
def test_stripe_full_refund_through_the_api_refunds_the_order(gateways):
    placed, payment = captured_payment("stripe")
    refund = payment_refund(payment=payment, amount=Money("100.00"),
                            reason="Customer returned it", actor="owner")
    assert refund.status == Refund.Status.SUCCEEDED and not refund.manual
    assert refund.gateway_reference.startswith("re_")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("100.00")
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.REFUNDED


@pytest.mark.django_db
def test_partial_refunds_add_up_to_at_most_the_capture(gateways):
    placed, payment = captured_payment("stripe")
    payment_refund(payment=payment, amount=Money("30.00"), reason="", actor="owner")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    payment_refund(payment=payment, amount=Money("50.00"), reason="", actor="owner")
    with pytest.raises(RefundError) as error:
        payment_refund(payment=payment, amount=Money("20.01"), reason="",
                       actor="owner")
    assert error.value.code == "too_much"
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("80.00")
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    payment_refund(payment=payment, amount=Money("20.00"), reason="", actor="owner")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    with pytest.raises(RefundError):
        payment_refund(payment=payment, amount=Money("0.01"), reason="",
                       actor="owner")


@pytest.mark.django_db
def test_gateway_without_refund_api_waits_to_be_refunded_by_hand(gateways):
    """Billplz has no refund API: no money moved, so the refund waits
    "to refund by hand" (amount held) until the owner confirms it."""
    from kedai.payments.refunds import refund_confirm_by_hand

    placed, payment = captured_payment("billplz")
    refund = payment_refund(payment=payment, amount=Money("10.00"),
                            reason="Late delivery", actor="owner")
    assert refund.manual and refund.status == Refund.Status.TO_REFUND_BY_HAND
    assert "Billplz's dashboard" in refund.message
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.refunded_amount == Decimal("10.00")
    done = refund_confirm_by_hand(refund=refund, actor="aisyah")
    assert done.status == Refund.Status.SUCCEEDED and done.confirmed_by == "aisyah"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    with pytest.raises(RefundError):
        refund_confirm_by_hand(refund=done, actor="aisyah")


@pytest.mark.django_db
def test_offline_payment_refund_is_manual():
    placed = place_order(method="bank_transfer")
    payment = payment_mark_received(order=placed.order, amount=Money("100.00"),
                                    reference="MBB-1", actor="owner")
    refund = payment_refund(payment=payment, amount=Money("100.00"), reason="",
                            actor="owner")
    assert refund.manual
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.REFUNDED


@pytest.mark.django_db
def test_refused_refund_at_the_gateway_gives_the_amount_back(gateways, sandbox_url):
    placed, payment = captured_payment("stripe")
    set_fault(sandbox_url, "stripe", refund="error")
    with pytest.raises(RefundError):
        payment_refund(payment=payment, amount=Money("40.00"), reason="",
                       actor="owner")
    payment.refresh_from_db()
    assert payment.refunded_amount == 0 and payment.status == PaymentStatus.CAPTURED
    assert Refund.objects.get().status == Refund.Status.FAILED
    payment_refund(payment=payment, amount=Money("100.00"), reason="", actor="owner")


@pytest.mark.django_db
def test_bad_refund_amounts_are_refused(gateways):
    placed, payment = captured_payment("billplz")
    for amount in (Money("0.00"), Money("-5.00"), Money("10.00", "SGD")):
        with pytest.raises(RefundError):
            payment_refund(payment=payment, amount=amount, reason="", actor="owner")
    assert Refund.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_exceed_the_capture(gateways):
    """Two owners refund RM60 of RM100 at the same moment: one wins."""
    placed, payment = captured_payment("billplz")
    barrier = threading.Barrier(2)
    outcomes = []

    def refund():
        try:
            barrier.wait()
            payment_refund(payment=Payment.objects.get(pk=payment.pk),
                           amount=Money("60.00"), reason="", actor="owner")
            outcomes.append("ok")
        except RefundError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=refund) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Payment.objects.get(pk=payment.pk).refunded_amount == Decimal("60.00")


@pytest.mark.django_db
def test_database_refuses_refunded_above_amount(gateways):
    from django.db import IntegrityError, transaction

    placed, payment = captured_payment("billplz")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=Decimal("100.01"))
