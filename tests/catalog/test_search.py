"""Product search: the same behaviour on SQLite FTS5 and PostgreSQL."""

import sys
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kedai.catalog.models import Product
from kedai.catalog.search import Suggestion, get_search_backend
from kedai.catalog.search.query import compact_code, estimated_total
from kedai.catalog.search.spelling import closest_word
from kedai.catalog.selectors import ListingParams, product_listing
from kedai.catalog.services import product_refresh
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _search_every_time(settings):
    """Test the search itself, not the cache of listing pages."""
    settings.KEDAI_PAGE_CACHE_SECONDS = 0


def add(name: str, description: str = "A fine thing.", **kwargs) -> Product:
    """A product that says nothing about batik unless told to."""
    return make_product(name=name, description=description, **kwargs)


@pytest.fixture
def backend_module():
    """The module of the backend in use, for tuning its limits in a test."""
    return sys.modules[type(get_search_backend()).__module__]


def search(text: str, **params) -> list[str]:
    """Names of the products on one page of results, in order."""
    page = product_listing(ListingParams(text=text, **params))
    return [p.name for p in page.products]


def test_name_match_ranks_above_description_only_match():
    add("Plain shirt", description="Looks a little like batik.")
    add("Batik shirt", description="Cotton, hand-drawn.")

    assert search("batik") == ["Batik shirt", "Plain shirt"]


def test_fields_rank_name_then_sku_then_category_then_description():
    add("Lamp one", description="Kelip glow.",
                 variants=[{"sku": "LMP-1"}])
    add("Lamp two", category=CategoryFactory(name="Kelip corner"),
                 variants=[{"sku": "LMP-2"}])
    add("Lamp three", variants=[{"sku": "KELIP-3"}])
    add("Kelip lamp", variants=[{"sku": "LMP-4"}])

    assert search("kelip") == ["Kelip lamp", "Lamp three", "Lamp two", "Lamp one"]


def test_every_word_matches_as_a_prefix():
    add("Batik shirt")
    add("Songket sarong")

    assert search("bat") == ["Batik shirt"]
    assert search("ba") == ["Batik shirt"]
    assert search("bat shi") == ["Batik shirt"]
    assert search("bat sarong") == []


def test_sku_matches_whole_partial_and_without_hyphens():
    add("Batik shirt", variants=[{"sku": "KD-BTK-001", "option1": "S"},
                                 {"sku": "KD-BTK-002", "option1": "M"}])
    add("Songket sarong", variants=[{"sku": "KD-SNG-001"}])

    assert search("KD-BTK-001") == ["Batik shirt"]
    assert search("kd-btk-002") == ["Batik shirt"]
    assert search("BTK-00") == ["Batik shirt"]
    assert search("KDBTK") == ["Batik shirt"]
    assert search("kdsng001") == ["Songket sarong"]
    assert sorted(search("KD-")) == ["Batik shirt", "Songket sarong"]


def test_inactive_variant_sku_is_not_indexed():
    add("Batik shirt", variants=[{"sku": "KD-BTK-001", "option1": "S"},
                                 {"sku": "KD-OLD-009", "option1": "M",
                                  "is_active": False}])

    assert search("KD-OLD-009") == []


def test_category_and_ancestor_names_match():
    clothing = CategoryFactory(name="Clothing")
    shirts = CategoryFactory(name="Shirts", parent=clothing)
    add("Kemeja", category=shirts)

    assert search("shirts") == ["Kemeja"]
    assert search("clothing") == ["Kemeja"]


def test_search_combines_with_category_price_and_stock_filters():
    clothing = CategoryFactory(name="Clothing")
    shirts = CategoryFactory(name="Shirts", parent=clothing)
    other = CategoryFactory(name="Home")
    add("Batik shirt", category=shirts,
                 variants=[{"price": Decimal("50.00"), "stock": 3}])
    add("Batik scarf", category=clothing,
                 variants=[{"price": Decimal("20.00"), "stock": 0}])
    add("Batik cushion", category=other,
                 variants=[{"price": Decimal("35.00"), "stock": 8}])

    assert sorted(search("batik", category_id=clothing.pk)) == [
        "Batik scarf", "Batik shirt"]
    assert search("batik", category_id=shirts.pk) == ["Batik shirt"]
    assert sorted(search("batik", price_min=Decimal("30"))) == [
        "Batik cushion", "Batik shirt"]
    assert search("batik", price_max=Decimal("20.00")) == ["Batik scarf"]
    assert search("batik", price_min=Decimal("30"), price_max=Decimal("40")) == [
        "Batik cushion"]
    assert sorted(search("batik", in_stock=True)) == ["Batik cushion", "Batik shirt"]
    assert search("batik", category_id=clothing.pk, in_stock=True) == [
        "Batik shirt"]


