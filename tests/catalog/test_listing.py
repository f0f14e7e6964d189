"""Category listings: the same pages whichever plan reads them, and totals
estimated (and said so) where counting exactly would read too much."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from kedai.catalog import selectors
from kedai.catalog.models import Product
from kedai.catalog.selectors import ListingParams, navigation_get, product_listing
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="a PostgreSQL plan")


@pytest.fixture(autouse=True)
def _list_every_time(settings):
    settings.KEDAI_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def fashion():
    """A parent category over three leaves, with products in all four."""
    parent = CategoryFactory(name="Fashion", slug="fashion")
    leaves = [CategoryFactory(name=f"Leaf {n}", slug=f"leaf-{n}", parent=parent)
              for n in range(3)]
    now = timezone.now()
    for n in range(14):
        product = make_product(
            name=f"Item {(n * 5) % 14:02d}", category=([parent] + leaves)[n % 4],
            variants=[{"price": Decimal(10 + (n * 3) % 7)}])
        Product.objects.filter(pk=product.pk).update(
            created_at=now - timedelta(hours=(n * 3) % 14))
    return parent


def _names(category, **params) -> list[str]:
    page = product_listing(ListingParams(category_id=category.pk, **params))
    return [p.name for p in page.products]


@pytest.mark.parametrize("sort", ["", "price", "-price", "newest", "name"])
@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_parent_category_lists_every_product_in_order(fashion, sort, page):
    """Merged per-category pages equal one ordered query over them all."""
    order = selectors._ORDER[sort or "name"]
    everything = list(Product.objects.filter(category__in=[
        fashion, *fashion.children.all()]).order_by(*order)
        .values_list("name", flat=True))

    names = _names(fashion, sort=sort, page=page, per_page=5)

    assert names == everything[(page - 1) * 5:page * 5]


@postgresql_only
def test_merged_page_ids_match_a_single_query(fashion):
    nav = navigation_get()
    ids = nav.descendant_ids(fashion.pk)
    base = Product.objects.filter(is_active=True, price__isnull=False)
    for order in selectors._ORDER.values():
        for offset in (0, 4, 12):
            merged = selectors._merged_page_ids(base, ids, order, offset, 4)
            single = list(base.filter(category_id__in=ids).order_by(*order)
                          .values_list("id", flat=True)[offset:offset + 4])
            assert merged == single, (order, offset)


def test_a_price_range_lists_only_products_in_it(fashion):
    names = _names(fashion, sort="price", price_min=Decimal(12),
                   price_max=Decimal(14), per_page=50)

    prices = [Product.objects.get(name=name).price for name in names]
    assert prices == sorted(prices)
    assert prices and all(12 <= p <= 14 for p in prices)


def test_small_listings_count_exactly(fashion):
    page = product_listing(ListingParams(category_id=fashion.pk, per_page=5))

    assert (page.total, page.total_is_estimate, page.num_pages) == (14, False, 3)


def test_large_listings_estimate_their_total_on_postgresql(fashion, monkeypatch,
                                                           client):
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)

    page = product_listing(ListingParams(category_id=fashion.pk, per_page=5))

    if connection.vendor == "postgresql":
        assert page.total_is_estimate
        assert page.total >= 6
        response = client.get("/c/fashion/")
        assert "About" in response.content.decode()
    else:
        assert (page.total, page.total_is_estimate) == (14, False)
    later = product_listing(ListingParams(category_id=fashion.pk, page=3,
                                          per_page=5))
    assert len(later.products) == 4
