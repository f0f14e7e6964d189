"""From the front page to a placed order, cookies blocked, offline payment;
the order page then opens from its link in a fresh browser."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kedai.catalog.models import Variant
from kedai.orders.models import Order
from tests.factories import CategoryFactory, flat_shipping, make_product

pytestmark = pytest.mark.e2e


def test_guest_places_an_order_with_bank_transfer(live_server, open_browser):
    make_product(name="Kopi Tenom beans", slug="kopi-tenom",
                 category=CategoryFactory(name="Groceries", slug="groceries"),
                 variants=[{"sku": "KOPI-250", "price": Decimal("18.50"),
                            "stock": 4}])
    base = live_server.url
    flat_rate = flat_shipping()
    shopper = open_browser()
    page = shopper.page

    page.goto(f"{base}/")
    page.locator("article.product-card", has_text="Kopi Tenom beans").get_by_role(
        "button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]{32}/cart/"))
    cart_url = page.url
    page.get_by_role("button", name="Checkout").click()

    page.wait_for_url(re.compile(r"/checkout/[A-Za-z0-9_-]{32}/$"))
    assert page.url.split("/checkout/")[1][:32] not in cart_url  # rotated
    page.get_by_role("button", name="Continue as a guest").click()
    page.wait_for_url(re.compile(r"/checkout/[A-Za-z0-9_-]{32}/details/$"))
    for name, value in [("email", "aminah@example.my"), ("name", "Aminah Yusof"),
                        ("phone", "012-345 6789"), ("line1", "12 Jalan Ampang"),
                        ("city", "Kuala Lumpur"), ("postcode", "50450")]:
        page.locator(f'[name="{name}"]').fill(value)
    page.locator('[name="state"]').select_option("KUL")
    page.get_by_role("button", name="Continue to delivery").click()

    page.wait_for_url(re.compile(r"/delivery/$"))
    # The cheapest option is preselected (a carrier's rate card may be
    # cheaper); this shopper picks the flat rate.
    page.locator(f'[name="shipping_method"][value="{flat_rate}"]').check()
    page.locator('[name="payment_method"][value="bank_transfer"]').check()
    page.get_by_role("button", name="Continue to review").click()

    page.wait_for_url(re.compile(r"/review/$"))
    expect(page.locator("main")).to_contain_text("RM26.50")  # 18.50 + 8.00
    page.get_by_label("I accept the terms and conditions of sale").check()
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r"/order/[A-Za-z0-9_-]{32}/$"))
    order = Order.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    expect(page.locator("main")).to_contain_text("Awaiting payment")
    assert order.total == Decimal("26.50")
    assert Variant.objects.get(sku="KOPI-250").stock == 3
    order_link = page.url
    shopper.assert_cookieless()
    shopper.context.close()

    elsewhere = open_browser()
    response = elsewhere.page.goto(order_link)
    assert response.status == 200
    assert response.header_value("cache-control") == "private, no-store"
    expect(elsewhere.page.locator("main")).to_contain_text(order.number)
    expect(elsewhere.page.locator("main")).to_contain_text("KOPI-250")
    elsewhere.assert_cookieless()