@pytest.mark.parametrize("base_set", [0, 2000])
def test_filters_apply_whether_the_base_is_read_as_a_set_or_probed(
    base_set, backend_module, monkeypatch
):
    monkeypatch.setattr(backend_module, "BASE_SET", base_set, raising=False)
    home = CategoryFactory(name="Home")
    add("Batik shirt", variants=[{"price": Decimal("50.00"), "stock": 0}])
    add("Batik cushion", category=home, variants=[{"price": Decimal("35.00")}])
    add("Batik lamp", category=home, variants=[{"price": Decimal("90.00")}])

    assert search("batik", category_id=home.pk, price_max=Decimal("40")) == [
        "Batik cushion"]
    assert search("batik", in_stock=True, sort="price") == [
        "Batik cushion", "Batik lamp"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", ["Batik kaftan", "Batik blouse", "Songket sarong"]),
        ("price", ["Songket sarong", "Batik kaftan", "Batik blouse"]),
        ("-price", ["Batik blouse", "Batik kaftan", "Songket sarong"]),
        ("newest", ["Batik kaftan", "Batik blouse", "Songket sarong"]),
        ("name", ["Batik blouse", "Batik kaftan", "Songket sarong"]),
        ("nonsense", ["Batik kaftan", "Batik blouse", "Songket sarong"]),
    ],
)
def test_every_sort_orders_the_matches(sort, expected):
    now = timezone.now()
    specs = [
        ("Songket sarong", "10.00", "Worn with a batik top.", 3),
        ("Batik blouse", "90.00", "Silk blouse, long sleeves, a batik print "
                                  "on the collar and cuffs.", 2),
        ("Batik kaftan", "45.00", "Batik, batik, batik.", 1),
    ]
    for name, price, description, days_old in specs:
        product = add(name, description=description,
                               variants=[{"price": Decimal(price)}])
        Product.objects.filter(pk=product.pk).update(
            created_at=now - timedelta(days=days_old))

    assert search("batik", sort=sort) == expected


def test_pages_share_one_total():
    for n in range(5):
        add(f"Batik shirt {n}")
    add("Songket sarong")

    pages = [product_listing(ListingParams(text="batik", sort="name", page=n,
                                           per_page=2))
             for n in (1, 2, 3, 4)]

    assert [page.total for page in pages] == [5, 5, 5, 5]
    assert [len(page.products) for page in pages] == [2, 2, 1, 0]
    assert [p.name for page in pages for p in page.products] == [
        f"Batik shirt {n}" for n in range(5)]
    assert pages[0].num_pages == 3


def test_relevance_past_the_last_page_keeps_the_total():
    for n in range(3):
        add(f"Batik shirt {n}")

    page = product_listing(ListingParams(text="batik", page=5, per_page=2))

    assert (page.products, page.total) == ([], 3)


def test_broad_searches_rank_the_newest_matches_and_page_through_the_rest(
    backend_module, monkeypatch
):
    """Beyond the rank window, pages continue newest first; nothing repeats."""
    monkeypatch.setattr(backend_module, "RANK_WINDOW", 4)
    for n in range(9):
        add(f"Plain shirt {n}", description="Batik trim.")
    add("Batik shirt")  # newest, and the only name match

    pages = [product_listing(ListingParams(text="batik", page=n, per_page=3))
             for n in (1, 2, 3, 4, 5)]
    names = [p.name for page in pages for p in page.products]

    assert names[0] == "Batik shirt"
    assert sorted(names) == sorted(["Batik shirt"] + [f"Plain shirt {n}"
                                                      for n in range(9)])
    assert names[4:] == [f"Plain shirt {n}" for n in (5, 4, 3, 2, 1, 0)]
    assert pages[0].total == 10


def test_broad_searches_put_name_matches_among_the_newest_first(
    backend_module, monkeypatch
):
    """Within the rank window a name match leads; older ones keep their place."""
    monkeypatch.setattr(backend_module, "RANK_WINDOW", 4)
    add("Batik shirt")  # oldest: outside the window
    for n in range(6):
        add(f"Plain shirt {n}", description="Batik trim.")
    add("Batik kaftan")  # within the newest four
    for n in range(6, 8):
        add(f"Plain shirt {n}", description="Batik trim.")

    page = product_listing(ListingParams(text="batik", per_page=3))

    assert [p.name for p in page.products] == [
        "Batik kaftan", "Plain shirt 7", "Plain shirt 6"]
    assert page.total_is_estimate
    assert page.total >= 5
    later = product_listing(ListingParams(text="batik", page=4, per_page=3))
    assert [p.name for p in later.products] == ["Batik shirt"]


