"""The gateways' real quirks, end to end in Chromium with cookies blocked
(issue 11): a Fiuu payment whose callback names the currency "RM" ends
paid; a senangPay payment left pending authorisation is never shown as
failed and ends paid after the status re-query."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kedai.orders.models import Order, OrderStatus
from kedai.orders.tokens import order_token
from kedai.payments.callbacks import payments_requery_pending
from kedai.payments.models import CallbackLog, Payment, PaymentStatus
from tests.factories import CategoryFactory, flat_shipping, make_product
from tests.payments.conftest import (
    fetch,
    gateways,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.e2e


def _place_order(live_server, page, method: str) -> str:
    make_product(name="Kuih Lapis", slug="kuih-lapis",
                 category=CategoryFactory(name="Food", slug="food"),
                 variants=[{"sku": "KUIH-1", "price": Decimal("24.00"), "stock": 5}])
    flat_shipping()
    page.goto(f"{live_server.url}/p/kuih-lapis/")
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
    page.locator(f'[name="payment_method"][value="{method}"]').check()
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_label("I accept the terms and conditions of sale").check()
    # Straight on to the gateway's hosted page (the method was chosen once).
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"^(?!.*/checkout/).*$"))
    return f"{live_server.url}/order/{order_token(Order.objects.get().checkout_key)}/"


def test_fiuu_payment_with_an_rm_callback_ends_paid(
        live_server, open_browser, gateways, sandbox_url):  # noqa: F811
    shopper = open_browser()
    page = shopper.page
    order_url = _place_order(live_server, page, "fiuu")
    page.wait_for_url(re.compile(re.escape(sandbox_url) + r"/fiuu/RMS/pay/"))
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/pay/return/fiuu/"))
    expect(page.locator("main")).to_contain_text("Payment received")
    callback = CallbackLog.objects.filter(gateway="fiuu", kind="callback",
                                          payload__nbcb="1").get()
    assert callback.payload["currency"] == "RM" and callback.verified
    page.goto(order_url)
    expect(page.locator("main")).to_contain_text("thank you, we have received")
    assert Order.objects.get().status == OrderStatus.PAID
    assert Payment.objects.get().currency == "MYR"
    shopper.assert_cookieless()


def test_senangpay_pending_payment_ends_paid_after_requery(
        live_server, open_browser, gateways, sandbox_url):  # noqa: F811
    shopper = open_browser()
    page = shopper.page
    order_url = _place_order(live_server, page, "senangpay")
    page.wait_for_url(re.compile(re.escape(sandbox_url) + r"/senangpay/payment/"))
    page.get_by_role("button", name="Pending").click()
    page.wait_for_url(re.compile(r"/pay/return/senangpay/"))
    # Pending authorisation: never "did not go through".
    expect(page.locator("main")).to_contain_text("Payment pending")
    expect(page.locator("main")).not_to_contain_text("not completed")
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PENDING
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT

    # The bank authorises later; senangPay sends no new callback here:
    # only the background status re-query learns of it.
    assert fetch("POST", f"{sandbox_url}/senangpay/_sandbox/settle",
                 form={"order_id": payment.reference, "outcome": "paid"}).status == 200
    assert payments_requery_pending(now=timezone.now() + timedelta(minutes=2)) == 1
    page.goto(order_url)
    expect(page.locator("main")).to_contain_text("thank you, we have received")
    assert Order.objects.get().status == OrderStatus.PAID
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    shopper.assert_cookieless()
