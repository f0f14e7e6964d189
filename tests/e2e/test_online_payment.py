"""From the front page to a paid order through a gateway's hosted page
(the Billplz simulator), cookies blocked; a decline first, then a retry."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kedai.orders.models import Order, OrderStatus
from kedai.orders.tokens import order_token
from kedai.payments.models import Payment, PaymentStatus
from tests.factories import CategoryFactory, flat_shipping, make_product
from tests.payments.conftest import gateways  # noqa: F401 - a fixture

pytestmark = pytest.mark.e2e


def test_shopper_pays_on_the_hosted_page_and_sees_the_order_paid(
        live_server, open_browser, gateways, sandbox_url):  # noqa: F811
    make_product(name="Dodol Durian", slug="dodol-durian",
                 category=CategoryFactory(name="Food", slug="food"),
                 variants=[{"sku": "DODOL-1", "price": Decimal("24.00"),
                            "stock": 5}])
    flat_shipping()
    shopper = open_browser()
    page = shopper.page

    page.goto(f"{live_server.url}/p/dodol-durian/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]{32}/cart/"))
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Continue as a guest").click()
    for name, value in [("email", "mei@example.my"), ("name", "Tan Mei Ling"),
                        ("phone", "016-222 3344"), ("line1", "3 Jalan Gasing"),
                        ("city", "Petaling Jaya"), ("postcode", "46000")]:
        page.locator(f'[name="{name}"]').fill(value)
    page.locator('[name="state"]').select_option("SGR")
    page.get_by_role("button", name="Continue to delivery").click()
    page.wait_for_url(re.compile(r"/delivery/$"))
    page.locator('[name="payment_method"][value="billplz"]').check()
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_label("I accept the terms and conditions of sale").check()
    # "Place order" goes straight to the hosted page: the method was
    # chosen once, at delivery.
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(re.escape(sandbox_url) + r"/billplz/bills/"))
    expect(page.locator("body")).to_contain_text("32.00")
    order = Order.objects.get()
    assert order.total == Decimal("32.00")
    order_url = f"{live_server.url}/order/{order_token(order.checkout_key)}/"

    # Declined on the hosted page: back to the order, still unpaid.
    page.get_by_role("button", name="Decline").click()
    page.wait_for_url(re.compile(r"/pay/return/billplz/"))
    expect(page.locator("main")).not_to_contain_text("Payment received")
    page.goto(order_url)
    expect(page.locator("main")).to_contain_text("did not go through")
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT

    # Again, approved: the signed callback marks it paid.
    page.get_by_role("button", name=re.compile(r"^Pay RM32\.00 again")).click()
    page.wait_for_url(re.compile(re.escape(sandbox_url) + r"/billplz/bills/"))
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/pay/return/billplz/"))
    expect(page.locator("main")).to_contain_text("Payment received")
    page.goto(order_url)
    expect(page.locator("main")).to_contain_text("thank you, we have received")
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert [p.status for p in Payment.objects.order_by("id")] == [
        PaymentStatus.FAILED, PaymentStatus.CAPTURED]
    shopper.assert_cookieless()
