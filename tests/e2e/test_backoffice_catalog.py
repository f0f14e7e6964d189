"""The owner builds a product from scratch in /office/catalogue/ — two
options, six variants, a picture — and a shopper (cookies blocked) finds
it in the shop and adds it to the cart (Debian Chromium)."""

import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Group, User
from PIL import Image
from playwright.sync_api import expect

from kedai.backoffice.roles import OWNER, roles_sync
from kedai.catalog.models import Product
from tests.factories import CategoryFactory

pytestmark = pytest.mark.e2e


def _picture(path):
    out = BytesIO()
    Image.new("RGB", (600, 600), (180, 40, 60)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_owner_creates_six_variants_and_a_shopper_buys_one(
        live_server, office_browser, open_browser, screenshot, tmp_path):
    roles_sync()
    owner = User.objects.create_user("mariam", password="pw-mariam-2026",
                                     is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER))
    CategoryFactory(name="Clothing", slug="clothing")
    page = office_browser
    base = live_server.url

    # Given the owner signed in, who opens the catalogue from the navigation…
    page.goto(f"{base}/office/")
    page.get_by_label("User name").fill("mariam")
    page.get_by_label("Password").fill("pw-mariam-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/office/$"))
    page.locator("header").get_by_role("link", name="Catalogue").click()
    page.wait_for_url(re.compile(r"/office/catalogue/$"))
    page.get_by_role("link", name="New product").click()

    # …and fills in a new product with two options,
    page.locator("#id_name").fill("Kemeja Batik Sutera")
    page.locator("#id_category").select_option(label="Clothing")
    page.get_by_label("Description").fill("Hand-drawn silk batik.")
    page.get_by_label("Option 1 name").fill("Size")
    page.get_by_label("Values of option 1").fill("S, M, L")
    page.get_by_label("Option 2 name").fill("Colour")
    page.get_by_label("Values of option 2").fill("Red, Blue")
    page.locator("#id_price").fill("-5")
    page.locator("#id_stock").fill("4")
    page.locator("#id_weight_grams").fill("300")
    page.get_by_label("SKU prefix").fill("KBS")
    page.get_by_role("button", name="Create product").click()
    # a bad price is shown by its field and nothing is made;
    expect(page.locator("#id_price_errors")).to_contain_text(
        "greater than or equal to 0")
    assert not Product.objects.exists()
    screenshot(page, "office-catalog-new-refused")
    page.locator("#id_price").fill("129.00")
    page.get_by_role("button", name="Create product").click()

    # then six variants are made, shown in the grid,
    page.wait_for_url(re.compile(r"/office/catalogue/p/\d+/$"))
    expect(page.locator("main")).to_contain_text("created with 6 variant(s)")
    skus = page.locator("table.variant-grid input[name$='-sku']")
    expect(skus).to_have_count(7)  # six and an empty row to add one
    expect(skus.nth(3)).to_have_value("KBS-M-BLUE")

    # where the owner changes one price and stock,
    page.locator("#id_variants-3-price").fill("119.00")
    page.locator("#id_variants-3-stock").fill("9")
    page.get_by_role("button", name="Save product and variants").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.locator("#id_variants-3-price")).to_have_value("119.00")

    # and adds a picture with alt text.
    page.locator("#id_image").set_input_files(_picture(tmp_path / "kemeja.jpg"))
    page.locator("#id_alt_text").fill("Red silk batik shirt")
    page.get_by_role("button", name="Upload picture").click()
    expect(page.locator("#pictures img")).to_have_attribute(
        "alt", "Red silk batik shirt")
    screenshot(page, "office-catalog-product")
    page.get_by_role("link", name="Products", exact=True).click()
    expect(page.locator("main")).to_contain_text("Kemeja Batik Sutera")
    screenshot(page, "office-catalog-list")
    page.get_by_role("link", name="Categories").click()
    screenshot(page, "office-catalog-categories")
    page.get_by_role("link", name="Prices and stock").click()
    screenshot(page, "office-catalog-bulk")

    # A shopper finds it in the shop and adds Medium / Blue to the cart.
    product = Product.objects.get()
    shopper = open_browser()
    shop = shopper.page
    shop.goto(f"{base}/c/clothing/")
    shop.locator("article.product-card", has_text="Kemeja Batik Sutera") \
        .get_by_role("link").first.click()
    shop.wait_for_url(re.compile(rf"/p/{product.slug}/"))
    expect(shop.locator("main img").first).to_have_attribute(
        "alt", "Red silk batik shirt")
    # The picker has one group of links per option: Size, then Colour.
    shop.get_by_role("group", name=re.compile(r"^Size")).get_by_role(
        "link", name=re.compile(r"^M\b")).click()
    shop.get_by_role("group", name=re.compile(r"^Colour")).get_by_role(
        "link", name=re.compile(r"^Blue\b")).click()
    expect(shop.locator(".stock-line")).to_contain_text("KBS-M-BLUE")
    shop.locator("form.add-to-cart").get_by_role(
        "button", name="Add to cart").click()
    shop.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]{32}/cart/"))
    row = shop.locator("#cart-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Kemeja Batik Sutera")
    expect(row).to_contain_text("M / Blue")
    expect(shop.locator("#cart-table")).to_contain_text("RM119.00")
    shopper.assert_cookieless()
