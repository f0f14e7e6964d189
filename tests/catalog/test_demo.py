"""The demo shop: deterministic data, a consistent catalogue, the command."""

from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, Max, Min, OuterRef, Q

from kedai.cart.models import Cart, CartLine
from kedai.catalog.demo import (
    FEATURED_CATEGORIES,
    TREE,
    DemoShopError,
    demo_categories,
    demo_products,
    demo_shop_load,
)
from kedai.catalog.models import (
    Category,
    FrontPage,
    Product,
    ProductImage,
    TaxClass,
    Variant,
)

N = 30
LEAVES = sum(len(root.leaves) for root in TREE)


def _shop() -> list[tuple]:
    """Everything a shopper would notice, in a stable order."""
    return list(
        Variant.objects.order_by("sku").values_list(
            "sku", "product__name", "product__slug", "product__category__slug",
            "price", "compare_at_price", "stock", "option1", "option2",
        )
    )


# --- The generator (no database) -------------------------------------------------


def test_same_seed_gives_same_products():
    """Two runs with one seed yield identical products; another seed differs."""
    first = list(demo_products(count=80, seed=7))
    again = list(demo_products(count=80, seed=7))
    other = list(demo_products(count=80, seed=8))

    assert first == again
    assert [v.sku for p in first for v in p.variants] != [
        v.sku for p in other for v in p.variants
    ]


def test_prices_are_decimal_ringgit_with_shop_endings():
    """Prices are Decimals ending in .00/.50/.90; sale prices are higher."""
    for product in demo_products(count=300, seed=1):
        for variant in product.variants:
            assert isinstance(variant.price, Decimal)
            assert str(variant.price)[-3:] in {".00", ".50", ".90"}
            assert variant.price > 0
            if variant.compare_at_price is not None:
                assert isinstance(variant.compare_at_price, Decimal)
                assert variant.compare_at_price > variant.price


def test_skus_and_slugs_stay_unique_in_a_large_shop():
    """At thousands of products no SKU or slug repeats."""
    products = list(demo_products(count=5000, seed=3))
    skus = [v.sku for p in products for v in p.variants]

    assert len(set(skus)) == len(skus)
    assert len({p.slug for p in products}) == len(products)
    assert all(sku.startswith("KD-") for sku in skus)
    assert all(len(sku) <= 64 for sku in skus)


def test_variants_follow_the_product_options():
    """Option values fill exactly the options the product names."""
    products = list(demo_products(count=200, seed=4))

    for product in products:
        named = [bool(n) for n in product.option_names]
        for variant in product.variants:
            assert [bool(v) for v in variant.options] == named
        assert product.variants[0].is_active
    assert any(p.option_names[0] == "Size" for p in products)
    assert any(p.option_names[:2] == ("Weight", "Grind") for p in products)
    assert any(len(p.variants) == 1 and not p.option_names[0] for p in products)


def test_first_round_covers_every_category():
    """A shop with one product per leaf category fills every leaf."""
    products = list(demo_products(count=LEAVES, seed=2))
    leaves = {c.slug for c in demo_categories() if c.parent_slug}

    assert {p.category_slug for p in products} == leaves


def test_product_families_have_distinct_codes():
    """SKU family codes are unique, so SKUs cannot collide across them."""
    codes = [kind.code for root in TREE for leaf in root.leaves for kind in leaf.kinds]

    assert len(codes) == len(set(codes))


# --- Loading -----------------------------------------------------------------------


@pytest.mark.django_db
def test_load_builds_the_shop():
    """Tax classes, a ten-root tree, products, variants and the front page."""
    summary = demo_shop_load(products=N, seed=11, with_images=False)

    assert Category.objects.filter(parent=None).count() == len(TREE) == 10
    assert Category.objects.count() == summary.categories == len(demo_categories())
    assert Product.objects.count() == summary.products == N
    assert Variant.objects.count() == summary.variants
    assert summary.images == 0
    assert summary.out_of_stock == Product.objects.filter(in_stock=False).count()
    rates = dict(TaxClass.objects.values_list("code", "rate"))
    assert rates == {"none": Decimal("0"), "sales-5": Decimal("5"),
                     "sales-10": Decimal("10"), "service-8": Decimal("8")}
    taxed = Counter(Product.objects.values_list("tax_class__code", flat=True))
    assert taxed["none"] > N // 2
    assert taxed["sales-10"] + taxed["sales-5"] > 0
    # Products with options and products with one default variant.
    with_options = Product.objects.exclude(option1_name="")
    assert with_options.exists()
    assert not Variant.objects.filter(product__in=with_options, option1="").exists()
    single = Product.objects.annotate(n=Count("variants")).filter(
        option1_name="", n=1)
    assert single.exists()
    front = FrontPage.objects.get(pk=1)
    assert front.store_name == "Kedai Nusantara"
    assert "RM150" in front.announcement
    assert front.hero_title and front.hero_link_category is not None
    assert sorted(front.featured_categories.values_list("slug", flat=True)) == \
        sorted(FEATURED_CATEGORIES)
    featured = front.featured_products.all()
    assert featured.count() == 8
    assert all(p.in_stock for p in featured)


