"""The shopper's journey in a real browser that blocks every cookie.

The cart lives at its token URL (ARCHITECTURE.md §3): these tests check the
whole flow works with cookies refused, that Kedai never even tries to set
one, and that storefront POSTs from another site are refused.
"""

import re
from decimal import Decimal

import pytest
from django.core.signals import request_started
from playwright.sync_api import expect

from kedai.cart import services as cart_services
from kedai.cart.models import CartLine
from kedai.core.money import format_money
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.e2e

TOKEN = r"[A-Za-z0-9_-]{32}"

# A form-encoded POST is a "simple" request: no CORS preflight, so it reaches
# the server from any origin; only the server can refuse it.
POST_QUANTITY_JS = """async ([url, quantity]) => {
  const body = new URLSearchParams({quantity: quantity, action: "update"});
  try { await fetch(url, {method: "POST", mode: "no-cors", body: body}); }
  catch (error) { /* the status is read from the browser's network log */ }
}"""


def money(amount: str) -> str:
    return format_money(Decimal(amount), "MYR")


def catalogue():
    """A coffee with one variant and a shirt in sizes M and L."""
    groceries = CategoryFactory(name="Groceries", slug="groceries")
    clothing = CategoryFactory(name="Clothing", slug="clothing")
    kopi = make_product(
        name="Kopi Tenom beans", slug="kopi-tenom", category=groceries,
        description="Sabah robusta, medium roast.",
        variants=[{"sku": "KOPI-250", "price": Decimal("18.50")}],
    )
    shirt = make_product(
        name="Batik shirt", slug="batik-shirt", category=clothing,
        option1_name="Size",
        variants=[
            {"sku": "BATIK-M", "option1": "M", "price": Decimal("89.00")},
            {"sku": "BATIK-L", "option1": "L", "price": Decimal("95.00")},
        ],
    )
    return kopi, shirt


@pytest.fixture
def posts_received():
    """The forgery headers of each POST as Django's handler received them.

    Read on the server because the browser's network log may omit the
    headers it adds itself (Sec-Fetch-*, Origin) on refused requests.
    """
    received = []

    def record(sender, environ, **kwargs):
        if environ["REQUEST_METHOD"] == "POST":
            received.append((environ.get("HTTP_ORIGIN"),
                             environ.get("HTTP_SEC_FETCH_SITE")))

    request_started.connect(record)
    yield received
    request_started.disconnect(record)


def cart_row(page, product_name):
    return page.locator("#cart-table tbody tr", has_text=product_name)


