"""Issue 14's regressions: dead ends between product, cart, checkout and
order, and the choices checkout makes for the shopper."""

import re
from decimal import Decimal

import pytest

from kedai.cart.models import Cart, CartLine
from kedai.orders.models import Order
from kedai.shipping.models import ShippingMethod
from tests.factories import flat_shipping
from tests.payments.conftest import gateways  # noqa: F401 - a fixture
from tests.storefront.conftest import token_of
from tests.storefront.test_checkout_pages import DETAILS, expected_total, start

pytestmark = pytest.mark.django_db


def test_add_without_a_size_on_the_product_page_asks_for_the_size(client, shop):
    """The product page of a product with sizes posts only the chosen
    variant: with none chosen the shopper stays on the page, told to choose
    the size, instead of "This product is no longer available"."""
    # As the product page posts it: no product field, no variant chosen.
    response = client.post("/cart/add/", {"quantity": 1, "next": "/p/batik-shirt/"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "Please choose the size first." in text
    assert "no longer available" not in text
    assert "<h1>Batik shirt</h1>" in text
    assert not Cart.objects.exists()


def test_add_without_a_size_in_an_existing_cart_changes_nothing(
        client, shop, cart_token):
    response = client.post(f"/s/{cart_token}/cart/add/",
                           {"quantity": 1, "next": "/p/batik-shirt/"})
    assert response.status_code == 422
    assert "Please choose the size first." in response.content.decode()
    assert CartLine.objects.count() == 1
    # The in-page (htmx) add says the same in its status line.
    response = client.post(f"/s/{cart_token}/cart/add/",
                           {"quantity": 1, "next": "/p/batik-shirt/"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Please choose the size first." in response.content.decode()


def test_product_with_options_posted_with_its_id_from_its_page(client, shop):
    response = client.post("/cart/add/", {"product": shop["shirt"].pk,
                                          "quantity": 1, "next": "/p/batik-shirt/"})
    assert response.status_code == 422
    assert "Please choose the size first." in response.content.decode()


def test_unknown_product_is_still_no_longer_available(client, shop):
    response = client.post("/cart/add/", {"quantity": 1, "next": "/p/no-such/"})
    assert response.status_code == 404
    assert "no longer available" in response.content.decode()


def test_every_header_link_inside_checkout_keeps_the_cart(client, shop, cart_token):
    token = start(client, cart_token)
    prefix = f"/s/{cart_token}"
    for step in ("", "details/"):
        page = client.get(f"{prefix}/checkout/{token}/{step}")
        assert page.status_code == 200
        text = page.content.decode()
        assert f'href="{prefix}/cart/"' in text  # the header's Cart link
        assert 'href="/cart/"' not in text
        assert f'href="{prefix}/search/"' in text
    posted = client.post(f"{prefix}/checkout/{token}/details/", DETAILS)
    assert posted["Location"] == f"{prefix}/checkout/{token}/delivery/"
    # The cart is still there behind that link, with its item.
    cart_page = client.get(f"{prefix}/cart/")
    assert cart_page.status_code == 200 and "Kopi Tenom" in cart_page.content.decode()


def test_checkout_under_another_carts_link_drops_that_link(client, shop, cart_token):
    token = start(client, cart_token)
    other = token_of(client.post("/cart/add/", {"product": shop["kopi"].pk,
                                                "quantity": 1}))
    response = client.get(f"/s/{other}/checkout/{token}/details/")
    assert response.status_code == 303
    assert response["Location"] == f"/checkout/{token}/details/"


def _place(client, cart_token, payment="bank_transfer"):
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    client.post(f"/checkout/{token}/delivery/",
                {"shipping_method": flat_shipping(), "payment_method": payment})
    review = client.get(f"/checkout/{token}/review/")
    return client.post(f"/checkout/{token}/review/", {
        "accept_terms": "on", "expected_total": expected_total(review)})


def test_old_cart_link_after_the_order_explains_and_offers_a_fresh_cart(
        client, shop, cart_token):
    placed = _place(client, cart_token)
    assert placed.status_code == 303
    order_token = placed["Location"].split("/")[2]
    response = client.get(f"/s/{cart_token}/cart/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "This cart is now an order" in text
    assert "Find my order" in text and "Start a fresh cart" in text
    # Whoever holds the cart link may not be the buyer: no way to the order.
    assert order_token not in text and Order.objects.get().number not in text
    assert response["Cache-Control"] == "private, no-store"
    # Adding under the old link starts a fresh cart.
    added = client.post(f"/s/{cart_token}/cart/add/",
                        {"product": shop["kopi"].pk, "quantity": 2})
    assert added.status_code == 303
    fresh = token_of(added)
    assert fresh != cart_token
    assert Cart.objects.filter(status=Cart.Status.OPEN).count() == 1
    # A link that never was a cart is still "not found".
    assert client.get(f"/s/{'z' * 32}/cart/").status_code == 404


def test_cheapest_shipping_is_preselected(client, shop, cart_token):
    flat_shipping("8.00")
    cheap = ShippingMethod.objects.create(
        name="Self pickup point", kind="flat", zones=["peninsular"],
        charge=Decimal("0.50"), position=99)  # listed last
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    text = client.get(f"/checkout/{token}/delivery/").content.decode()
    radios = re.findall(r'<input[^>]*name="shipping_method"[^>]*>', text)
    assert len(radios) >= 2
    assert f'value="{cheap.code}"' not in radios[0]  # not first in the list
    chosen = [tag for tag in radios if "checked" in tag]
    assert len(chosen) == 1 and f'value="{cheap.code}"' in chosen[0]


def test_place_order_goes_straight_to_the_gateway(client, shop, cart_token,
                                                  gateways):  # noqa: F811
    placed = _place(client, cart_token, payment="billplz")
    order = Order.objects.get()
    assert order.payment_method == "billplz"
    # The POST is repeated to the payment start: no second choice.
    assert placed.status_code == 307
    match = re.fullmatch(r"/pay/([A-Za-z0-9_-]{32})/start/", placed["Location"])
    assert match, placed["Location"]
    page = client.post(placed["Location"], {"accept_terms": "on"})
    assert page.status_code == 200
    assert 'id="gateway-form"' in page.content.decode()
    # The order page offers to pay with that same method, not a choice.
    order_page = client.get(f"/order/{match[1]}/").content.decode()
    assert 'name="method" value="billplz"' in order_page
    assert 'type="radio" name="method"' not in order_page


def test_offline_methods_end_on_the_order_page(client, shop, cart_token):
    placed = _place(client, cart_token, payment="bank_transfer")
    assert placed.status_code == 303
    assert re.fullmatch(r"/order/[A-Za-z0-9_-]{32}/", placed["Location"])
