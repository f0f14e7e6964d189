"""Checkout pages: the guest path from cart to order, cookieless and private."""

import re
from decimal import Decimal

import pytest

from kedai.cart.models import CartLine
from kedai.catalog.models import Variant
from kedai.checkout.models import Checkout
from kedai.orders.models import Order
from tests.factories import flat_shipping
from tests.storefront.conftest import token_of

# Checkout pages are served under the cart's token (/s/<cart>/checkout/…)
# when reached from the cart, so the header keeps the shopper's cart.
CHECKOUT_URL = re.compile(
    r"^(?:/s/[A-Za-z0-9_-]{32})?/checkout/(?P<token>[A-Za-z0-9_-]{32})/(?:(?P<step>[\w-]+)/)?$")
DETAILS = {"email": "siti@example.my", "name": "Siti Aminah",
           "phone": "012-345 6789", "line1": "12 Jalan Ampang", "line2": "",
           "city": "Kuala Lumpur", "postcode": "50450", "state": "KUL",
           "billing_same": "on"}


def _private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert not response.cookies


def start(client, cart_token) -> str:
    response = client.post(f"/s/{cart_token}/checkout/start/")
    assert response.status_code == 303
    match = CHECKOUT_URL.match(response["Location"])
    # The first step: sign in, or go on as a guest.
    assert match and match["step"] is None, response["Location"]
    _private(response)
    return match["token"]


def to_review(client, cart_token, payment="bank_transfer") -> str:
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", DETAILS)
    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == f"/checkout/{token}/delivery/"
    response = client.post(f"/checkout/{token}/delivery/",
                           {"shipping_method": flat_shipping(),
                            "payment_method": payment})
    assert response.status_code == 303
    assert response["Location"] == f"/checkout/{token}/review/"
    return token


def expected_total(response) -> str:
    match = re.search(r'name="expected_total" value="([0-9.]+)"',
                      response.content.decode())
    assert match
    return match[1]


@pytest.mark.django_db
def test_guest_checkout_from_cart_to_order_page(client, cart_token, shop):
    cart_page = client.get(f"/s/{cart_token}/cart/")
    assert f'action="/s/{cart_token}/checkout/start/"' in cart_page.content.decode()
    token = start(client, cart_token)
    assert token != cart_token
    responses = [client.get(f"/checkout/{token}/details/")]
    responses.append(client.post(f"/checkout/{token}/details/", DETAILS))
    responses.append(client.get(f"/checkout/{token}/delivery/"))
    responses.append(client.post(f"/checkout/{token}/delivery/",
                                 {"shipping_method": flat_shipping(),
                                  "payment_method": "bank_transfer"}))
    review = client.get(f"/checkout/{token}/review/")
    responses.append(review)
    text = review.content.decode()
    assert "Kopi Tenom" in text and "RM1,242.50" in text  # 1234.50 + 8.00
    assert "12 Jalan Ampang" in text and 'name="accept_terms"' in text
    placed = client.post(f"/checkout/{token}/review/",
                         {"accept_terms": "on",
                          "expected_total": expected_total(review)})
    responses.append(placed)
    assert placed.status_code == 303
    order = Order.objects.get()
    assert order.total == Decimal("1242.50")
    assert order.email == "siti@example.my" and order.phone == "+60123456789"
    assert order.shipping_method == "Flat rate"
    assert order.payment_method == "bank_transfer"
    assert order.shipping_address["state_code"] == "KUL"
    assert Variant.objects.get(sku="KOPI-1").stock == 9
    checkout = Checkout.objects.get()
    assert checkout.status == Checkout.Status.COMPLETED and checkout.order == order
    assert checkout.accepted_at is not None
    order_url = placed["Location"]
    assert re.match(r"^/order/[A-Za-z0-9_-]{32}/$", order_url)
    order_page = client.get(order_url)
    assert order_page.status_code == 200 and order.number in order_page.content.decode()
    for response in responses:
        assert response.status_code in (200, 303)
        _private(response)
    # The completed checkout's pages now lead to the order.
    again = client.get(f"/checkout/{token}/details/")
    assert again.status_code == 303 and again["Location"] == order_url


