"""The designed storefront in a browser with JavaScript off and cookies
blocked: the category drawer and folded filters on a phone, the option
picker choosing a size by link, and the language switch keeping the cart."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from tests.e2e.conftest import MOBILE
from tests.factories import CategoryFactory, make_product


def _shop():
    clothing = CategoryFactory(name="Clothing", slug="clothing")
    CategoryFactory(name="Batik sarongs", slug="batik-sarongs", parent=clothing)
    make_product(name="Batik shirt", slug="batik-shirt", category=clothing,
                 option1_name="Size", variants=[
                     {"sku": "BATIK-M", "option1": "M", "price": Decimal("89.00"),
                      "compare_at_price": Decimal("120.00"), "stock": 4},
                     {"sku": "BATIK-L", "option1": "L", "price": Decimal("95.00"),
                      "stock": 2}])


def test_phone_without_javascript_chooses_a_size_and_switches_language(
        live_server, open_browser, screenshot):
    _shop()
    shopper = open_browser(javascript=False)
    page = shopper.page
    page.set_viewport_size(MOBILE)
    base = live_server.url
    page.goto(f"{base}/search/?q=batik")
    # Filters folded: the results are on the first screen.
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")
    expect(page.locator("#f-min")).to_be_hidden()
    expect(page.locator("article.product-card").first).to_be_in_viewport()
    # The category drawer opens without JavaScript.
    expect(page.get_by_role("navigation", name="Categories", exact=True)).to_be_hidden()
    page.locator(".drawer > summary").click()
    drawer = page.get_by_role("navigation", name="All categories")
    expect(drawer.get_by_role("link", name="Batik sarongs")).to_be_visible()
    page.locator(".drawer > summary").click()

    card = page.locator("article.product-card", has_text="Batik shirt")
    expect(card.locator(".card-badge")).to_have_text("Sale")
    card.get_by_role("link", name="Choose options").click()
    expect(page.locator(".price-large")).to_contain_text("RM89.00")
    expect(page.locator(".saving")).to_have_text("You save RM31.00")
    page.locator(".option-values").get_by_role("link", name=re.compile("^L")).click()
    expect(page.locator(".price-large")).to_have_text("RM95.00")
    expect(page.locator(".stock-line")).to_contain_text("Only 2 left")
    screenshot(page, "product-size-l")
    page.locator("form.add-to-cart").get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]{32}/cart/"))
    expect(page.locator("#cart-table")).to_contain_text("BATIK-L")
    token = re.search(r"/s/([A-Za-z0-9_-]{32})/", page.url)[1]

    # The language switch keeps the cart.
    page.goto(f"{base}/s/{token}/p/batik-shirt/")
    page.get_by_role("navigation", name="Language").get_by_role("link",
                                                                name="MS").click()
    page.wait_for_url(f"{base}/s/{token}/ms/p/batik-shirt/")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    expect(page.locator("#header-cart-link .badge")).to_have_text("1")
    shopper.assert_cookieless()
