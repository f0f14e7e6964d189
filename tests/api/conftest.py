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
