"""No Content-Security-Policy violation anywhere on a shopper's journey:
catalogue, cart updates (htmx), checkout, order, desktop and phone."""

import re
from decimal import Decimal

import pytest

from tests.e2e.conftest import MOBILE
from tests.factories import CategoryFactory, flat_shipping, make_product

pytestmark = pytest.mark.e2e

# Each page reports violations it sees into a list the test reads back:
# the console message alone can be missed when a page navigates away.
_LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' '
                    + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""


def _journey(base, page):
    page.goto(f"{base}/")
    search = page.locator('input[name="q"]').first
    if search.count():
        search.fill("kopi")  # the suggestions (htmx) as one types
        page.wait_for_timeout(400)
    page.locator("article.product-card", has_text="Kopi Tenom").get_by_role(
        "button").first.click()
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]{32}/cart/"))
    page.goto(page.url.split("?")[0].replace("/cart/", "/p/baju-kurung/"))
    # The first size in stock is chosen; a link of the picker picks another.
    page.locator(".option-values").get_by_role("link", name=re.compile(r"^M\b")).click()
    page.wait_for_url(re.compile(r"/p/baju-kurung/\?variant=\d+#buy$"))
    page.locator("form.add-to-cart").get_by_role("button", name="Add to cart").click()
    page.wait_for_timeout(300)
    page.goto(page.url.split("/p/")[0] + "/cart/")
    # Updates in place (htmx), one refused (422, swapped with its message).
    for quantity in ("2", "100", "3"):
        page.locator('input[name="quantity"]').first.fill(quantity)
        page.get_by_role("button", name="Update").first.click()
        page.wait_for_timeout(300)
    page.get_by_role("button", name=re.compile("^Remove")).last.click()
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Continue as a guest").click()
    for name, value in [("email", "aminah@example.my"), ("name", "Aminah Yusof"),
                        ("phone", "012-345 6789"), ("line1", "12 Jalan Ampang"),
                        ("city", "Kuala Lumpur"), ("postcode", "50450")]:
        page.locator(f'[name="{name}"]').fill(value)
    page.locator('[name="state"]').select_option("KUL")
    page.get_by_role("button", name="Continue to delivery").click()
    page.wait_for_url(re.compile(r"/delivery/$"))
    page.locator('[name="payment_method"][value="bank_transfer"]').check()
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_url(re.compile(r"/review/$"))
    page.locator('[name="accept_terms"]').check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/order/[A-Za-z0-9_-]{32}/$"))


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_no_csp_violation_on_the_journey(live_server, open_browser, viewport):
    food = CategoryFactory(name="Food", slug="food")
    make_product(name="Kopi Tenom", slug="kopi-tenom", category=food,
                 variants=[{"sku": "KOPI-1", "price": Decimal("18.50"), "stock": 9}])
    make_product(name="Baju Kurung", slug="baju-kurung", category=food,
                 option1_name="Size",
                 variants=[{"sku": "BK-S", "option1": "S", "price": "89.00",
                            "stock": 5},
                           {"sku": "BK-M", "option1": "M", "price": "89.00",
                            "stock": 5}])
    flat_shipping()
    shopper = open_browser()
    page = shopper.page
    if viewport == "phone":
        page.set_viewport_size(MOBILE)
    console = []
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy"
            in m.text else None)
    page.add_init_script(_LISTEN)
    _journey(live_server.url, page)
    seen = page.evaluate("() => window.__csp || []")  # the order page's own
    assert console == [], console
    assert seen == [], seen
    shopper.assert_cookieless()
