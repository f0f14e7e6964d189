"""The owner downloads the variants sheet, edits prices in it, uploads it,
checks the preview and applies it (Debian Chromium; the back office uses
cookies, so this browser allows them)."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from kedai.backoffice.roles import OWNER, roles_sync
from kedai.catalog.models import Product, Variant
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.e2e


def test_owner_uploads_an_edited_sheet_previews_and_applies(
        live_server, office_browser, settings, tmp_path, screenshot):
    settings.KEDAI_DATAIO_DIR = tmp_path / "dataio"
    roles_sync()
    owner = User.objects.create_user("farah", password="pw-farah-2026",
                                     is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER))
    make_product(name="Batik shirt", slug="batik-shirt",
                 category=CategoryFactory(name="Clothes", slug="clothes"),
                 option1_name="Size", variants=[
                     {"sku": "SHIRT-M", "option1": "M", "price": Decimal("59.00"),
                      "stock": 10},
                     {"sku": "SHIRT-L", "option1": "L", "price": Decimal("62.50"),
                      "stock": 4}])
    page, base = office_browser, live_server.url

    # Given the owner, signed in, on the Data page
    page.goto(f"{base}/office/data/")
    page.wait_for_url(re.compile(r"/office/login/"))
    page.get_by_label("User name").fill("farah")
    page.get_by_label("Password").fill("pw-farah-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/office/data/$"))
    screenshot(page, "dataio-home")

    # When they download the variants sheet as CSV…
    row = page.get_by_role("row", name=re.compile("Variants"))
    with page.expect_download() as download:
        row.get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["sku"] for r in rows] == ["SHIRT-M", "SHIRT-L"]

    # …raise both prices in it and upload it back
    for r in rows:
        r["price"] = {"SHIRT-M": "65.00", "SHIRT-L": "69.90"}[r["sku"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    page.get_by_label("What the file holds").select_option("variants")
    page.get_by_label("File (CSV, XLSX or JSON)").set_input_files(
        files=[{"name": "variants-edited.csv", "mimeType": "text/csv",
                "buffer": out.getvalue().encode("utf-8")}])
    page.get_by_role("button", name="Preview").click()

    # Then the preview lists both changes and nothing is saved yet
    page.wait_for_url(re.compile(r"/office/data/imports/[0-9a-f-]+/$"))
    expect(page.locator("#summary")).to_contain_text(
        "2 rows: 0 new, 2 changed, 0 unchanged, 0 errors.")
    expect(page.locator("#changes")).to_contain_text("price: 59.00 → 65.00")
    expect(page.locator("#changes")).to_contain_text("price: 62.50 → 69.90")
    screenshot(page, "dataio-import-preview")
    assert Variant.objects.get(sku="SHIRT-M").price == Decimal("59.00")

    # When they apply it, the prices change, and the listing follows
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.locator("main")).to_contain_text("The upload was applied.")
    assert {v.sku: v.price for v in Variant.objects.all()} == {
        "SHIRT-M": Decimal("65.00"), "SHIRT-L": Decimal("69.90")}
    assert Product.objects.get(slug="batik-shirt").price == Decimal("65.00")
    assert Variant.objects.get(sku="SHIRT-M").stock == 10
