"""Refunds by line of an online payment go through the gateway's refund
API (the Stripe simulator over HTTP); a refusal there changes nothing."""

from decimal import Decimal

import pytest

from kedai.catalog.models import Variant
from kedai.payments.exceptions import RefundError
from kedai.payments.models import PaymentStatus, Refund
from kedai.payments.refunds import LineReturn, order_refund_lines
from tests.payments.conftest import captured_payment, gateways, set_fault  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_line_refund_of_a_card_payment_goes_through_the_gateway(gateways):  # noqa: F811
    placed, payment = captured_payment("stripe", price="92.00")
    line = placed.order.lines.get()
    stock = Variant.objects.get(pk=line.variant_id).stock
    refund = order_refund_lines(order=placed.order, returns=[LineReturn(line.pk, 1, 1)],
                                reason="Faulty", include_shipping=False,
                                manual=False, actor="aisyah")
    assert not refund.manual and refund.gateway_reference.startswith("re_")
    assert refund.amount == Decimal("92.00")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED  # shipping kept
    assert Variant.objects.get(pk=line.variant_id).stock == stock + 1


def test_a_refund_the_gateway_refuses_changes_nothing(gateways,  # noqa: F811
                                                      sandbox_url):
    placed, payment = captured_payment("stripe")
    line = placed.order.lines.get()
    stock = Variant.objects.get(pk=line.variant_id).stock
    events = placed.order.events.count()
    set_fault(sandbox_url, "stripe", refund="error")
    with pytest.raises(RefundError, match="refused the refund"):
        order_refund_lines(order=placed.order, returns=[LineReturn(line.pk, 1, 1)],
                           reason="Faulty", include_shipping=True, manual=False,
                           actor="aisyah")
    line.refresh_from_db()
    payment.refresh_from_db()
    assert (line.quantity_refunded, line.quantity_restocked) == (0, 0)
    assert payment.refunded_amount == 0 and payment.status == PaymentStatus.CAPTURED
    assert Variant.objects.get(pk=line.variant_id).stock == stock
    assert placed.order.events.count() == events
    assert Refund.objects.get().status == Refund.Status.FAILED
