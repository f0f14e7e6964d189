"""Refunding an order by line (issue 13, defect 6): a line gives back what
it cost, in any number of steps, never a sen more."""

from decimal import Decimal

import pytest

from kedai.catalog.models import TaxClass
from kedai.checkout.placing import checkout_complete
from kedai.core.money import units_share
from kedai.payments.models import Payment
from kedai.payments.refunds import LineReturn, order_refund_lines
from tests.backoffice.orders.conftest import pay
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_ringgit_line(settings):
    """An order whose one line is 3 units costing RM2.00 together:
    3 × RM0.63 = RM1.89 before 6% service tax of RM0.11 (prices entered
    without tax), so RM2.00 does not divide by 3."""
    settings.KEDAI_PRICES_INCLUDE_TAX = False
    tax = TaxClass.objects.create(code="svc6", name="Service tax 6%",
                                  kind="service", rate=Decimal("6"))
    variant = make_product(tax_class=tax,
                           variants=[{"price": "0.63", "stock": 9}]).variants.get()
    order = checkout_complete(cart=cart_with((variant, 3)), details=details(),
                              checkout_key="two-ringgit").order
    line = order.lines.get()
    assert (line.quantity, line.line_total) == (3, Decimal("2.00"))
    return pay(order), line


def test_refunding_a_line_unit_by_unit_gives_back_what_it_cost(two_ringgit_line):
    order, line = two_ringgit_line
    amounts = [order_refund_lines(order=order, returns=[LineReturn(line.pk, 1)],
                                  reason="Returned", include_shipping=False,
                                  manual=True, actor="aisyah").amount
               for _ in range(3)]
    assert amounts == [Decimal("0.66"), Decimal("0.66"), Decimal("0.68")]
    assert Payment.objects.get(order=order).refunded_amount == Decimal("2.00")


def test_refunding_a_line_in_two_steps_gives_back_what_it_cost(two_ringgit_line):
    order, line = two_ringgit_line
    first = order_refund_lines(order=order, returns=[LineReturn(line.pk, 2)],
                               reason="Returned", include_shipping=False,
                               manual=True, actor="aisyah")
    last = order_refund_lines(order=order, returns=[LineReturn(line.pk, 1)],
                              reason="Returned", include_shipping=False,
                              manual=True, actor="aisyah")
    assert (first.amount, last.amount) == (Decimal("1.32"), Decimal("0.68"))


@pytest.mark.parametrize(("total", "quantity"), [
    ("2.00", 3), ("0.05", 10), ("100.00", 7), ("9.99", 1), ("0.01", 2)])
def test_units_share_always_adds_up_to_the_line(total, quantity):
    total = Decimal(total)
    one_by_one = [units_share(total=total, quantity=quantity, start=n, count=1,
                              currency="MYR") for n in range(quantity)]
    assert sum(one_by_one) == total
    assert all(share >= 0 for share in one_by_one)
    assert units_share(total=total, quantity=quantity, start=0, count=quantity,
                       currency="MYR") == total
    with pytest.raises(ValueError):
        units_share(total=total, quantity=quantity, start=quantity, count=1,
                    currency="MYR")
