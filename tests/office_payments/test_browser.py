"""The owner in Chromium: the dashboard, a line of a Billplz order
refunded (Billplz has no refund API: confirmed twice, then done by hand),
the phone menu without JavaScript, and a gateway key typed in the form."""

from __future__ import annotations

import re

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from kedai.backoffice.roles import OWNER, roles_sync
from kedai.payments.models import GatewaySecret, Refund
from tests.backoffice.orders.conftest import place
from tests.e2e.conftest import CHROMIUM_ARGS, MOBILE, SHOTS_DIR
from tests.office_payments.conftest import paid_through

pytestmark = pytest.mark.e2e


def sign_in(page, base: str) -> None:
    roles_sync()
    user = User.objects.create_user("siti", password="pw-siti-2026", is_staff=True)
    user.groups.add(Group.objects.get(name=OWNER))
    page.goto(f"{base}/office/")
    page.get_by_label("User name").fill("siti")
    page.get_by_label("Password").fill("pw-siti-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/office/$"))


def test_refund_one_line_on_billplz_and_confirm_it_by_hand(
        live_server, office_browser, screenshot, gateways):
    order, _payment = paid_through(chosen="billplz", paid_with="billplz",
                                   price="1234.50")
    unpaid = place()
    page = office_browser
    sign_in(page, live_server.url)
    dashboard = page.locator(".dashboard")
    expect(page.locator("#tile-to-ship")).to_contain_text(order.number)
    expect(page.locator("#tile-to-ship")).to_contain_text("RM1,242.50")
    expect(page.locator("#tile-unpaid")).to_contain_text(unpaid.number)
    expect(dashboard).to_contain_text("Low stock")
    screenshot(page, "office-home")

    page.goto(f"{live_server.url}/office/orders/o/{order.number}/")
    expect(page.locator(".order-summary")).to_contain_text("paid through Billplz")
    line = order.lines.get()
    page.locator(f"#id_qty_{line.pk}").fill("1")
    page.get_by_label("Reason").first.fill("Wrong colour")
    page.get_by_role("button", name="Refund…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Refund RM1,234.50")
    expect(page.locator("main")).to_contain_text("Billplz has no refund API")
    screenshot(page, "office-refund-confirm")
    assert not Refund.objects.exists()
    page.get_by_role("button", name="Yes, refund RM1,234.50").click()
    expect(page.locator(".messages")).to_contain_text(
        "RM1,234.50 to refund by hand in Billplz's dashboard")
    expect(page.locator("#refunds")).not_to_contain_text("Succeeded")
    screenshot(page, "office-refund-by-hand")
    page.goto(f"{live_server.url}/office/")
    expect(page.locator(".dashboard-warnings")).to_contain_text(
        "to refund by hand in Billplz's dashboard")
    page.locator(".dashboard-warnings a").first.click()
    page.get_by_role("button", name="I have refunded it there: confirm").click()
    expect(page.locator(".messages")).to_contain_text("confirmed as given back")
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED


def test_the_phone_menu_opens_without_javascript(
        live_server, playwright_driver, chromium_executable):
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url)
        links = page.locator(".office-menu ul a")
        expect(links.first).to_be_hidden()
        expect(page.locator(".office-links")).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        menu_orders = page.locator(".office-menu").get_by_role(
            "link", name="Orders", exact=True)
        expect(menu_orders).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"]
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS_DIR / "office-phone-menu-open-mobile.png")
        menu_orders.click()
        page.wait_for_url(re.compile(r"/office/orders/$"))
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    finally:
        context.close()
        browser.close()


def test_a_key_typed_in_the_browser_is_stored_and_shown_masked(
        live_server, office_browser, screenshot, settings, monkeypatch,
        gateways):
    monkeypatch.delenv("KEDAI_BILLPLZ_API_KEY", raising=False)
    settings.KEDAI_SECRETS_KEY = Fernet.generate_key().decode()
    page = office_browser
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/office/settings/payments/")
    page.locator("#method-billplz").get_by_role("link", name="Enter keys").click()
    typed = "billplz-live-key-7d1c2e99AbCd"
    page.locator("#id_API_KEY").fill(typed)
    page.get_by_role("button", name="Save keys").click()
    expect(page.locator(".messages")).to_contain_text("Keys of billplz saved")
    expect(page.locator("#key-API_KEY")).to_contain_text("••••AbCd")
    assert typed not in page.content()
    assert GatewaySecret.objects.filter(gateway="billplz", name="API_KEY").exists()
    screenshot(page, "office-payment-keys")


def test_office_pages_fit_a_phone(live_server, office_browser, gateways):
    """At 390 px nothing widens the page: wide tables scroll inside it."""
    order, _payment = paid_through(chosen="billplz", paid_with="billplz")
    page = office_browser
    sign_in(page, live_server.url)
    page.set_viewport_size(MOBILE)
    for url in ("/office/", "/office/orders/", f"/office/orders/o/{order.number}/",
                "/office/reports/", "/office/reports/low-stock/",
                "/office/settings/payments/",
                "/office/settings/payments/billplz/keys/"):
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], url
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        name = url.strip("/").replace("/", "-") or "office"
        page.screenshot(path=SHOTS_DIR / f"phone-{name}.png", full_page=True)


def test_sign_out_from_the_phone_menu(live_server, office_browser):
    page = office_browser
    sign_in(page, live_server.url)
    page.set_viewport_size(MOBILE)
    page.get_by_text("Menu", exact=True).click()
    page.locator(".office-menu").get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/office/")
    page.wait_for_url(re.compile(r"/office/login/"))