def test_journey_with_cookies_blocked(live_server, open_browser, screenshot):
    """Search, add a simple product, continue shopping, choose a size and add
    it; the cart link then opens the same cart in a fresh browser. No response
    sets a cookie, and every page after the first add carries the token."""
    catalogue()
    base = live_server.url
    shopper = open_browser()
    page = shopper.page

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Featured products")).to_be_visible()
    screenshot(page, "front")

    header = page.locator("header.site-header")
    header.get_by_role("searchbox").fill("kopi")
    header.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=kopi$"))
    card = page.locator("article.product-card", has_text="Kopi Tenom beans")
    expect(card, "search for 'kopi' should list the coffee").to_have_count(1)
    card.get_by_role("button", name="Add to cart").click()

    page.wait_for_url(re.compile(rf"^{re.escape(base)}/s/{TOKEN}/cart/\?added=\d+"))
    token = re.match(rf"^{re.escape(base)}/s/({TOKEN})/", page.url)[1]
    expect(cart_row(page, "Kopi Tenom beans")).to_have_class("highlight")

    page.get_by_role("link", name="Continue shopping").click()
    page.wait_for_url(re.compile(rf"/s/{token}/search/"))
    page.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Clothing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clothing")
    # Two sizes: the card offers "Choose options", leading to the product
    # page, where the first size in stock is chosen and a link picks another.
    page.locator("article.product-card", has_text="Batik shirt").get_by_role(
        "link", name="Choose options").click()
    page.wait_for_url(re.compile(r"/p/batik-shirt/$"))
    screenshot(page, "product")
    page.locator(".option-values").get_by_role("link", name=re.compile(r"^L\b")).click()
    page.wait_for_url(re.compile(r"/p/batik-shirt/\?variant=\d+#buy$"))
    expect(page.locator(".option-name")).to_contain_text("L")
    page.locator("#quantity").fill("2")
    page.locator("form.add-to-cart").get_by_role("button", name="Add to cart").click()

    # Under a cart token htmx adds in place: a message and the header's
    # badge change, the page stays (issue 12).
    added = page.locator("form.add-to-cart .add-status")
    expect(added).to_contain_text("Added to your cart.")
    expect(page.locator("#header-cart-link .badge")).to_have_text("3")
    added.get_by_role("link", name="View cart").click()
    page.wait_for_url(re.compile(rf"/s/{token}/cart/$"))
    expect(page.locator("#cart-table tbody tr")).to_have_count(2)
    expect(page.locator("#cart-table tfoot")).to_contain_text(money("208.50"))
    screenshot(page, "cart")
    cart_link = page.locator("#cart-link").input_value()
    assert cart_link == f"{base}/s/{token}/cart/"

    shopper.assert_cookieless()
    first_add = shopper.navigations.index(("POST", f"{base}/cart/add/"))
    after_add = shopper.navigations[first_add + 1:]
    # cart, listing, category, product, product with size L (the adds are
    # htmx requests), cart
    assert len(after_add) == 6, after_add
    assert [u for _m, u in after_add if not u.startswith(f"{base}/s/{token}/")] == []
    shopper.context.close()

    elsewhere = open_browser()
    response = elsewhere.page.goto(cart_link)
    assert response.status == 200
    assert response.header_value("referrer-policy") == "no-referrer"
    rows = elsewhere.page.locator("#cart-table tbody tr")
    expect(rows).to_have_count(2)
    kopi_row = cart_row(elsewhere.page, "Kopi Tenom beans")
    expect(kopi_row.get_by_role("spinbutton")).to_have_value("1")
    shirt_row = cart_row(elsewhere.page, "Batik shirt")
    expect(shirt_row.locator("th small").first).to_have_text("L")
    expect(shirt_row.get_by_role("spinbutton")).to_have_value("2")
    expect(shirt_row).to_contain_text(money("190.00"))
    elsewhere.assert_cookieless()
    assert elsewhere.navigations == [("GET", cart_link)]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_cart_quantity_update_changes_subtotal(live_server, open_browser,
                                               javascript):
    """The cart's Update button changes the line and the subtotal, through
    htmx when scripts run and as a plain form post when they do not."""
    kopi, _shirt = catalogue()
    _cart, token, line = cart_services.cart_create_with_line(
        variant_id=kopi.variants.get().pk, quantity=1)
    cart_url = f"{live_server.url}/s/{token}/cart/"
    shopper = open_browser(javascript=javascript)
    page = shopper.page

    page.goto(cart_url)
    subtotal = page.locator("#cart-table tfoot")
    expect(subtotal).to_contain_text(money("18.50"))
    page.get_by_label("Quantity of Kopi Tenom beans").fill("3")
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_role("button", name="Update").click()

    expect(subtotal).to_contain_text(money("55.50"))
    expect(page.get_by_label("Quantity of Kopi Tenom beans")).to_have_value("3")
    assert CartLine.objects.get(pk=line.pk).quantity == 3
    assert (posted.value.header_value("hx-request") == "true") is javascript
    # htmx swaps the table in place; without it the form posts and redirects.
    line_url = f"{live_server.url}/s/{token}/cart/lines/{line.pk}/"
    assert shopper.navigations == [("GET", cart_url)] + (
        [] if javascript else [("POST", line_url), ("GET", cart_url)])
    shopper.assert_cookieless()


def test_cross_site_post_is_refused(live_server, open_browser, other_site,
                                    posts_received):
    """A page on another site cannot change a cart even when it knows the
    cart's link; the same request from Kedai's own page works."""
    kopi, _shirt = catalogue()
    _cart, token, line = cart_services.cart_create_with_line(
        variant_id=kopi.variants.get().pk, quantity=1)
    cart_url = f"{live_server.url}/s/{token}/cart/"
    line_url = f"{live_server.url}/s/{token}/cart/lines/{line.pk}/"
    shopper = open_browser()
    page = shopper.page

    # 1. fetch() from the other site's page, in the shopper's own browser.
    page.goto(f"{other_site.origin}/attacker")
    with page.expect_response(line_url) as fetched:
        page.evaluate(POST_QUANTITY_JS, [line_url, "9"])
    assert fetched.value.status == 403

    # 2. An auto-submitted form on the other site (the classic forgery).
    with page.expect_navigation(url=line_url) as submitted:
        page.evaluate("""(url) => {
          const form = document.createElement("form");
          form.method = "post";
          form.action = url;
          form.innerHTML = '<input name="action" value="remove">';
          document.body.append(form);
          form.submit();
        }""", line_url)
    assert submitted.value.status == 403
    assert posts_received == [(other_site.origin, "cross-site")] * 2

    # 3. A client that sends no Sec-Fetch-Site: the Origin header decides.
    refused = page.request.post(
        line_url, form={"quantity": "7", "action": "update"},
        headers={"Origin": "http://evil.example"}, max_redirects=0)
    assert refused.status == 403
    assert posts_received[-1] == ("http://evil.example", None)

    assert CartLine.objects.get(pk=line.pk).quantity == 1
    page.goto(cart_url)
    expect(page.get_by_label("Quantity of Kopi Tenom beans")).to_have_value("1")

    # The same fetch from the cart page itself is accepted.
    with page.expect_response(line_url) as accepted:
        page.evaluate(POST_QUANTITY_JS, [line_url, "4"])
    assert accepted.value.status == 303
    assert posts_received[-1] == (live_server.url, "same-origin")
    assert CartLine.objects.get(pk=line.pk).quantity == 4
    shopper.assert_cookieless()
