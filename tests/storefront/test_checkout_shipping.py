"""Shipping at checkout: quotes for the cart's parcel and the address,
the reasons when a method is not offered, the quote kept on the order."""

from decimal import Decimal

import pytest

from kedai.catalog.models import Variant
from kedai.checkout.models import Checkout
from kedai.orders.models import Order
from kedai.shipping.models import RateCard, ShippingMethod
from tests.storefront.test_checkout_pages import DETAILS, expected_total, start

SABAH = {**DETAILS, "line1": "8 Lorong Durian", "city": "Kota Kinabalu",
         "postcode": "88000", "state": "SBH"}


@pytest.fixture
def methods(db):
    """The shop's own methods only (no carrier cards), in a known order."""
    ShippingMethod.objects.all().delete()
    RateCard.objects.update(is_active=False)
    peninsular = ShippingMethod.objects.create(
        name="Standard", kind="flat", zones=["peninsular"], charge=Decimal("8.00"),
        eta="2-4 working days", position=1, max_weight_kg=Decimal("5"))
    east = ShippingMethod.objects.create(
        name="East Malaysia", kind="flat", zones=["sabah", "sarawak", "labuan"],
        charge=Decimal("15.00"), eta="4-7 working days", position=2)
    pickup = ShippingMethod.objects.create(name="Pickup in Bangsar", kind="pickup",
                                           position=3)
    return {"peninsular": peninsular, "east": east, "pickup": pickup}


def _delivery(client, cart_token, details):
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", details)
    assert response.status_code == 303, response.content.decode()[:2000]
    return token, client.get(f"/checkout/{token}/delivery/")


@pytest.mark.django_db
def test_the_delivery_step_offers_the_methods_for_the_address(client, cart_token,
                                                              methods):
    _token, page = _delivery(client, cart_token, DETAILS)
    text = page.content.decode()
    assert "Standard — RM8.00 (2-4 working days)" in text
    assert "Pickup in Bangsar — RM0.00" in text
    assert f'value="{methods["east"].code}"' not in text  # not a choice here…
    assert "East Malaysia: Not delivered to Peninsular Malaysia." in text  # …why


@pytest.mark.django_db
def test_east_malaysia_gets_its_own_rate_and_the_order_keeps_the_quote(
        client, cart_token, methods):
    token, page = _delivery(client, cart_token, SABAH)
    assert "East Malaysia — RM15.00" in page.content.decode()
    response = client.post(f"/checkout/{token}/delivery/", {
        "shipping_method": methods["peninsular"].code,
        "payment_method": "bank_transfer"})
    assert response.status_code == 422  # not offered to Sabah: refused
    response = client.post(f"/checkout/{token}/delivery/", {
        "shipping_method": methods["east"].code, "payment_method": "bank_transfer"})
    assert response.status_code == 303
    review = client.get(f"/checkout/{token}/review/")
    assert "East Malaysia" in review.content.decode()
    placed = client.post(f"/checkout/{token}/review/", {
        "accept_terms": "on", "expected_total": expected_total(review)})
    assert placed.status_code == 303
    order = Order.objects.get()
    assert order.shipping_total == Decimal("15.00")
    assert order.total == Decimal("1249.50")  # 1234.50 + 15.00
    assert order.shipping_quote["code"] == methods["east"].code
    assert order.shipping_quote["source"] == "store"
    assert order.shipping_quote["charge"] == "15.00"


@pytest.mark.django_db
def test_a_heavy_parcel_is_not_offered_a_light_method(client, cart_token, methods):
    Variant.objects.filter(sku="KOPI-1").update(weight_grams=6000)
    _token, page = _delivery(client, cart_token, DETAILS)
    text = page.content.decode()
    assert f'value="{methods["peninsular"].code}"' not in text
    assert "over this method&#x27;s maximum of 5 kg" in text


@pytest.mark.django_db
def test_no_method_for_the_address_says_so(client, cart_token, methods):
    ShippingMethod.objects.filter(pk=methods["pickup"].pk).delete()
    token, page = _delivery(client, cart_token, SABAH)
    ShippingMethod.objects.filter(pk=methods["east"].pk).update(is_active=False)
    page = client.get(f"/checkout/{token}/delivery/")
    assert "We cannot ship this order to your address" in page.content.decode()
    response = client.post(f"/checkout/{token}/delivery/", {
        "shipping_method": methods["east"].code, "payment_method": "bank_transfer"})
    assert response.status_code == 422
    assert Checkout.objects.get().shipping_method == ""


@pytest.mark.django_db
def test_a_shipping_price_change_after_review_is_shown_before_placing(
        client, cart_token, methods):
    token, _page = _delivery(client, cart_token, DETAILS)
    client.post(f"/checkout/{token}/delivery/", {
        "shipping_method": methods["peninsular"].code,
        "payment_method": "bank_transfer"})
    review = client.get(f"/checkout/{token}/review/")
    seen = expected_total(review)
    ShippingMethod.objects.filter(pk=methods["peninsular"].pk).update(
        charge=Decimal("10.00"))
    response = client.post(f"/checkout/{token}/review/",
                           {"accept_terms": "on", "expected_total": seen})
    assert response.status_code == 409
    assert "RM1,244.50" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_changing_the_address_asks_for_the_shipping_method_again(
        client, cart_token, methods):
    token, _page = _delivery(client, cart_token, DETAILS)
    client.post(f"/checkout/{token}/delivery/", {
        "shipping_method": methods["peninsular"].code,
        "payment_method": "bank_transfer"})
    client.post(f"/checkout/{token}/details/", SABAH)
    review = client.get(f"/checkout/{token}/review/")
    assert review.status_code == 303
    assert review["Location"] == f"/checkout/{token}/delivery/"


@pytest.mark.django_db
def test_the_order_page_shows_the_eta_and_a_tracking_link_per_parcel(
        client, cart_token, methods):
    from kedai.orders.services import order_change_status
    from kedai.shipping.services import shipment_record

    token, _page = _delivery(client, cart_token, DETAILS)
    client.post(f"/checkout/{token}/delivery/", {
        "shipping_method": methods["peninsular"].code,
        "payment_method": "bank_transfer"})
    review = client.get(f"/checkout/{token}/review/")
    placed = client.post(f"/checkout/{token}/review/", {
        "accept_terms": "on", "expected_total": expected_total(review)})
    order_url = placed["Location"]
    order = Order.objects.get()
    assert "2-4 working days" in client.get(order_url).content.decode()

    order_change_status(order=order, to="paid", actor="owner")
    shipment_record(order=order, carrier="poslaju",
                    tracking_numbers=["ER123456789MY", "ER123456790MY"],
                    actor="owner")
    text = client.get(order_url).content.decode()
    assert "Shipped" in text
    assert text.count("ER1234567") >= 2
    assert 'rel="noopener noreferrer"' in text
