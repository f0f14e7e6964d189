"""Every id and number a shopper can send is range-checked: nasty values get
a clear 4xx answer, never a 500 (issue 13, defect 14)."""

import pytest
from django.test import Client

from tests.storefront.test_checkout_pages import DETAILS, start

pytestmark = pytest.mark.django_db

# Huge (past 64 bits, and the largest 64-bit id), negative, zero, not a
# number, other scripts' digits, fractions, overlong, a NUL byte.
NASTY = ["99999999999999999999", "9223372036854775808", "9223372036854775807",
         "-1", "0", "abc", "", "١٢٣", "²", "𝟗", "1.5", "1e3", "0x10", "inf",
         "9" * 400, "1\x00", "+1"]


@pytest.fixture
def shopper(shop):
    """A client that never raises, and a cart with one line."""
    client = Client(raise_request_exception=False)
    response = client.post("/cart/add/", {"product": shop["kopi"].pk, "quantity": 1})
    token = response["Location"].split("/")[2]
    return client, token


def _assert_clear(response, *, allow=(200, 303)):
    assert response.status_code < 500, response.content.decode()[:500]
    assert response.status_code in allow or 400 <= response.status_code < 500


@pytest.mark.parametrize("value", NASTY)
def test_cart_add_ids_and_quantities(shopper, shop, value):
    client, token = shopper
    kopi = shop["kopi"].pk
    for url in ("/cart/add/", f"/s/{token}/cart/add/"):
        for data in ({"product": value, "quantity": 1},
                     {"variant": value, "quantity": 1},
                     {"product": kopi, "quantity": value},
                     {"product": kopi, "variant": value, "quantity": 1}):
            response = client.post(url, data)
            if value in ("abc", "99999999999999999999", "-1", "0", "1.5", "١٢٣"):
                assert 400 <= response.status_code < 500, (url, data)
            _assert_clear(response)


@pytest.mark.parametrize("value", NASTY)
def test_cart_lines_and_query_strings(shopper, value):
    client, token = shopper
    _assert_clear(client.post(f"/s/{token}/cart/lines/{value}/", {"quantity": 1}),
                  allow=())
    _assert_clear(client.post(f"/s/{token}/cart/lines/1/", {"quantity": value}))
    _assert_clear(client.get(f"/s/{token}/cart/", {"added": value}))
    for params in ({"page": value}, {"per_page": value}, {"price_min": value},
                   {"price_max": value}, {"category": value}, {"q": value}):
        _assert_clear(client.get("/search/", params))
        _assert_clear(client.get("/c/food/", params))
        _assert_clear(client.get("/search/suggest/", params))
        _assert_clear(client.get("/embed/suggest.json", params))


@pytest.mark.parametrize("value", NASTY)
def test_checkout_and_account_numbers(shopper, shop, value):
    client, token = shopper
    checkout = start(client, token)
    _assert_clear(client.post(f"/checkout/{checkout}/details/",
                              {**DETAILS, "saved_address": value}))
    _assert_clear(client.post(f"/checkout/{checkout}/delivery/",
                              {"shipping_method": value, "payment_method": value}))
    _assert_clear(client.post(f"/checkout/{checkout}/review/",
                              {"accept_terms": "on", "expected_total": value}))
    _assert_clear(client.post("/orders/lookup/", {"number": f"KD-2026-{value}",
                                                  "email": "a@example.my"}))
    account = Client(raise_request_exception=False)
    _assert_clear(account.post(f"/account/{'A' * 32}/addresses/{value}/delete/"),
                  allow=())


@pytest.mark.parametrize("value", NASTY)
def test_order_document_numbers(value):
    from kedai.checkout.placing import checkout_complete
    from tests.checkout.test_services import cart_with, details
    from tests.factories import make_product

    variant = make_product(variants=[{"stock": 5}]).variants.get()
    placed = checkout_complete(cart=cart_with((variant, 1)), details=details(),
                               checkout_key="documents")
    client = Client(raise_request_exception=False)
    _assert_clear(client.get(f"/order/{placed.token}/documents/{value}.pdf"),
                  allow=())
