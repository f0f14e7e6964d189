import pytest

from kedai.api.keys import api_key_create
from tests.factories import CategoryFactory, flat_shipping, make_product


@pytest.fixture
def shop(db):
    """A small catalogue (like the storefront tests') and a shipping method."""
    fashion = CategoryFactory(name="Fashion", slug="fashion")
    batik = CategoryFactory(name="Batik", slug="batik", parent=fashion)
    food = CategoryFactory(name="Food", slug="food")
    shirt = make_product(
        name="Batik shirt", slug="batik-shirt", category=batik, option1_name="Size",
        variants=[{"sku": "BTK-1-M", "option1": "M", "price": "59.90", "stock": 3},
                  {"sku": "BTK-1-L", "option1": "L", "price": "62.00", "stock": 0}],
    )
    kopi = make_product(name="Kopi Tenom", slug="kopi-tenom", category=food,
                        variants=[{"sku": "KOPI-1", "price": "1234.50", "stock": 10}])
    return {"fashion": fashion, "batik": batik, "food": food, "shirt": shirt,
            "kopi": kopi, "shipping": flat_shipping()}


@pytest.fixture
def make_key(db):
    def make(*scopes: str, name: str = "test key") -> tuple[object, dict]:
        key, secret = api_key_create(name=name, scopes=list(scopes))
        return key, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


ADDRESS = {"line1": "1 Jalan Ampang", "city": "Kuala Lumpur", "postcode": "50450",
           "state": "KUL"}


def api_post(client, url, data, **headers):
    import json

    return client.post(url, json.dumps(data), content_type="application/json",
                       **headers)


@pytest.fixture
def placed_order(client, shop):
    """An order of one Kopi Tenom by bank transfer, placed through the API;
    returns (order number, order token)."""
    return place_order(client, shop)


def place_order(client, shop):
    import json

    from kedai.catalog.models import Variant

    base = "/api/store/v1"
    kopi = Variant.objects.get(sku="KOPI-1")
    cart = api_post(client, f"{base}/carts", {"variant_id": kopi.pk}).json()
    token = api_post(client, f"{base}/carts/{cart['token']}/checkout",
                     {}).json()["checkout_token"]
    client.put(f"{base}/checkouts/{token}/details", json.dumps({
        "email": "siti@example.my", "name": "Siti Aminah", "phone": "0123456789",
        "shipping": ADDRESS}), content_type="application/json")
    client.put(f"{base}/checkouts/{token}/delivery", json.dumps({
        "shipping_method": shop["shipping"], "payment_method": "bank_transfer"}),
        content_type="application/json")
    placed = api_post(client, f"{base}/checkouts/{token}/place",
                      {"expected_total": "1242.50"}).json()
    return placed["order"]["number"], placed["order_token"]


@pytest.fixture
def owner_client(db):
    from django.test import Client

    from tests.shopsettings.conftest import _user

    client = Client()
    client.force_login(_user("nurul", "Owner"))
    return client


@pytest.fixture
def staff_client(db):
    from django.test import Client

    from tests.shopsettings.conftest import _user

    client = Client()
    client.force_login(_user("aisyah", "Staff"))
    return client
