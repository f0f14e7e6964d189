"""The owner's theme (colours, font, favicon) and trust pages (terms,
returns, shipping, privacy, contact, about) in the back office, and what
the storefront shows of them."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kedai.invoicing.models import SellerProfile
from kedai.shopsettings.models import LegalPage, ThemeSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(db):
    return SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn. Bhd.", registration_number="202301012345",
        msic_code="47912", address_line1="Lot 5, Jalan Tun Razak",
        city="Kuala Lumpur", postcode="50400", state_code="KUL",
        phone="+60321234567", email="hello@kedai.example.my")


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 90)).save(buffer, "PNG")
    return SimpleUploadedFile("icon.png", buffer.getvalue(), "image/png")


def test_the_owner_sets_colours_font_and_favicon(owner_client, client, settings,
                                                  tmp_path,
                                                  django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    before = client.get("/theme.css").content.decode()
    assert "--k-brand:#1f4d3a" in before
    page = client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/office/settings/theme/", {
            "brand_colour": "#7A1F3D", "accent_colour": "#ffd166",
            "font": "serif", "favicon": _png()})
    assert response.status_code == 302
    row = ThemeSettings.objects.get()
    assert (row.brand_colour, row.accent_colour, row.font) == ("#7a1f3d", "#ffd166",
                                                               "serif")
    css = client.get("/theme.css").content.decode()
    assert "--k-brand:#7a1f3d;--k-on-brand:#ffffff" in css
    # A light accent gets dark text on it.
    assert "--k-accent:#ffd166;--k-on-accent:#111111" in css
    assert "Georgia" in css
    # Pages link a new stylesheet version, so browsers fetch it again.
    after = client.get("/").content.decode()
    link = 'href="/theme.css?v='
    assert link in page and link in after
    assert page.split(link)[1][:4] != after.split(link)[1][:4] or page != after
    favicon = client.get("/favicon")
    assert favicon.status_code == 302
    assert favicon["Location"].startswith(settings.MEDIA_URL + "branding/")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("brand_colour", "#f0f0f0", "too light"),
    ("brand_colour", "red", "six hex digits"),
    ("accent_colour", "#12345", "six hex digits"),
])
def test_a_bad_colour_is_refused_and_nothing_saved(owner_client, field, value,
                                                   message):
    data = {"brand_colour": "#1f4d3a", "accent_colour": "#c2410c", "font": "system"}
    data[field] = value
    response = owner_client.post("/office/settings/theme/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ThemeSettings.objects.exists()


def test_staff_cannot_change_the_theme(staff_client):
    assert staff_client.get("/office/settings/theme/").status_code == 403


def test_trust_pages_start_with_texts_in_both_languages(client, seller):
    from django.urls import reverse

    assert reverse("shop:terms") == "/pages/terms/"
    terms = client.get("/pages/terms/").content.decode()
    assert "<h1>Terms and conditions</h1>" in terms
    # The seller's identity is filled in (ETT Regulations 2012).
    assert "Kedai Nusantara Sdn. Bhd." in terms and "202301012345" in terms
    privacy = client.get("/ms/pages/privacy/").content.decode()
    assert "<h1>Notis privasi</h1>" in privacy
    assert "Akta Perlindungan Data Peribadi 2010" in privacy
    for kind in ("returns", "shipping", "contact", "about"):
        for prefix in ("", "/ms"):
            assert client.get(f"{prefix}/pages/{kind}/").status_code == 200
    assert client.get("/pages/nope/").status_code == 404


def test_the_owner_edits_a_page_and_the_shop_shows_it(
        owner_client, client, seller, django_capture_on_commit_callbacks):
    form = owner_client.get("/office/settings/pages/returns/").content.decode()
    assert "Change of mind" in form  # the starting text, ready to edit
    client.get("/pages/returns/")
    assert client.get("/pages/returns/")["X-Kedai-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/office/settings/pages/returns/", {
            "title_en": "Returns", "body_en": "Return within **30 days**. "
                                              "Call {phone}.",
            "title_ms": "", "body_ms": ""})
    assert response.status_code == 302
    assert LegalPage.objects.get(kind="returns").updated_by == "nurul"
    page = client.get("/pages/returns/")
    assert page.get("X-Kedai-Cache") != "hit"  # the edit retired the cache
    body = page.content.decode()
    assert "<h1>Returns</h1>" in body
    assert "Return within <strong>30 days</strong>. Call +60321234567." in body
    # The Malay page keeps its starting text while its fields are empty.
    assert "<h1>Pemulangan dan bayaran balik</h1>" in client.get(
        "/ms/pages/returns/").content.decode()


def test_a_page_body_is_markdown_with_html_escaped(owner_client, client, seller):
    owner_client.post("/office/settings/pages/about/", {
        "title_en": "About", "body_en": "<script>alert(1)</script> hi",
        "title_ms": "", "body_ms": ""})
    body = client.get("/pages/about/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_settings_pages_show_the_forms(owner_client, seller):
    theme = owner_client.get("/office/settings/theme/").content.decode()
    assert 'type="color"' in theme and "Classic serif" in theme
    pages = owner_client.get("/office/settings/pages/").content.decode()
    assert 'href="/office/settings/pages/privacy/"' in pages
    assert 'href="/pages/privacy/"' in pages
    edit = owner_client.get("/office/settings/pages/privacy/").content.decode()
    assert "Personal Data Protection Act 2010" in edit
    assert "Akta Perlindungan Data Peribadi 2010" in edit
    assert owner_client.get("/office/settings/pages/nope/").status_code == 404
