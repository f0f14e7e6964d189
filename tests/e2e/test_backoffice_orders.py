"""Staff sign in, find an order, fulfil it with a scanned tracking number
and print its packing slip (Debian Chromium; the back office uses cookies,
so this browser allows them, unlike the shopper's)."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect
from pypdf import PdfReader

from kedai.backoffice.roles import STAFF, roles_sync
from kedai.notifications.models import Message
from kedai.orders.models import OrderStatus
from kedai.shipping.models import ShipmentParcel
from tests.backoffice.orders.conftest import pay, place
from tests.factories import flat_shipping

pytestmark = pytest.mark.e2e


def test_sign_in_fulfil_with_a_scanned_number_and_print_the_slip(
        live_server, office_browser, screenshot):
    flat_shipping()
    roles_sync()
    staff = User.objects.create_user("aisyah", password="pw-aisyah-2026",
                                     is_staff=True)
    staff.groups.add(Group.objects.get(name=STAFF))
    order = pay(place())
    other = place()  # still awaiting payment: filtered out below
    page = office_browser
    base = live_server.url

    # Given a signed-in member of staff…
    page.goto(f"{base}/office/orders/")
    page.wait_for_url(re.compile(r"/office/login/"))
    page.get_by_label("User name").fill("aisyah")
    page.get_by_label("Password").fill("pw-aisyah-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/office/orders/$"))
    expect(page.locator("main")).to_contain_text(other.number)

    # …who narrows the list to paid orders and opens the order,
    page.locator("#id_payment").select_option("paid")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#orders")).not_to_contain_text(other.number)
    screenshot(page, "office-orders-list")
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(re.compile(rf"/office/orders/o/{order.number}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)

    # when a scanner types the tracking number and presses Enter,
    page.locator("#id_carrier").select_option("poslaju")
    scan = page.get_by_label("Tracking number (type or scan)")
    expect(scan).to_be_focused()
    scan.press_sequentially("ER987654321MY")
    scan.press("Enter")

    # then the order is shipped, the notice queued, the parcel linked,
    page.wait_for_url(re.compile(rf"/office/orders/o/{order.number}/$"))
    expect(page.locator("main")).to_contain_text("Shipped: 1 parcel(s) recorded")
    expect(page.get_by_role("link", name="ER987654321MY")).to_have_attribute(
        "href", "https://tracking.pos.com.my/tracking/ER987654321MY")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert ShipmentParcel.objects.get().shipment.actor == "aisyah"
    assert Message.objects.filter(kind="shipping_notice:customer").count() == 1
    expect(page.locator("#timeline")).to_contain_text("aisyah")
    screenshot(page, "office-order-shipped")

    # and the packing slip downloads as a PDF with the order number.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Print packing slip").click()
    download = download_info.value
    assert download.suggested_filename == f"packing-slip-{order.number}.pdf"
    reader = PdfReader(io.BytesIO(download.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert order.number in text and "Siti Aminah" in text
