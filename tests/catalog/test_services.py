"""Product summaries, navigation and descriptions."""

from decimal import Decimal

import pytest

from kedai.catalog.models import Product, Variant
from kedai.catalog.richtext import render_markdown
from kedai.catalog.selectors import navigation_get
from kedai.catalog.services import catalog_changed, product_refresh
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db


def test_summary_follows_active_variants():
    product = make_product(variants=[
        {"option1": "L", "price": "30.00", "stock": 0},
        {"option1": "M", "price": "20.00", "stock": 0},
        {"option1": "S", "price": "5.00", "stock": 9},
    ])
    product = Product.objects.get(pk=product.pk)
    assert (product.price, product.price_max) == (Decimal("5.00"), Decimal("30.00"))
    assert product.in_stock
    Variant.objects.filter(price="5.00").update(is_active=False)
    product_refresh(product_ids=[product.pk])
    product = Product.objects.get(pk=product.pk)
    assert product.price == Decimal("20.00")
    assert not product.in_stock


def test_product_without_active_variants_leaves_listings():
    product = make_product()
    Variant.objects.update(is_active=False)
    product_refresh(product_ids=[product.pk])
    assert Product.objects.get(pk=product.pk).price is None


def test_navigation_tree_and_descendants():
    root = CategoryFactory(name="Fashion", slug="fashion", position=1)
    batik = CategoryFactory(name="Batik", slug="batik", parent=root)
    sarong = CategoryFactory(name="Sarong", slug="sarong", parent=batik)
    food = CategoryFactory(name="Food", slug="food", position=2)
    hidden = CategoryFactory(name="Hidden", slug="hidden", parent=root,
                             is_active=False)
    CategoryFactory(name="Under hidden", slug="under-hidden", parent=hidden)
    catalog_changed()
    nav = navigation_get()
    assert [n.slug for n in nav.tree()] == ["fashion", "batik", "sarong", "food"]
    assert set(nav.descendant_ids(root.pk)) == {root.pk, batik.pk, sarong.pk}
    assert [n.slug for n in nav.ancestors(sarong.pk)] == ["fashion", "batik", "sarong"]
    assert "under-hidden" not in nav.by_slug
    assert nav.categories[sarong.pk].depth == 2
    assert food.pk in nav.roots


def test_navigation_is_cached_until_the_catalogue_changes(
        django_assert_num_queries, django_capture_on_commit_callbacks):
    CategoryFactory(name="Fashion", slug="fashion")
    navigation_get()
    with django_assert_num_queries(0):
        navigation_get()
    with django_capture_on_commit_callbacks(execute=True):
        CategoryFactory(name="Food", slug="food")
        catalog_changed()
        # Not before the change commits (issue 13 defect 7).
        assert "food" not in navigation_get().by_slug
    assert "food" in navigation_get().by_slug


def test_markdown_descriptions_escape_html():
    html = render_markdown("**Sutera** <script>x</script>\n\n- one\n- two")
    assert "<strong>Sutera</strong>" in html
    assert "&lt;script&gt;" in html
    assert "<li>one</li>" in html
    assert 'href="javascript' not in render_markdown("[a](javascript:alert(1))")