@pytest.mark.parametrize("sort", ["price", "-price", "newest", "name"])
def test_sorted_broad_searches_order_every_match_and_estimate_the_total(
    backend_module, monkeypatch, sort
):
    monkeypatch.setattr(backend_module, "RANK_WINDOW", 4)
    for n in range(10):
        add(f"Batik shirt {n}", variants=[{"price": Decimal(50 - n)}])

    page = product_listing(ListingParams(text="batik", sort=sort, per_page=20))

    by_price = [f"Batik shirt {n}" for n in range(9, -1, -1)]
    expected = {"price": by_price, "-price": by_price[::-1],
                "newest": by_price, "name": by_price[::-1]}[sort]
    assert [p.name for p in page.products] == expected
    assert page.total_is_estimate and page.total >= 5


def test_small_searches_count_exactly_in_every_sort(backend_module, monkeypatch):
    monkeypatch.setattr(backend_module, "RANK_WINDOW", 4)
    for n in range(4):
        add(f"Batik shirt {n}")

    for sort in ("relevance", "price", "name"):
        page = product_listing(ListingParams(text="batik", sort=sort))
        assert (page.total, page.total_is_estimate) == (4, False)


def test_a_prefix_also_finds_codes_that_start_with_it():
    """Whole words spelt out for a prefix never lose a code starting so."""
    add("Kurung moden")
    add("Plain shirt", variants=[{"sku": "KURUNG2"}])
    add("Plain skirt", description="A kurungan of pleats.")

    assert sorted(search("kurung")) == ["Kurung moden", "Plain shirt", "Plain skirt"]
    assert search("kurung mod") == ["Kurung moden"]


@pytest.mark.parametrize("typo", ["btaik", "batk", "batikk", "bstik"])
def test_misspelt_word_is_corrected_when_nothing_matches(typo):
    add("Batik shirt")
    add("Songket sarong")

    page = product_listing(ListingParams(text=typo))

    assert [p.name for p in page.products] == ["Batik shirt"]
    assert page.corrected_text == "batik"


def test_only_the_misspelt_word_is_corrected():
    add("Batik shirt")
    add("Batik scarf")

    page = product_listing(ListingParams(text="batik shrit"))

    assert [p.name for p in page.products] == ["Batik shirt"]
    assert page.corrected_text == "batik shirt"


def test_misspelt_category_name_is_corrected():
    add("Periuk", category=CategoryFactory(name="Kitchen"))

    page = product_listing(ListingParams(text="kitchn"))

    assert [p.name for p in page.products] == ["Periuk"]
    assert page.corrected_text == "kitchen"


def test_correct_words_are_not_corrected():
    add("Batik shirt")
    add("Songket sarong")

    page = product_listing(ListingParams(text="batik sarong"))

    assert page.products == []
    assert page.corrected_text is None


def test_hopeless_words_find_nothing_without_correction():
    add("Batik shirt")

    page = product_listing(ListingParams(text="xylophone"))

    assert (page.products, page.total, page.corrected_text) == ([], 0, None)


def test_deactivated_product_disappears_after_refresh():
    product = add("Batik shirt")
    assert search("batik") == ["Batik shirt"]

    Product.objects.filter(pk=product.pk).update(is_active=False)
    product_refresh(product_ids=[product.pk])

    assert search("batik") == []
    assert get_search_backend().suggest(text="batik", limit=5) == []


def test_a_hidden_or_unpriced_product_leaves_the_results_before_a_refresh():
    """The listing's base filter holds while the index is not yet refreshed."""
    shirt = add("Batik shirt")
    add("Batik scarf")

    Product.objects.filter(pk=shirt.pk).update(is_active=False)
    assert search("batik") == ["Batik scarf"]
    Product.objects.filter(pk=shirt.pk).update(is_active=True, price=None)
    assert search("batik") == ["Batik scarf"]
    Product.objects.filter(pk=shirt.pk).update(price=Decimal("5.00"))
    assert sorted(search("batik")) == ["Batik scarf", "Batik shirt"]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL rows")
