"""The back office: rate card CSV download/upload, methods, shipments."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import order_change_status
from kedai.shipping.models import RateCard, Shipment, ShippingMethod
from tests.factories import make_product
from tests.shipping.test_services import order, paid  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def card():
    return RateCard.objects.get(carrier="poslaju", is_active=True)


def upload(client, card, text, version=""):
    return client.post(f"/admin/shipping/ratecard/{card.pk}/upload/", {
        "file": SimpleUploadedFile("card.csv", text.encode(), "text/csv"),
        "version": version})


def download(client, card):
    response = client.get(f"/admin/shipping/ratecard/{card.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="ratecard-poslaju-{card.version}.csv"' in (
        response["Content-Disposition"])
    return response.content.decode()


def test_download_edit_preview_confirm_round_trip(admin_client, card):
    text = download(admin_client, card)
    edited = text.replace("interstate,2.000,30.000,16.00",
                          "interstate,2.000,30.000,17.00")
    assert edited != text

    # Given an edited card, the preview lists the one change and saves nothing.
    preview = upload(admin_client, card, edited, version="contract-2026")
    assert preview.status_code == 200
    changes = preview.context["changes"]
    assert [(c.action, c.old.base_price, c.new.base_price) for c in changes] == [
        ("changed", Decimal("16.00"), Decimal("17.00"))]
    assert 'class="change-changed"' in preview.content.decode()
    assert RateCard.objects.filter(carrier="poslaju").count() == 1

    # When the owner confirms, the new version is in use and the old is kept.
    confirm = preview.context["confirm_form"]
    response = admin_client.post(f"/admin/shipping/ratecard/{card.pk}/upload/", {
        "confirm": "1", "csv_text": confirm.initial["csv_text"],
        "version": confirm.initial["version"]})
    new = RateCard.objects.get(carrier="poslaju", is_active=True)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/shipping/ratecard/{new.pk}/change/"
    assert new.version == "contract-2026"
    assert new.bands.get(zone="interstate", from_kg=2).base_price == Decimal("17.00")
    card.refresh_from_db()
    assert not card.is_active

    # Then downloading the new card gives back what was uploaded.
    assert "interstate,2.000,30.000,17.00" in download(admin_client, new)


@pytest.mark.parametrize(("text", "errors"), [
    ("zone,from_kg,to_kg,base_price\ninterstate,0,1,5\n",
     [(1, "base_kg"), (1, "step_price"), (1, "step_kg")]),
    ("zone,from_kg,to_kg,base_price,base_kg,step_price,step_kg,eta\n"
     "interstate,0,1,-5.00,1,0,0,\n", [(2, "base_price")]),
    ("zone,from_kg,to_kg,base_price,base_kg,step_price,step_kg,eta\n"
     "interstate,0,1,RM5,1,0,0,\n", [(2, "base_price")]),
    ("zone,from_kg,to_kg,base_price,base_kg,step_price,step_kg,eta\n"
     "interstate,0,2,5.00,2,0,0,\ninterstate,1,3,6.00,3,0,0,\n", [(3, "from_kg")]),
], ids=["missing columns", "negative price", "non-numeric price", "overlap"])
def test_bad_uploads_are_refused_with_row_errors_and_the_old_card_kept(
        admin_client, card, text, errors):
    response = upload(admin_client, card, text)
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == errors
    page = response.content.decode()
    assert "nothing was changed" in page and 'id="upload-errors"' in page
    assert list(RateCard.objects.filter(carrier="poslaju")) == [card]
    assert RateCard.objects.get(pk=card.pk).is_active


def test_a_tampered_confirmation_is_validated_again(admin_client, card):
    response = admin_client.post(f"/admin/shipping/ratecard/{card.pk}/upload/", {
        "confirm": "1", "csv_text": "zone\nmars\n", "version": ""})
    assert response.status_code == 400
    assert RateCard.objects.filter(carrier="poslaju").count() == 1


def test_non_utf8_files_are_refused(admin_client, card):
    response = admin_client.post(f"/admin/shipping/ratecard/{card.pk}/upload/", {
        "file": SimpleUploadedFile("card.csv", b"\xff\xfe\x00z", "text/csv")})
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    assert RateCard.objects.filter(carrier="poslaju").count() == 1


def test_rate_card_pages_render(admin_client, card):
    assert admin_client.get("/admin/shipping/ratecard/").status_code == 200
    page = admin_client.get(f"/admin/shipping/ratecard/{card.pk}/change/")
    assert page.status_code == 200
    assert "Upload an edited copy" in page.content.decode()
    assert admin_client.get(
        f"/admin/shipping/ratecard/{card.pk}/upload/").status_code == 200


def test_make_active_switches_the_carriers_card(admin_client):
    skynet = RateCard.objects.get(carrier="skynet")
    admin_client.post("/admin/shipping/ratecard/", {
        "action": "make_active", "_selected_action": [skynet.pk]})
    assert RateCard.objects.get(pk=skynet.pk).is_active


def test_owner_configures_a_method_and_is_warned_about_weightless_products(
        admin_client):
    make_product(name="Ebook", variants=[{"weight_grams": 0, "sku": "EB-1"}])
    response = admin_client.post("/admin/shipping/shippingmethod/add/", {
        "name": "Semenanjung flat", "kind": "flat", "zones": ["peninsular", "labuan"],
        "eta": "2-4 working days", "charge": "8.00", "free_over": "",
        "max_weight_kg": "", "is_active": "on", "position": "1",
        "bands-TOTAL_FORMS": "1", "bands-INITIAL_FORMS": "0",
        "bands-0-zone": "peninsular", "bands-0-up_to_kg": "1", "bands-0-charge": "5",
    })
    assert response.status_code == 302
    method = ShippingMethod.objects.get()
    assert method.zones == ["peninsular", "labuan"] and method.bands.count() == 1
    listing = admin_client.get("/admin/shipping/shippingmethod/")
    assert "Ebook (EB-1)" in listing.content.decode()


def test_free_over_needs_an_amount(admin_client):
    response = admin_client.post("/admin/shipping/shippingmethod/add/", {
        "name": "Free", "kind": "free_over", "zones": ["peninsular"],
        "charge": "8.00", "free_over": "", "position": "0",
        "bands-TOTAL_FORMS": "0", "bands-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert not ShippingMethod.objects.exists()


def test_owner_records_a_shipment(admin_client, paid):  # noqa: F811
    response = admin_client.post("/admin/shipping/shipment/add/", {
        "order": paid.pk, "carrier": "poslaju",
        "tracking_numbers": "ER123456789MY\nER123456780MY\n"})
    shipment = Shipment.objects.get()
    assert response.status_code == 302
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.SHIPPED
    assert shipment.actor == "staff admin" and shipment.parcels.count() == 2
    page = admin_client.get(f"/admin/shipping/shipment/{shipment.pk}/change/")
    assert "https://tracking.pos.com.my/tracking/ER123456789MY" in page.content.decode()
    assert admin_client.get("/admin/shipping/shipment/").status_code == 200


def test_unpaid_orders_cannot_be_shipped_from_the_back_office(admin_client,
                                                              order):  # noqa: F811
    response = admin_client.post("/admin/shipping/shipment/add/", {
        "order": order.pk, "carrier": "poslaju", "tracking_numbers": "ER123456789MY"})
    assert response.status_code == 200
    assert "Only paid or processing orders" in response.content.decode()
    assert not Shipment.objects.exists()
    order_change_status(order=order, to=OrderStatus.PAID, actor="gateway")
    response = admin_client.post("/admin/shipping/shipment/add/", {
        "order": order.pk, "carrier": "poslaju", "tracking_numbers": "x"})
    assert response.status_code == 200 and not Shipment.objects.exists()


def test_shipment_inline_links_every_parcel(paid):  # noqa: F811
    from django.contrib import admin

    from kedai.shipping.admin import ShipmentInline
    from kedai.shipping.services import shipment_record

    shipment = shipment_record(order=paid, carrier="skynet",
                               tracking_numbers=["238001234567", "238001234568"],
                               actor="owner")
    html = ShipmentInline(Order, admin.site).tracking(shipment)
    assert html == (
        '<a href="https://www.skynet.com.my/track?hawbNoList=238001234567" '
        'rel="noreferrer">238001234567</a>, '
        '<a href="https://www.skynet.com.my/track?hawbNoList=238001234568" '
        'rel="noreferrer">238001234568</a>')
