"""API checkout: a returning customer signs in through the checkout page's
throttled service, and e-invoice details are validated like the form's."""

import json

import pytest

from kedai.catalog.models import Variant
from kedai.customers import services as customers
from kedai.customers.addressing import address_clean
from kedai.orders.models import Order
from tests.api.conftest import ADDRESS, api_post

BASE = "/api/store/v1"
PASSWORD = "kopi tenom 2026"
SAVED = {"name": "Siti Aminah", "line1": "8 Lorong Durian", "city": "Kota Kinabalu",
         "postcode": "88000", "state_code": "SBH", "phone": "+60198765432"}
EINVOICE = {"tin": "C2584563200", "id_type": "BRN", "id_number": "202001234567",
            "sst_number": "W10-1808-31000011"}


@pytest.fixture
def siti(db):
    customer = customers.customer_get_or_create(email="siti@example.my",
                                                name="Siti Aminah",
                                                phone="+60123456789")
    customers.customer_set_password(customer=customer, password=PASSWORD)
    customers.customer_remember_address(customer=customer,
                                        address=address_clean(**SAVED))
    return customer


def _checkout(client) -> str:
    kopi = Variant.objects.get(sku="KOPI-1")
    cart = api_post(client, f"{BASE}/carts", {"variant_id": kopi.pk}).json()
    return api_post(client, f"{BASE}/carts/{cart['token']}/checkout",
                    {}).json()["checkout_token"]


def _details(client, token, **extra):
    return client.put(f"{BASE}/checkouts/{token}/details", json.dumps({
        "email": "someone@example.my", "name": "Siti Aminah", "phone": "0123456789",
        "shipping": ADDRESS, **extra}), content_type="application/json")


def test_sign_in_rotates_the_token_and_offers_saved_addresses(client, shop, siti):
    token = _checkout(client)
    wrong = api_post(client, f"{BASE}/checkouts/{token}/sign-in",
                     {"identifier": "siti@example.my", "password": "nope"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "sign_in_failed"
    unknown = api_post(client, f"{BASE}/checkouts/{token}/sign-in",
                       {"identifier": "nobody@example.my", "password": "nope"})
    assert unknown.json()["detail"] == wrong.json()["detail"]
    signed = api_post(client, f"{BASE}/checkouts/{token}/sign-in",
                      {"identifier": siti.number, "password": PASSWORD})
    assert signed.status_code == 200, signed.content
    body = signed.json()
    new = body["checkout_token"]
    assert new != token
    assert body["checkout"]["customer"]["number"] == siti.number
    assert [a["line1"] for a in body["saved_addresses"]] == ["8 Lorong Durian"]
    assert client.get(f"{BASE}/checkouts/{token}").status_code == 404
    listed = client.get(f"{BASE}/checkouts/{new}/saved-addresses").json()
    assert listed == body["saved_addresses"]
    # The account's email wins over the one sent.
    details = _details(client, new)
    assert details.status_code == 200 and details.json()["email"] == "siti@example.my"
    assert not signed.cookies


def test_password_guessing_is_throttled(client, shop, siti):
    token = _checkout(client)
    codes = [api_post(client, f"{BASE}/checkouts/{token}/sign-in",
                      {"identifier": "siti@example.my", "password": f"x{i}"}
                      ).status_code for i in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429
    # Even the right password waits now.
    right = api_post(client, f"{BASE}/checkouts/{token}/sign-in",
                     {"identifier": "siti@example.my", "password": PASSWORD})
    assert right.status_code == 429 and right["Retry-After"]


def test_einvoice_details_are_checked_and_reach_the_order(client, shop):
    token = _checkout(client)
    bad = _details(client, token, einvoice={"tin": "123", "id_type": "NRIC",
                                            "id_number": "12", "sst_number": "x"})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"einvoice.tin", "einvoice.id_number", "einvoice.sst_number"}
    good = _details(client, token, einvoice={**EINVOICE, "tin": "c 2584563200"})
    assert good.status_code == 200
    assert good.json()["einvoice"] == EINVOICE
    client.put(f"{BASE}/checkouts/{token}/delivery", json.dumps({
        "shipping_method": shop["shipping"], "payment_method": "bank_transfer"}),
        content_type="application/json")
    total = client.get(f"{BASE}/checkouts/{token}/review").json()["total"]["amount"]
    placed = api_post(client, f"{BASE}/checkouts/{token}/place",
                      {"expected_total": total})
    assert placed.status_code == 201
    order = Order.objects.get(number=placed.json()["order"]["number"])
    assert order.buyer_einvoice == EINVOICE
    # Sending the details again without e-invoice removes them.
    assert _details(client, _checkout(client)).json()["einvoice"] is None
