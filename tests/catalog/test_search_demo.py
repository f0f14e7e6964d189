"""Search quality on the demo catalogue (issue 14), on whichever backend
the database uses (SQLite FTS5 or PostgreSQL)."""

import pytest

from kedai.catalog.demo.load import _catalog_delete, demo_shop_load
from kedai.catalog.models import FrontPage, TaxClass
from kedai.catalog.selectors import ListingParams, product_listing


@pytest.fixture(autouse=True)
def _search_every_time(settings):
    settings.KEDAI_PAGE_CACHE_SECONDS = 0


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo shop (600 products, no pictures), once for this module.

    It is committed, so the teardown removes all of it, the front page and
    tax classes too: later tests expect an empty database."""
    with django_db_blocker.unblock():
        fronts = set(FrontPage.objects.values_list("pk", flat=True))
        taxes = set(TaxClass.objects.values_list("pk", flat=True))
        demo_shop_load(products=600, seed=14, with_images=False, flush=True)
    yield
    with django_db_blocker.unblock():
        _catalog_delete()
        FrontPage.objects.exclude(pk__in=fronts).delete()
        TaxClass.objects.exclude(pk__in=taxes).delete()


def listing(text: str):
    return product_listing(ListingParams(text=text, per_page=48))


@pytest.mark.django_db
def test_songkok_is_not_turned_into_songket(demo):
    page = listing("songkok")
    assert page.corrected_text is None
    assert page.products == []


@pytest.mark.django_db
def test_bedk_means_bedak_not_bed(demo):
    page = listing("bedk")
    assert page.corrected_text == "bedak"
    assert page.products and all("bedak" in p.name.lower() for p in page.products)


@pytest.mark.django_db
def test_a_word_with_results_is_never_replaced(demo):
    page = listing("songket")
    assert page.corrected_text is None and page.total > 0
    # In a query that finds nothing, only the word without results changes.
    page = listing("songket bantall")
    assert page.corrected_text in (None, "songket bantal")


@pytest.mark.django_db
def test_coffee_ranks_kopi_above_tea(demo):
    names = [p.name for p in listing("coffee").products]
    assert names
    kopi = [i for i, n in enumerate(names) if "kopi" in n.lower()
            or "coffee" in n.lower()]
    teas = [i for i, n in enumerate(names) if n.lower().startswith("teh")]
    assert kopi, names
    assert not teas or max(kopi) < min(teas), names
