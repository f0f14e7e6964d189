"""The admin API removes products by the back office's rule (one service):
deleted when no order has them, archived when one does."""

import pytest

from kedai.api.keys import api_key_create
from kedai.catalog.models import Product
from tests.backoffice.orders.conftest import place
from tests.factories import make_product

pytestmark = pytest.mark.django_db
BASE = "/api/admin/v1"


@pytest.fixture
def writer():
    _key, secret = api_key_create(name="shop sync", scopes=["catalog:write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_deletes_or_archives_like_the_office(client, writer):
    unsold = make_product(name="Unsold", slug="unsold")
    sold = place().lines.get().variant.product
    gone = client.delete(f"{BASE}/products/unsold", **writer)
    assert gone.status_code == 200, gone.content
    assert gone.json() == {"slug": "unsold", "outcome": "deleted"}
    assert not Product.objects.filter(pk=unsold.pk).exists()
    kept = client.delete(f"{BASE}/products/{sold.slug}", **writer)
    assert kept.json()["outcome"] == "archived"
    sold.refresh_from_db()
    assert sold.archived_at is not None and not sold.is_active
    assert client.delete(f"{BASE}/products/nothing", **writer).status_code == 404
