"""A returning customer signs in at checkout (cookies blocked), ships to a
saved address, then finds the order on their account pages."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kedai.customers import services as customers
from kedai.customers.addressing import address_clean
from kedai.orders.models import Order
from tests.factories import CategoryFactory, flat_shipping, make_product

pytestmark = pytest.mark.e2e
PASSWORD = "kopi tenom 2026"


def test_returning_customer_checks_out_and_sees_the_order(live_server,
                                                          open_browser):
    make_product(name="Kuih Bangkit", slug="kuih-bangkit",
                 category=CategoryFactory(name="Food", slug="food"),
                 variants=[{"sku": "KUIH-1", "price": Decimal("15.90"),
                            "stock": 5}])
    siti = customers.customer_get_or_create(email="siti@example.my",
                                            name="Siti Aminah",
                                            phone="+60123456789")
    customers.customer_set_password(customer=siti, password=PASSWORD)
    customers.customer_remember_address(customer=siti, address=address_clean(
        name="Siti Aminah", line1="8 Lorong Durian", city="Kota Kinabalu",
        postcode="88000", state_code="SBH", phone="+60198765432"))
    flat_shipping()
    shopper = open_browser()
    page = shopper.page

    page.goto(f"{live_server.url}/p/kuih-bangkit/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]{32}/cart/"))
    page.get_by_role("button", name="Checkout").click()
    page.wait_for_url(re.compile(r"/checkout/[A-Za-z0-9_-]{32}/$"))
    before = page.url

    page.get_by_label("Customer ID or email").fill("C-000001")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/details/$"))
    assert page.url.split("/checkout/")[1][:32] != before.split("/checkout/")[1][:32]
    expect(page.locator("main")).to_contain_text("Signed in as Siti Aminah")
    expect(page.get_by_label(re.compile("8 Lorong Durian"))).to_be_checked()
    page.get_by_role("button", name="Continue to delivery").click()

    page.wait_for_url(re.compile(r"/delivery/$"))
    page.locator('[name="payment_method"][value="bank_transfer"]').check()
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_url(re.compile(r"/review/$"))
    expect(page.locator("main")).to_contain_text("8 Lorong Durian")
    page.get_by_label("I accept the terms and conditions of sale").check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/order/[A-Za-z0-9_-]{32}/$"))
    order = Order.objects.get()
    assert order.customer == siti
    shopper.assert_cookieless()
    shopper.context.close()

    later = open_browser()
    later.page.goto(f"{live_server.url}/account/")
    later.page.get_by_label("Customer ID or email").fill("siti@example.my")
    later.page.get_by_label("Password").fill(PASSWORD)
    later.page.get_by_role("button", name="Sign in", exact=True).click()
    later.page.wait_for_url(re.compile(r"/account/[A-Za-z0-9_-]{32}/$"))
    later.page.get_by_role("link", name=order.number).click()
    later.page.wait_for_url(re.compile(r"/order/[A-Za-z0-9_-]{32}/$"))
    expect(later.page.locator("main")).to_contain_text("KUIH-1")
    later.assert_cookieless()
