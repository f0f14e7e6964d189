"""Catalogue pages run a constant, small number of queries (at most 6, and
one more on a cold cache), whatever the page size."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedai.catalog.models import FrontPage, ProductImage
from kedai.catalog.search.synonyms import synonyms_current
from tests.factories import make_product

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6
# A cold cache also reads the seller's details that every page footer shows
# (Consumer Protection (Electronic Trade Transactions) Regulations 2012);
# they are then cached under the catalogue version.
MAX_COLD_QUERIES = MAX_QUERIES + 1


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """Measure the pages themselves, not the public page cache."""
    settings.KEDAI_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def big_shop(shop):
    for i in range(60):
        make_product(name=f"Batik sarong {i}", category=shop["batik"],
                     variants=[{"option1": s, "price": f"{20 + i}.00"}
                               for s in ("S", "M", "L")], option1_name="Size")
    front, _ = FrontPage.objects.get_or_create(pk=1)
    front.featured_categories.set([shop["batik"], shop["food"]])
    for image in range(5):
        ProductImage.objects.create(product=shop["kopi"], image=f"x{image}.jpg",
                                    thumbnail=f"t{image}.webp")
    return shop


def _count(client, url) -> int:
    # The search synonyms are read once per catalogue version into the
    # shared version cache (not cleared here), like a warm navigation.
    synonyms_current()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [
    "/", "/c/fashion/?per_page={n}", "/c/batik/?per_page={n}&sort=price",
    "/search/?q=batik&per_page={n}", "/search/?per_page={n}&in_stock=on",
    "/search/?q=sarong&category=fashion&per_page={n}&sort=-price",
    "/p/kopi-tenom/", "/p/batik-shirt/",
])
def test_catalogue_pages_have_constant_query_counts(client, big_shop, url):
    counts = {}
    for n in (2, 48):
        cache.clear()
        cold = _count(client, url.format(n=n))
        warm = _count(client, url.format(n=n))
        counts[n] = (cold, warm)
        assert cold <= MAX_COLD_QUERIES and warm <= MAX_QUERIES, (url, n, cold, warm)
    assert counts[2] == counts[48], counts


def test_cart_page_query_count_is_constant(client, big_shop):
    response = client.post("/cart/add/", {"product": big_shop["kopi"].pk,
                                          "quantity": 1})
    cart_url = response["Location"].split("?")[0]
    token_prefix = cart_url.removesuffix("cart/")
    client.get(cart_url)  # warm the navigation cache
    few = _count(client, cart_url)
    from kedai.catalog.models import Variant

    sarongs = Variant.objects.filter(product__name__startswith="Batik sarong")
    for variant in sarongs[:20]:
        client.post(f"{token_prefix}cart/add/", {"variant": variant.pk, "quantity": 1})
    assert _count(client, cart_url) == few
    assert few <= MAX_QUERIES
