"""Checkout on a phone and a desktop, JavaScript on and off (issue 14):
the header keeps the cart, billing fields hide while "same as delivery"
is ticked, the total stays in view, and screenshots of each page."""

import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, MOBILE
from tests.factories import CategoryFactory, flat_shipping, make_product

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("KEDAI_SHOTS_DIR")
             or Path(tempfile.gettempdir()) / "kedai-shots")


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and (
        box["y"] + box["height"] <= size["height"] + 1)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=False)


@pytest.mark.parametrize(("javascript", "viewport"), [
    (True, "phone"), (False, "phone"), (True, "desktop")])
def test_checkout_journey_layout(live_server, open_browser, javascript, viewport):
    food = CategoryFactory(name="Food", slug="food")
    for n in range(6):
        make_product(name=f"Kopi Tenom {n}", slug=f"kopi-{n}", category=food,
                     variants=[{"sku": f"KOPI-{n}", "price": Decimal("18.50"),
                                "stock": 9}])
    flat_rate = flat_shipping()
    shopper = open_browser(javascript=javascript)
    page = shopper.page
    page.set_viewport_size(MOBILE if viewport == "phone" else DESKTOP)
    name = f"{viewport}-{'js' if javascript else 'nojs'}"
    base = live_server.url
    for n in range(6):
        page.goto(f"{base}/p/kopi-{n}/" if n == 0 else
                  re.sub(r"/(cart|p/[\w-]+)/.*$", f"/p/kopi-{n}/", page.url))
        page.get_by_role("button", name="Add to cart").click()
        if javascript and n:
            page.wait_for_timeout(300)
    page.goto(re.sub(r"/p/[\w-]+/$", "/cart/", page.url).split("?")[0])
    cart_prefix = re.match(r"^(.*/s/[A-Za-z0-9_-]{32})/", page.url)[1]
    bar = page.locator(".total-bar")
    expect(bar).to_contain_text("RM111.00")
    if viewport == "phone":
        assert _in_view(page, bar), "the cart total is off screen"
    _shot(page, f"cart-{name}")

    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Continue as a guest").click()
    page.wait_for_url(re.compile(r"/details/$"))
    assert page.url.startswith(cart_prefix + "/checkout/")
    # Every header link keeps the cart.
    assert page.locator("#header-cart-link").get_attribute("href") == (
        cart_prefix.removeprefix(base) + "/cart/")
    billing = page.locator('[name="billing_line1"]')
    expect(billing).to_be_hidden()
    page.locator('[name="billing_same"]').uncheck()
    expect(billing).to_be_visible()
    page.locator('[name="billing_same"]').check()
    expect(billing).to_be_hidden()
    expect(page.locator('[name="tin"]')).to_be_hidden()  # folded e-invoice
    _shot(page, f"details-{name}")
    for field, value in [("email", "aminah@example.my"), ("name", "Aminah Yusof"),
                         ("phone", "012-345 6789"), ("line1", "12 Jalan Ampang"),
                         ("city", "Kuala Lumpur"), ("postcode", "50450")]:
        page.locator(f'[name="{field}"]').fill(value)
    page.locator('[name="state"]').select_option("KUL")
    page.get_by_role("button", name="Continue to delivery").click()
    page.wait_for_url(re.compile(r"/delivery/$"))
    _shot(page, f"delivery-{name}")
    # The cheapest option is preselected (a carrier's rate card may be
    # cheaper); the totals below are those of the flat rate.
    page.locator(f'[name="shipping_method"][value="{flat_rate}"]').check()
    page.locator('[name="payment_method"][value="bank_transfer"]').check()
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_url(re.compile(r"/review/$"))
    bar = page.locator(".total-bar")
    expect(bar).to_contain_text("RM119.00")
    if viewport == "phone":
        page.evaluate("window.scrollTo(0, 0)")
        assert _in_view(page, bar), "the review total is off screen"
    _shot(page, f"review-{name}")
    page.get_by_label("I accept the terms and conditions of sale").check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/order/[A-Za-z0-9_-]{32}/$"))
    bar = page.locator(".total-bar")
    expect(bar).to_contain_text("RM119.00")
    if viewport == "phone":
        assert _in_view(page, bar), "the order total is off screen"
    _shot(page, f"order-{name}")
    # The old cart link leads somewhere sensible.
    page.goto(cart_prefix + "/cart/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "This cart is now an order")
    shopper.assert_cookieless()
