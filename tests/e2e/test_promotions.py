"""A voucher code and free delivery without JavaScript, cookies blocked."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kedai.orders.models import Order
from kedai.promotions.models import FreeDeliveryThreshold, Voucher
from tests.factories import CategoryFactory, flat_shipping, make_product

pytestmark = pytest.mark.e2e


def test_code_and_free_delivery_from_cart_to_order(live_server, open_browser,
                                                   screenshot):
    make_product(name="Batik sarong", slug="batik-sarong",
                 category=CategoryFactory(name="Batik", slug="batik"),
                 variants=[{"sku": "SRG-1", "price": Decimal("69.00"),
                            "stock": 9}])
    FreeDeliveryThreshold.objects.create(zone="peninsular",
                                         min_subtotal=Decimal("150"))
    FreeDeliveryThreshold.objects.create(zone="sabah", min_subtotal=Decimal("250"))
    Voucher.objects.create(code="RAYA10", kind="percent", value=Decimal("10"))
    flat_shipping()
    shopper = open_browser(javascript=False)
    page = shopper.page

    page.goto(f"{live_server.url}/p/batik-sarong/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]{32}/cart/"))
    expect(page.locator("main")).to_contain_text(
        "RM81.00 more for free delivery to Peninsular Malaysia")
    page.get_by_label("Quantity of Batik sarong").fill("3")
    page.get_by_role("button", name="Update").click()
    expect(page.locator("main")).to_contain_text(
        "Free delivery to Peninsular Malaysia")
    page.get_by_label("Have a voucher code?").fill("nope")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#promo-code-error")).to_contain_text(
        "We do not know the code NOPE")
    page.get_by_label("Have a voucher code?").fill(" raya10 ")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("main")).to_contain_text("Code RAYA10 applied.")
    expect(page.locator("main")).to_contain_text("−RM20.70")
    screenshot(page, "promo-cart")

    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Continue as a guest").click()
    for name, value in [("email", "aminah@example.my"), ("name", "Aminah Yusof"),
                        ("phone", "012-345 6789"), ("line1", "12 Jalan Ampang"),
                        ("city", "Kuala Lumpur"), ("postcode", "50450")]:
        page.locator(f'[name="{name}"]').fill(value)
    page.locator('[name="state"]').select_option("KUL")
    page.get_by_role("button", name="Continue to delivery").click()
    page.locator('[name="payment_method"][value="bank_transfer"]').check()
    page.get_by_role("button", name="Continue to review").click()

    page.wait_for_url(re.compile(r"/review/$"))
    main = page.locator("main")
    expect(main).to_contain_text("Discount −RM20.70 included")
    # 207.00 − 20.70, delivery free above RM150 in Peninsular Malaysia.
    expect(page.locator("#grand-total")).to_have_text("RM186.30")
    screenshot(page, "promo-review")
    page.get_by_label("I accept the terms and conditions of sale").check()
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r"/order/[A-Za-z0-9_-]{32}/$"))
    expect(page.locator("main")).to_contain_text("Discount −RM20.70 included")
    screenshot(page, "promo-order")
    order = Order.objects.get()
    assert (order.total, order.discount_total, order.shipping_discount) == (
        Decimal("186.30"), Decimal("20.70"), Decimal("8.00"))
    assert Voucher.objects.get().times_used == 1
    shopper.assert_cookieless()


def test_owner_pauses_a_code_from_the_promotions_page(live_server, office_browser,
                                                      screenshot):
    from django.contrib.auth.models import Group, User

    from kedai.backoffice.roles import OWNER, roles_sync
    from kedai.promotions.models import Campaign

    roles_sync()
    owner = User.objects.create_user("siti", password="pw-siti-2026-x",
                                     is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER))
    raya = Campaign.objects.create(name="Hari Raya sale")
    Voucher.objects.create(code="RAYA10", kind="percent", value=Decimal("10"),
                           campaign=raya, usage_limit=500)
    FreeDeliveryThreshold.objects.create(zone="peninsular",
                                         min_subtotal=Decimal("150"))
    page = office_browser
    page.goto(f"{live_server.url}/office/promotions/")
    page.get_by_label("User name").fill("siti")
    page.get_by_label("Password").fill("pw-siti-2026-x")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/office/promotions/$"))
    row = page.locator("tr", has_text="RAYA10")
    expect(row).to_contain_text("Live")
    row.get_by_role("button", name="Pause").click()
    expect(page.locator("tr", has_text="RAYA10")).to_contain_text("Paused")
    screenshot(page, "promo-office")
    assert Voucher.objects.get().is_paused


def test_owner_creates_a_voucher_and_generates_codes_in_the_office(
        live_server, office_browser, screenshot):
    import csv

    from django.contrib.auth.models import Group, User

    from kedai.backoffice.roles import OWNER, roles_sync

    roles_sync()
    owner = User.objects.create_user("siti", password="pw-siti-2026-x",
                                     is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER))
    page = office_browser
    page.goto(f"{live_server.url}/office/promotions/")
    page.get_by_label("User name").fill("siti")
    page.get_by_label("Password").fill("pw-siti-2026-x")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="New voucher").click()
    page.locator("#id_code").fill("raya10")
    page.locator("#id_value").fill("150")
    page.locator("#id_starts_at").fill("2036-11-11T00:00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_value_errors")).to_contain_text("between 0 and 100")
    screenshot(page, "promo-voucher-refused")
    assert not Voucher.objects.exists()
    page.locator("#id_value").fill("10")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/office/promotions/$"))
    row = page.locator("tr", has_text="RAYA10")
    expect(row).to_contain_text("Scheduled")
    row.get_by_role("link", name="Generate codes").click()
    page.locator("#id_code_prefix").fill("raya")
    page.locator("#id_count").fill("5")
    screenshot(page, "promo-generate")
    with page.expect_download() as info:
        page.get_by_role("button", name="Generate and download CSV").click()
    with open(info.value.path(), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len({r["code"] for r in rows}) == 5
    assert Voucher.objects.filter(batch=rows[0]["batch"]).count() == 5
    page.goto(f"{live_server.url}/office/promotions/thresholds/new/")
    page.get_by_role("button", name="Bahasa Melayu").click()
    expect(page.locator("h1")).to_contain_text("Ambang penghantaran percuma baharu")
    page.locator("#id_min_subtotal").fill("-1")
    page.locator("#promotion-form button[type=submit]").click()
    expect(page.locator("#id_min_subtotal_errors")).to_be_visible()
    screenshot(page, "promo-threshold-refused-ms")
    page.goto(f"{live_server.url}/office/promotions/")
    screenshot(page, "promo-overview-ms")
