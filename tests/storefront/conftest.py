import re

import pytest

from tests.factories import CategoryFactory, make_product

TOKEN_URL = re.compile(r"^/s/(?P<token>[A-Za-z0-9_-]{32})/")


@pytest.fixture
def shop(db):
    """A small catalogue: a category tree and products with variants."""
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
            "kopi": kopi}


def token_of(response) -> str:
    match = TOKEN_URL.match(response["Location"])
    assert match, response["Location"]
    return match["token"]


@pytest.fixture
def cart_token(client, shop):
    """A cart holding one Kopi Tenom, created through the storefront."""
    response = client.post("/cart/add/", {"product": shop["kopi"].pk, "quantity": 1})
    assert response.status_code == 303
    return token_of(response)


@pytest.fixture
def cache_sets(monkeypatch):
    """Every ``(key, repr(value))`` the default cache is given from now on."""
    from django.core.cache import cache

    stored = []
    original = cache.set

    def recording_set(key, value, *args, **kwargs):
        stored.append((key, repr(value)))
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return stored