def test_a_search_of_the_whole_shop_reads_no_product_row_for_its_matches():
    """Listed or not is read from the search row; filters still join."""
    add("Batik shirt")

    def searched(**params) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            search("batik", **params)
        return [q["sql"] for q in queries.captured_queries
                if "catalog_product_search AS idx" in q["sql"]]

    assert searched() and not any('"is_active"' in sql for sql in searched())
    assert all('"is_active"' in sql for sql in searched(in_stock=True))


def test_reactivated_and_renamed_product_is_found_by_its_new_name():
    product = add("Batik shirt")
    Product.objects.filter(pk=product.pk).update(is_active=False)
    product_refresh(product_ids=[product.pk])

    Product.objects.filter(pk=product.pk).update(is_active=True, name="Songket shirt")
    product_refresh(product_ids=[product.pk])

    assert search("batik") == []
    assert search("songket") == ["Songket shirt"]


def test_deleted_product_is_no_longer_returned():
    product = add("Batik shirt")
    add("Batik scarf")

    product.delete()

    assert search("batik") == ["Batik scarf"]
    assert [s.name for s in get_search_backend().suggest(text="bat", limit=5)] == [
        "Batik scarf"]


HOSTILE = [
    "", "   ", "x" * 1000, "batik " * 200, '"', '""', "*", "**", "NEAR(", "NEAR(a b)",
    "-", "-batik", "OR", "AND", "NOT", "batik OR", "batik AND", '"unbalanced',
    "name:batik", "{name}: batik", "^batik", "batik*", "(", ")", "&", "|", "!",
    ":*", "'", "\\", "%", "_", "<script>alert(1)</script>",
    "'; DROP TABLE catalog_product; --", "\x00", "🙂🛍️", "batik 🙂",
    "丝绸围巾", "பட்டு சேலை", "café crème", "a" * 41, " ".join("abcdefghijklmn"),
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(text):
    add("Batik shirt")
    backend = get_search_backend()

    page = product_listing(ListingParams(text=text))
    suggestions = backend.suggest(text=text, limit=5)

    assert page.total >= 0
    assert isinstance(suggestions, list)
    assert Product.objects.count() == 1


@pytest.mark.parametrize("text", ["-batik", '"batik', 'batik"', "batik*", "(batik)",
                                  "batik 🙂", "{batik}", "batik:", "^batik"])
def test_operators_are_ignored_around_real_words(text):
    add("Batik shirt")
    add("Songket sarong")

    assert search(text) == ["Batik shirt"]


def test_tamil_names_are_searchable():
    """Vowel signs and virama stay inside words (Python's \\w drops them)."""
    add("பட்டு சேலை")
    add("Batik shirt")

    assert search("பட்டு") == ["பட்டு சேலை"]


def test_chinese_names_are_searchable():
    add("丝绸围巾")
    add("Batik shirt")

    assert search("丝绸围巾") == ["丝绸围巾"]
    assert search("丝绸") == ["丝绸围巾"]


def test_suggest_returns_best_active_priced_products_first():
    add("Batik shirt", variants=[{"price": Decimal("59.90")}])
    add("Plain shirt", description="Not batik.")
    add("Batik scarf", is_active=False)
    add("Songket sarong")

    suggestions = get_search_backend().suggest(text="bat", limit=5)

    assert suggestions[0] == Suggestion(name="Batik shirt", slug=suggestions[0].slug,
                                        price=Decimal("59.90"), thumbnail="")
    assert [s.name for s in suggestions] == ["Batik shirt", "Plain shirt"]
    assert isinstance(suggestions[0].price, Decimal)


def test_suggest_respects_the_limit():
    for n in range(6):
        add(f"Batik shirt {n}")

    backend = get_search_backend()

    assert len(backend.suggest(text="batik", limit=3)) == 3
    assert backend.suggest(text="batik", limit=0) == []
    assert backend.suggest(text="", limit=3) == []


def _wipe_index():
    table = {"sqlite": "catalog_product_fts",
             "postgresql": "catalog_product_search"}[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def test_rebuild_restores_a_wiped_index():
    add("Batik shirt", variants=[{"sku": "KD-BTK-001"}])
    add("Songket sarong")
    add("Retired scarf", is_active=False)
    _wipe_index()
    assert search("batik") == []

    count = get_search_backend().rebuild()

    assert count == 2
    assert search("batik") == ["Batik shirt"]
    assert search("kdbtk001") == ["Batik shirt"]
    assert search("retired") == []


def test_search_rebuild_command_prints_the_count():
    add("Batik shirt")
    _wipe_index()
    out = StringIO()

    call_command("search_rebuild", stdout=out)

    assert out.getvalue().strip() == "Indexed 1 products."
    assert search("batik") == ["Batik shirt"]


def test_category_rename_reaches_the_index_after_refresh():
    category = CategoryFactory(name="Shirts")
    product = add("Kemeja", category=category)

    category.name = "Tops"
    category.save()
    product_refresh(product_ids=[product.pk])

    assert search("tops") == ["Kemeja"]
    assert search("shirts") == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("btaik", "batik"),  # swapped letters are one edit
        ("batk", "batik"),  # as close as "batu", but in more products
        ("sarug", "sarung"),  # a whole word beats "sarong" (two edits)
        ("songk", "songket"),  # still typing: the beginning is close enough
        ("xyz", None),
        ("ba", None),  # too short to guess
    ],
)
def test_closest_word(word, expected):
    vocabulary = [("batik", 3), ("batu", 1), ("sarung", 1), ("sarong", 9),
                  ("songket", 2), ("kd001", 5)]

    assert closest_word(word, vocabulary) == expected


