"""Shipments move orders to shipped; rate cards load and are replaced."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from kedai.checkout.placing import checkout_complete
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import order_change_status
from kedai.shipping.exceptions import RateCardInvalid, ShippingError
from kedai.shipping.models import RateCard, Shipment, ShipmentParcel
from kedai.shipping.ratecards import bands_diff, bands_parse
from kedai.shipping.selectors import tracking_links
from kedai.shipping.services import (
    rate_card_csv,
    rate_card_replace,
    rate_cards_load,
    shipment_record,
)
from kedai.shipping.tracking import tracking_url
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    return checkout_complete(cart=cart_with((variant, 1)), details=details(),
                             checkout_key="ship").order


@pytest.fixture
def paid(order):
    return order_change_status(order=order, to=OrderStatus.PAID, actor="gateway")


def test_recording_a_shipment_marks_the_order_shipped(paid):
    shipment = shipment_record(order=paid, carrier="poslaju",
                               tracking_numbers=[" er123456789my ", "ER987654321MY",
                                                 "ER123456789MY", ""],
                               actor="staff siti")
    assert Order.objects.get(pk=paid.pk).status == "shipped"
    assert paid.status == "shipped"
    assert [p.tracking_number for p in shipment.parcels.all()] == [
        "ER123456789MY", "ER987654321MY"]
    event = paid.events.last()
    assert (event.status_from, event.status_to, event.actor) == (
        "paid", "shipped", "staff siti")
    assert event.note == "Pos Laju: ER123456789MY, ER987654321MY"
    assert [(link.carrier_label, link.number, link.url)
            for link in tracking_links(order=paid)] == [
        ("Pos Laju", "ER123456789MY",
         "https://tracking.pos.com.my/tracking/ER123456789MY"),
        ("Pos Laju", "ER987654321MY",
         "https://tracking.pos.com.my/tracking/ER987654321MY")]


def test_processing_orders_ship_and_later_parcels_add_a_shipment(paid):
    order_change_status(order=paid, to=OrderStatus.PROCESSING, actor="owner")
    shipment_record(order=paid, carrier="skynet", tracking_numbers=["238001234567"],
                    actor="owner")
    shipment_record(order=paid, carrier="jnt", tracking_numbers=["630012345678"],
                    actor="owner")
    assert Shipment.objects.filter(order=paid).count() == 2
    assert Order.objects.get(pk=paid.pk).status == "shipped"
    assert paid.events.filter(status_to="shipped").count() == 1


@pytest.mark.parametrize(("carrier", "numbers", "code"), [
    ("poslaju", [], "tracking_number"),
    ("poslaju", ["  "], "tracking_number"),
    ("poslaju", ["ab"], "tracking_number"),
    ("poslaju", ["ER1234<script>"], "tracking_number"),
    ("fedup", ["ER123456789MY"], "carrier"),
])
def test_bad_shipments_are_refused_and_nothing_changes(paid, carrier, numbers, code):
    with pytest.raises(ShippingError) as caught:
        shipment_record(order=paid, carrier=carrier, tracking_numbers=numbers,
                        actor="owner")
    assert caught.value.code == code
    assert not Shipment.objects.exists()
    assert Order.objects.get(pk=paid.pk).status == "paid"


def test_unpaid_orders_cannot_ship(order):
    with pytest.raises(ShippingError, match="cannot be shipped"):
        shipment_record(order=order, carrier="poslaju",
                        tracking_numbers=["ER123456789MY"], actor="owner")
    assert not ShipmentParcel.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "awaiting_payment"


@pytest.mark.parametrize(("carrier", "number", "url"), [
    ("poslaju", "ER123456789MY", "https://tracking.pos.com.my/tracking/ER123456789MY"),
    ("skynet", "238001234567", "https://www.skynet.com.my/track?hawbNoList=238001234567"),
    ("jnt", "630 012", "https://www.jtexpress.my/tracking/630%20012"),
    ("other", "X1", ""),
    ("poslaju", " ", ""),
])
def test_tracking_urls(carrier, number, url):
    assert tracking_url(carrier, number) == url


def test_tracking_urls_can_be_configured(settings):
    settings.KEDAI_TRACKING_URLS = {"other": "https://track.example/{number}"}
    assert tracking_url("other", "a/b") == "https://track.example/a%2Fb"


def test_loading_rate_cards_again_changes_nothing():
    assert rate_cards_load() == []
    call_command("load_rate_cards", verbosity=0)
    assert RateCard.objects.count() == 2


def test_replacing_a_card_keeps_the_old_version():
    old = RateCard.objects.get(carrier="poslaju", is_active=True)
    text = rate_card_csv(card=old).replace("within_state,0.000,2.000,4.50",
                                           "within_state,0.000,2.000,4.80")
    new = rate_card_replace(card=old, csv_text=text, version="2026 contract",
                            actor="staff siti")
    old.refresh_from_db()
    assert new.is_active and not old.is_active
    assert new.terms() == old.terms()
    assert new.bands.get(zone="within_state", from_kg=0).base_price == Decimal("4.80")
    assert "staff siti" in new.source
    with pytest.raises(ShippingError, match="exists already"):
        rate_card_replace(card=new, csv_text=text, version="2026 contract",
                          actor="staff siti")


def test_an_invalid_card_is_refused_and_the_old_one_stays():
    old = RateCard.objects.get(carrier="poslaju", is_active=True)
    with pytest.raises(RateCardInvalid):
        rate_card_replace(card=old, csv_text="zone,price\n", actor="owner")
    assert list(RateCard.objects.filter(carrier="poslaju")) == [old]
    assert RateCard.objects.get(pk=old.pk).is_active


def test_downloaded_csv_names_source_and_terms_and_parses_back():
    card = RateCard.objects.get(carrier="poslaju")
    text = rate_card_csv(card=card)
    assert "# source: Pos Malaysia" in text
    assert "# volumetric_divisor: 6000" in text
    assert bands_diff([b.as_band() for b in card.bands.all()], bands_parse(text)) == []
    assert len(bands_parse(text)) == card.bands.count() == 6


def test_system_checks_catch_bad_shipping_settings(settings):
    from kedai.shipping.checks import check_shipping_settings

    assert check_shipping_settings() == []
    settings.KEDAI_SHIPPING_ORIGIN_POSTCODE = "88000"  # Sabah, not KUL
    settings.KEDAI_RATE_PROVIDERS = {"x": {"BACKEND": "kedai.nowhere.Carrier"}}
    assert [e.id for e in check_shipping_settings()] == [
        "shipping.E001", "shipping.E002"]
