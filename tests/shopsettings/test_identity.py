"""Shop identity: the seller profile and the store's name and logo."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kedai.catalog.models import FrontPage
from kedai.invoicing.models import SellerProfile

pytestmark = pytest.mark.django_db
URL = "/office/settings/identity/"


def _form(**changes):
    seller = {"legal_name": "Kedai Nusantara Sdn. Bhd.",
              "registration_number": "2023 0101 2345",
              "sst_number": "w10-1808-32000123",
              "tin": "C 25845632020", "tourism_tax_number": "", "msic_code": "47912",
              "business_activity": "Retail sale over the internet",
              "address_line1": "Lot 5, Jalan Tun Razak", "address_line2": "",
              "postcode": "50400", "city": "Kuala Lumpur", "state_code": "KUL",
              "phone": "03-2123 4567", "email": "hello@kedai.example.my",
              "owner_email": "owner@kedai.example.my",
              "invoice_footer": "Goods sold are not returnable after 14 days."}
    brand = {"store_name": "Kedai Nusantara", "tagline": "Batik and more"}
    data = {f"seller-{k}": v for k, v in seller.items()}
    data.update({f"brand-{k}": v for k, v in brand.items()})
    data.update(changes)
    return data


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (120, 40), (10, 120, 90)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")


def test_the_owner_fills_in_the_identity_and_logo(owner_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = owner_client.post(URL, {**_form(), "brand-logo": _png()})
    assert response.status_code == 302
    seller = SellerProfile.objects.get()
    # Numbers are stored in their normal written form.
    assert seller.registration_number == "202301012345"
    assert seller.sst_number == "W10-1808-32000123"
    assert seller.tin == "C25845632020"
    assert seller.phone == "+60321234567"
    front = FrontPage.objects.get()
    assert front.store_name == "Kedai Nusantara"
    assert front.logo.name.startswith("branding/")
    page = owner_client.get(URL).content.decode()
    assert "Kedai Nusantara Sdn. Bhd." in page


def test_a_second_save_updates_the_one_profile(owner_client):
    owner_client.post(URL, _form())
    owner_client.post(URL, _form(**{"seller-legal_name": "Kedai Baru Sdn. Bhd."}))
    assert SellerProfile.objects.get().legal_name == "Kedai Baru Sdn. Bhd."


@pytest.mark.parametrize(("field", "value", "message"), [
    ("seller-registration_number", "123456-X", "12-digit SSM registration number"),
    ("seller-registration_number", "20230101234", "12-digit SSM registration number"),
    ("seller-sst_number", "W10-18-1", "An SST number looks like"),
    ("seller-tin", "12345", "A TIN is a letter code and digits"),
    ("seller-msic_code", "4791", "An MSIC code is 5 digits"),
    ("seller-postcode", "5040", "exactly 5 digits"),
    ("seller-postcode", "88000", "is in Sabah, not Kuala Lumpur"),
    ("seller-phone", "call me", "valid Malaysian phone number"),
    ("seller-owner_email", "owner@", "valid email address"),
    ("seller-legal_name", "", "This field is required"),
    ("brand-store_name", "", "This field is required"),
])
def test_bad_identity_input_is_refused_and_nothing_saved(owner_client, field, value,
                                                         message):
    response = owner_client.post(URL, _form(**{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved" in page
    assert not SellerProfile.objects.exists()
    assert not FrontPage.objects.filter(store_name="Kedai Nusantara").exists()


def test_a_bad_seller_field_leaves_the_existing_profile_and_name(owner_client):
    owner_client.post(URL, _form())
    response = owner_client.post(URL, _form(**{"seller-tin": "??",
                                               "brand-store_name": "Renamed"}))
    assert response.status_code == 200
    assert SellerProfile.objects.get().tin == "C25845632020"
    assert FrontPage.objects.get().store_name == "Kedai Nusantara"


def test_a_file_that_is_not_an_image_is_refused_as_logo(owner_client):
    fake = SimpleUploadedFile("logo.png", b"not an image", "image/png")
    response = owner_client.post(URL, {**_form(), "brand-logo": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not SellerProfile.objects.exists()


def test_the_logo_upload_refuses_svg_and_html(owner_client, settings, tmp_path):
    """Issue 13, defect 16: only raster pictures, re-encoded."""
    settings.MEDIA_ROOT = tmp_path
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, data in (("logo.svg", svg), ("landing.html", b"<script>x</script>")):
        response = owner_client.post(URL, {**_form(), "brand-logo":
                                           SimpleUploadedFile(name, data)})
        assert response.status_code != 302
    assert not FrontPage.objects.exclude(logo="").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    response = owner_client.post(URL, {**_form(), "brand-logo": _png()})
    assert response.status_code == 302
    assert FrontPage.objects.get().logo.name.endswith(".jpg")  # re-encoded