@pytest.mark.django_db
def test_summaries_match_active_variants():
    """price/price_max/in_stock equal what the active variants say."""
    demo_shop_load(products=N, seed=12, with_images=False)
    active = Variant.objects.filter(is_active=True)
    rows = Product.objects.annotate(
        low=Min("variants__price", filter=Q(variants__is_active=True)),
        high=Max("variants__price", filter=Q(variants__is_active=True)),
        stocked=Exists(active.filter(product=OuterRef("pk"), stock__gt=0)),
    )

    for product in rows:
        assert product.price == product.low
        assert product.price_max == product.high
        assert product.in_stock == product.stocked
    assert Variant.objects.filter(stock=0).exists()
    assert Product.objects.filter(in_stock=True).exists()


@pytest.mark.django_db
def test_same_seed_loads_the_same_shop_again():
    """Loading, flushing and loading one seed gives the same SKUs and prices."""
    demo_shop_load(products=N, seed=21, with_images=False)
    first = _shop()

    demo_shop_load(products=N, seed=21, with_images=False, flush=True)
    again = _shop()
    demo_shop_load(products=N, seed=22, with_images=False, flush=True)
    other = _shop()

    assert first == again
    assert [row[0] for row in first] != [row[0] for row in other]
    assert Product.objects.count() == N


@pytest.mark.django_db
def test_load_refuses_a_catalogue_with_products():
    """Without flush, existing products are never mixed with the demo."""
    demo_shop_load(products=5, seed=1, with_images=False)

    with pytest.raises(DemoShopError) as error:
        demo_shop_load(products=5, seed=2, with_images=False)

    assert error.value.code == "catalog_not_empty"
    assert Product.objects.count() == 5


@pytest.mark.django_db
def test_flush_removes_cart_lines_of_deleted_variants():
    """Cart lines pointing at demo variants go with them (their CASCADE)."""
    demo_shop_load(products=5, seed=1, with_images=False)
    cart = Cart.objects.create(token_hash="a" * 64)
    CartLine.objects.create(cart=cart, variant=Variant.objects.first(), quantity=2)

    demo_shop_load(products=5, seed=1, with_images=False, flush=True)

    assert not CartLine.objects.exists()
    assert Cart.objects.filter(pk=cart.pk).exists()
    assert Product.objects.count() == 5


@pytest.mark.django_db
def test_images_and_thumbnails_are_stored(settings, tmp_path):
    """Each product gets 2-4 JPEG views with WebP thumbnails, the first
    being its listing thumbnail; branding gets pictures."""
    settings.MEDIA_ROOT = tmp_path
    summary = demo_shop_load(products=12, seed=5, with_images=True)
    root = Path(settings.MEDIA_ROOT)

    images = list(ProductImage.objects.select_related("product"))
    assert len(images) == summary.images
    per_product = Counter(image.product_id for image in images)
    assert set(per_product.values()) <= {2, 3, 4} and len(per_product) == 12
    assert len(set(per_product.values())) > 1
    for image in images:
        assert (root / image.image.name).is_file()
        assert image.image.name.endswith(".jpg")
        assert image.thumbnail.name.endswith(".webp")
        assert (root / image.thumbnail.name).is_file()
        assert image.alt_text == image.product.name
        if image.position == 0:
            assert image.product.thumbnail == image.thumbnail.name
    assert len({image.image.name for image in images}) == len(images)
    front = FrontPage.objects.get(pk=1)
    assert (root / front.logo.name).is_file()
    assert (root / front.hero_image.name).is_file()
    for category in Category.objects.filter(parent=None):
        assert (root / category.image.name).is_file()


@pytest.mark.django_db
def test_large_catalogues_share_picture_files(settings, tmp_path, monkeypatch):
    """Past the curated products, a product that looks like an earlier one
    gets rows pointing at that one's files: no drawing, no new files."""
    from kedai.catalog.demo import load

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(load, "OWN_PICTURES", 20)
    demo_shop_load(products=120, seed=5, with_images=True)
    images = list(ProductImage.objects.all())
    files = {image.image.name for image in images}
    assert len(files) < len(images)
    assert all((tmp_path / name).is_file() for name in files)
    assert not Product.objects.filter(thumbnail="").exists()


# --- The command --------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_prints_a_summary():
    """The command loads the shop and reports counts and time on one line."""
    out = StringIO()

    call_command("seed_demo", "--products", str(N), "--no-images", stdout=out)

    line = out.getvalue().strip()
    assert "\n" not in line
    assert f"{N} products" in line
    assert line.endswith("s.")
    assert Product.objects.count() == N


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_a_stocked_catalogue_alone():
    """--if-empty is a no-op once products exist; without it, an error."""
    call_command("seed_demo", "--products", "5", "--no-images", stdout=StringIO())
    before = _shop()
    out = StringIO()

    call_command("seed_demo", "--products", "9", "--seed", "99", "--no-images",
                 "--if-empty", stdout=out)

    assert "not loaded" in out.getvalue()
    assert _shop() == before
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed_demo", "--products", "9", "--no-images",
                     stdout=StringIO())


@pytest.mark.django_db
def test_seed_demo_flush_replaces_the_catalogue():
    """--flush deletes the old catalogue and loads the new one."""
    call_command("seed_demo", "--products", "5", "--no-images", stdout=StringIO())

    call_command("seed_demo", "--products", "9", "--seed", "3", "--no-images",
                 "--flush", stdout=StringIO())

    assert Product.objects.count() == 9
    assert Category.objects.filter(parent=None).count() == 10
