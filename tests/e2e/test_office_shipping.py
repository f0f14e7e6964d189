"""The owner in Chromium: sees the shipping warnings, uploads Skynet's card
(preview, confirm), prints thermal labels in bulk and reads the demo
mailbox with its HTML and PDF."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.mail import EmailMultiAlternatives
from playwright.sync_api import expect
from pypdf import PdfReader

from kedai.backoffice.roles import OWNER, roles_sync
from kedai.catalog.models import FrontPage
from kedai.invoicing.models import SellerProfile
from kedai.notifications.mailbox import MailboxBackend
from kedai.notifications.models import MailboxMessage
from kedai.shipping.models import RateCard
from kedai.shipping.services import rate_cards_load, shipment_record
from tests.backoffice.orders.conftest import pay, place
from tests.factories import flat_shipping
from tests.office_shipping.test_mailbox import a_pdf
from tests.office_shipping.test_setup import GOOD_CSV

pytestmark = pytest.mark.e2e


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/office/shipping/")
    page.wait_for_url(re.compile(r"/office/login/"))
    page.get_by_label("User name").fill("siti")
    page.get_by_label("Password").fill("pw-siti-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/office/shipping/$"))


def test_owner_fixes_shipping_prints_labels_and_reads_mail(
        live_server, office_browser, screenshot, tmp_path):
    roles_sync()
    owner = User.objects.create_user("siti", password="pw-siti-2026", is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER))
    rate_cards_load()
    flat_shipping()
    FrontPage.objects.create(
        store_name="Kedai Nusantara",
        announcement="Free delivery in Peninsular Malaysia above RM150")
    SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn Bhd", address_line1="12 Jalan Tukang",
        city="Shah Alam", postcode="40000", state_code="SGR", phone="03-5555 1234")
    page, base = office_browser, live_server.url

    # The owner sees what misleads shoppers…
    sign_in(page, base)
    warnings = page.locator(".setup-warnings")
    expect(warnings).to_contain_text("is a sample")
    expect(warnings).to_contain_text("Skynet has rate cards but none is active")
    expect(warnings).to_contain_text("promises free delivery from RM150.00")
    screenshot(page, "office-shipping")

    # …uploads Skynet's card, checks the preview and confirms it.
    page.get_by_role("button", name="Upload a rate card").click()
    page.locator("#id_carrier").select_option("skynet")
    csv_path = tmp_path / "skynet.csv"
    csv_path.write_text(GOOD_CSV)
    page.locator("#id_file").set_input_files(str(csv_path))
    page.get_by_label("Version name").fill("2026 contract")
    page.get_by_role("button", name="Check and preview").click()
    expect(page.locator("#upload-preview")).to_contain_text("within_state")
    screenshot(page, "office-shipping-upload-preview")
    page.get_by_role("button", name="Confirm and save this card").click()
    expect(page.locator("main")).to_contain_text("now used at checkout")
    screenshot(page, "office-shipping-card")
    assert RateCard.objects.get(carrier="skynet", is_active=True).version == \
        "2026 contract"
    page.goto(f"{base}/office/shipping/")
    expect(page.locator(".setup-warnings")).not_to_contain_text("Skynet has")

    # Labels: tick two orders in the list, one PDF with a page each.
    orders = []
    for i in range(2):
        order = pay(place())
        shipment_record(order=order, carrier="skynet",
                        tracking_numbers=[f"SK20000000{i}"], actor="test")
        orders.append(order)
    page.goto(f"{base}/office/orders/")
    for order in orders:
        page.get_by_label(f"Select {order.number}").check()
    page.locator("select[name=action]").select_option("thermal_labels")
    with page.expect_download() as download:
        page.get_by_role("button", name="Apply").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert len(pdf.pages) == 2
    assert {o.number for o in orders} <= set(
        " ".join(p.extract_text() for p in pdf.pages).split())

    # The demo mailbox: the HTML in its sandboxed frame, the PDF opens.
    email = EmailMultiAlternatives(subject="Your invoice", body="Thank you.",
                                   from_email="shop@example.com",
                                   to=["ali@example.com"])
    email.attach_alternative("<h1 style='color:#0a5'>Terima kasih!</h1>"
                             "<p>Your order is on its way.</p>", "text/html")
    email.attach("INV-2026-000001.pdf", a_pdf(), "application/pdf")
    MailboxBackend().send_messages([email])
    message = MailboxMessage.objects.latest("id")
    page.goto(f"{base}/office/mailbox/")
    page.get_by_role("link", name="Your invoice").click()
    page.wait_for_url(re.compile(rf"/office/mailbox/{message.pk}/$"))
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.locator("h1")).to_have_text("Terima kasih!")
    screenshot(page, "office-mailbox-message")
    response = page.request.get(
        f"{base}/office/mailbox/{message.pk}/attachments/1/")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"


def test_method_form_with_weight_bands_on_a_phone(live_server, office_browser,
                                                  screenshot):
    roles_sync()
    owner = User.objects.create_user("siti", password="pw-siti-2026", is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER))
    page, base = office_browser, live_server.url
    sign_in(page, base)
    page.get_by_role("button", name="Add a shipping method").click()
    page.get_by_label("Name *").fill("By weight")
    page.get_by_label("Kind *").select_option("weight_bands")
    page.get_by_label("Peninsular Malaysia").check()
    page.locator("#id_bands-0-zone").select_option("peninsular")
    page.locator("#id_bands-0-up_to_kg").fill("2")
    page.locator("#id_bands-0-charge").fill("-1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_bands-0-charge_errors")).to_be_visible()
    screenshot(page, "office-shipping-method-error")
    page.locator("#id_bands-0-charge").fill("9.50")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/office/shipping/$"))
    expect(page.locator("main")).to_contain_text("By weight")
