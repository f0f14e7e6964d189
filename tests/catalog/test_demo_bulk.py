"""The demo loader's PostgreSQL fast path (kedai.catalog.demo.pg_bulk):
COPY, reserved ids, indexes dropped for the load and built again."""

import pytest
from django.db import connection

from kedai.catalog.demo import demo_products, demo_shop_load, load
from kedai.catalog.models import Product, Variant
from kedai.catalog.selectors import ListingParams, product_listing

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ("catalog_product", "catalog_variant", "catalog_product_search")


def _indexes() -> set[tuple[str, str]]:
    """Every index and constraint of the loaded tables, as SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes "
                       "WHERE tablename = ANY(%s)", [list(TABLES)])
        found = set(cursor.fetchall())
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid::regclass::text = ANY(%s)", [list(TABLES)])
        return found | set(cursor.fetchall())


def test_the_same_shop_whichever_path(monkeypatch):
    """Every product and variant as generated, ids in generation order, on
    both databases; on PostgreSQL the bulk path (forced here for a small
    shop) leaves every index as it found it and search works."""
    postgres = connection.vendor == "postgresql"
    before = _indexes() if postgres else set()
    monkeypatch.setattr(load, "BULK_INDEXES_FROM", 0)
    monkeypatch.setattr(load, "BATCH_SIZE", 7)  # several COPY rounds
    summary = demo_shop_load(products=40, seed=3, with_images=False)
    expected = list(demo_products(count=40, seed=3))
    assert summary.products == 40
    assert list(Product.objects.order_by("id").values_list("slug", flat=True)) == [
        p.slug for p in expected]
    assert sorted(Variant.objects.values_list("sku", "price", "stock")) == sorted(
        (v.sku, v.price, v.stock) for p in expected for v in p.variants)
    first = expected[0]
    product = Product.objects.get(slug=first.slug)
    assert (product.price, product.price_max, product.in_stock) == (
        first.price, first.price_max, first.in_stock)
    word = first.name.split()[0]
    hits = product_listing(ListingParams(text=word))
    assert product.pk in [p.pk for p in hits.products] or hits.total >= 24
    if postgres:
        assert len(before) > 20
        assert _indexes() == before
        # The sequence moved past the reserved ids: a new product inserts.
        made = Product.objects.create(name="After", slug="after-the-seed",
                                      category=product.category,
                                      tax_class=product.tax_class)
        assert made.pk > product.pk