def test_closest_word_prefers_the_same_first_letter_then_more_products():
    assert closest_word("bata", [("kata", 50), ("batu", 1), ("bath", 2)]) == "bath"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KD-BTK-001", "kdbtk001"),
        (" kd/btk.01 ", "kdbtk01"),
        ("KD-BTK", None),  # no digit: probably words, not a code
        ("batik shirt", None),
        ("KD-BTK-001 shirt", None),
        ("001", None),
    ],
)
def test_compact_code(text, expected):
    from kedai.catalog.search.base import terms

    assert compact_code(text, terms(text)) == expected


def test_estimated_total_extrapolates_from_the_newest_matches():
    assert estimated_total(list(range(10_000, 9_000, -1)), first_id=1,
                           floor=1001) == 10_000
    assert estimated_total(list(range(12_345, 12_000, -1)), first_id=1,
                           floor=346) == 12_000
    assert estimated_total([5, 4, 3], first_id=3, floor=4) == 4


# Each tuning forces one of the PostgreSQL backend's plans (see _newest):
# walk the newest products, AND the GIN bitmap with an id range (in rounds),
# read every match, ask for a prefix as such rather than as its words.
PLANS = [
    {"WALK_ROWS": 10**9},
    {"WALK_ROWS": 0, "FLOOR_MATCHES": 0, "FLOOR_SLACK": 1},
    {"WALK_ROWS": 0, "FLOOR_MATCHES": 10**9},
    {"SPELL_MAX": 0},
]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plans")
@pytest.mark.parametrize("first_id", [None, 32756])
@pytest.mark.parametrize("plan", PLANS)
def test_the_plan_chosen_never_changes_the_results(
    backend_module, monkeypatch, plan, first_id
):
    """The same pages and totals; from id 32,756 the products straddle id
    blocks of each level but the widest (see blocks_from)."""
    monkeypatch.setattr(backend_module, "RANK_WINDOW", 6)
    if first_id:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence("
                           "'catalog_product', 'id'), %s)", [first_id - 1])
    for n in range(24):
        words = ["Batik"] + (["songket"] if n % 5 == 0 else []) + [f"no{n}"]
        add(" ".join(words), variants=[{"price": Decimal(10 + (n * 7) % 24)}],
            description="Songket trim." if n % 7 == 0 else "Plain.")
    queries = [(text, sort, page) for text in ("batik", "bat", "songket",
                                               "batik song", "songket zzz")
               for sort in ("relevance", "price", "-price", "newest")
               for page in (1, 2)]

    def results():
        return [(p.total, p.total_is_estimate, [x.pk for x in p.products])
                for p in (product_listing(ListingParams(
                    text=text, sort=sort, page=page, per_page=4))
                    for text, sort, page in queries)]

    expected = results()
    for name, value in plan.items():
        monkeypatch.setattr(backend_module, name, value)

    assert results() == expected


@pytest.mark.parametrize(
    ("floor", "newest", "expected"),
    [
        (5000, 6000, [4096]),  # the 4,096-wide block that holds both
        (20000, 100000, [16384, 20480, 24576, 28672, 32769, 65537, 98305]),
        (0, 70000, [2]),  # one block from 0: ids above the newest cost nothing
        (258000, 530000, [253952, 258048, 262146, 524290]),
        (9000, 8000, []),
    ],
)
def test_blocks_from_covers_the_ids_from_the_floor_with_few_blocks(
    floor, newest, expected
):
    from kedai.catalog.search.postgres import blocks_from

    assert blocks_from(floor, newest) == expected