@pytest.mark.django_db
def test_cash_on_delivery_is_rounded_to_five_sen(client, shop):
    shop["kopi"].variants.update(price=Decimal("10.02"))
    response = client.post("/cart/add/", {"product": shop["kopi"].pk, "quantity": 1})
    cart_token = token_of(response)
    token = to_review(client, cart_token, payment="cod")
    review = client.get(f"/checkout/{token}/review/")
    text = review.content.decode()
    assert "Rounding" in text and expected_total(review) == "18.00"  # 18.02
    placed = client.post(f"/checkout/{token}/review/",
                         {"accept_terms": "on", "expected_total": "18.00"})
    assert placed.status_code == 303
    order = Order.objects.get()
    assert order.total == Decimal("18.00") and order.rounding == Decimal("-0.02")


@pytest.mark.django_db
def test_token_rotation_keeps_details_off_the_cart_link(client, cart_token):
    token = to_review(client, cart_token)
    assert token != cart_token
    cart_page = client.get(f"/s/{cart_token}/cart/").content.decode()
    assert token not in cart_page
    assert "siti@example.my" not in cart_page and "Jalan Ampang" not in cart_page
    # The checkout token is no cart token.
    assert client.get(f"/s/{token}/cart/").status_code == 404
    # Starting again gives yet another token, without the earlier details.
    second = start(client, cart_token)
    assert second not in (token, cart_token)
    page = client.get(f"/checkout/{second}/details/").content.decode()
    assert "siti@example.my" not in page and "Jalan Ampang" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"postcode": "10000"}, "postcode", "Postcode 10000 is in Pulau Pinang"),
    ({"phone": "12345"}, "phone", "Enter a valid Malaysian phone number"),
    ({"email": "siti@"}, "email", "Enter a valid email address"),
    ({"email": ""}, "email", "This field is required"),
    ({"line1": ""}, "line1", "This field is required"),
    ({"name": "", "city": ""}, "city", "This field is required"),
    ({"state": "XXX"}, "state", "Select a valid Malaysian state"),
    ({"billing_same": ""}, "billing_line1", "This field is required"),
])
def test_bad_details_are_refused_with_the_message(client, cart_token, changes,
                                                  field, message):
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", {**DETAILS, **changes})
    assert response.status_code == 422
    _private(response)
    text = response.content.decode()
    assert f'id="id_{field}_error"' in text
    assert message in text.replace("&#x27;", "'")
    checkout = Checkout.objects.get()
    assert checkout.email == "" and checkout.shipping == {}
    # Not allowed further until the details are saved.
    later = client.get(f"/checkout/{token}/review/")
    assert later.status_code == 303
    assert later["Location"] == f"/checkout/{token}/details/"


@pytest.mark.django_db
def test_separate_billing_address_is_kept(client, cart_token):
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", {
        **DETAILS, "billing_same": "", "billing_name": "Kedai Siti Sdn Bhd",
        "billing_line1": "1 Lebuh Pantai", "billing_city": "George Town",
        "billing_postcode": "10300", "billing_state": "PNG"})
    assert response.status_code == 303
    checkout = Checkout.objects.get()
    assert checkout.billing["state_code"] == "PNG"
    assert checkout.billing["phone"] == "+60123456789"
    assert checkout.shipping["state_code"] == "KUL"


@pytest.mark.django_db
def test_invalid_delivery_choice_is_refused(client, cart_token):
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    response = client.post(f"/checkout/{token}/delivery/",
                           {"shipping_method": "teleport", "payment_method": "cod"})
    assert response.status_code == 422
    response = client.post(f"/checkout/{token}/delivery/",
                           {"shipping_method": flat_shipping(),
                            "payment_method": "bitcoin"})
    assert response.status_code == 422
    assert Checkout.objects.get().payment_method == ""
    assert client.get(f"/checkout/{token}/review/")["Location"] == (
        f"/checkout/{token}/delivery/")


@pytest.mark.django_db
def test_tampered_price_fields_are_ignored(client, cart_token):
    token = to_review(client, cart_token)
    review = client.get(f"/checkout/{token}/review/")
    response = client.post(f"/checkout/{token}/review/", {
        "accept_terms": "on", "expected_total": expected_total(review),
        "price": "0.01", "total": "0.01", "unit_price": "0.01"})
    assert response.status_code == 303
    assert Order.objects.get().total == Decimal("1242.50")


@pytest.mark.django_db
def test_changed_price_shows_the_review_again(client, cart_token, shop):
    token = to_review(client, cart_token)
    review = client.get(f"/checkout/{token}/review/")
    shown = expected_total(review)
    shop["kopi"].variants.update(price=Decimal("1300.00"))
    response = client.post(f"/checkout/{token}/review/",
                           {"accept_terms": "on", "expected_total": shown})
    assert response.status_code == 409
    _private(response)
    text = response.content.decode()
    assert "Prices or stock changed; please check and confirm again." in text
    assert "RM1,308.00" in text and expected_total(response) == "1308.00"
    assert not Order.objects.exists()
    assert Variant.objects.get(sku="KOPI-1").stock == 10


@pytest.mark.django_db
def test_terms_must_be_accepted(client, cart_token):
    token = to_review(client, cart_token)
    response = client.post(f"/checkout/{token}/review/",
                           {"expected_total": "1242.50"})
    assert response.status_code == 422
    assert "Please accept the terms" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_sold_out_meanwhile_shows_the_message(client, cart_token):
    token = to_review(client, cart_token)
    Variant.objects.filter(sku="KOPI-1").update(stock=0)
    response = client.post(f"/checkout/{token}/review/",
                           {"accept_terms": "on", "expected_total": "1242.50"})
    assert response.status_code == 422
    assert "sold out" in response.content.decode()
    assert not Order.objects.exists()
    assert Checkout.objects.get().status == Checkout.Status.OPEN


@pytest.mark.django_db
def test_double_place_gives_one_order_and_the_same_page(client, cart_token):
    token = to_review(client, cart_token)
    data = {"accept_terms": "on", "expected_total": "1242.50"}
    first = client.post(f"/checkout/{token}/review/", data)
    second = client.post(f"/checkout/{token}/review/", data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert Variant.objects.get(sku="KOPI-1").stock == 9


@pytest.mark.django_db
def test_unknown_checkout_token_gets_a_friendly_404(client, shop):
    response = client.get(f"/checkout/{'x' * 32}/details/")
    assert response.status_code == 404
    assert "Checkout not found" in response.content.decode()
    _private(response)


@pytest.mark.django_db
def test_empty_cart_cannot_start_checkout(client, cart_token):
    line = CartLine.objects.get()
    client.post(f"/s/{cart_token}/cart/lines/{line.pk}/", {"action": "remove"})
    response = client.post(f"/s/{cart_token}/checkout/start/")
    assert response.status_code == 303
    assert response["Location"] == f"/s/{cart_token}/cart/"
    assert not Checkout.objects.exists()


@pytest.mark.django_db
def test_cross_site_posts_are_refused(client, cart_token):
    evil = {"HTTP_ORIGIN": "https://evil.example"}
    assert client.post(f"/s/{cart_token}/checkout/start/", **evil).status_code == 403
    assert not Checkout.objects.exists()
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", DETAILS, **evil)
    assert response.status_code == 403
    assert Checkout.objects.get().email == ""


@pytest.mark.django_db(transaction=True)
def test_double_click_place_order_at_the_same_moment(cart_token, monkeypatch):
    """Issue 13, defect 2: two "Place order" POSTs of one checkout racing on
    real threads (file-backed database) both land on the same order page."""
    import threading

    from django.db import close_old_connections
    from django.test import Client

    from kedai.checkout import services as checkout_services

    token = to_review(Client(), cart_token)
    # Both requests are past the "already placed?" checks before either
    # places: the first waits inside its transaction for the second.
    both_in = threading.Barrier(2)
    real = checkout_services.checkout_complete

    def together(**kwargs):
        both_in.wait(timeout=10)
        return real(**kwargs)

    monkeypatch.setattr(checkout_services, "checkout_complete", together)
    responses: list = []

    def click():
        try:
            responses.append(Client().post(
                f"/checkout/{token}/review/",
                {"accept_terms": "on", "expected_total": "1242.50"}))
        finally:
            close_old_connections()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    assert [r.status_code for r in responses] == [303, 303], [
        r.content.decode()[:300] for r in responses]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert responses[0]["Location"].startswith("/order/")
    assert Order.objects.count() == 1
    assert Variant.objects.get(sku="KOPI-1").stock == 9
