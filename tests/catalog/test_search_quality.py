"""Search quality (issue 14): typo correction picks the word the shopper
meant, and Malay/English synonyms find each other, on whichever backend
the database uses (SQLite FTS5 or PostgreSQL)."""

import pytest
from django.core.cache import cache

from kedai.catalog.models import SearchSynonym
from kedai.catalog.search.spelling import closest_word, max_edits
from kedai.catalog.search.synonyms import expand, synonym_group_parse, synonym_map
from kedai.catalog.selectors import ListingParams, product_listing
from kedai.catalog.services import search_synonyms_delete, search_synonyms_save
from tests.factories import make_product


@pytest.fixture(autouse=True)
def _search_every_time(settings):
    settings.KEDAI_PAGE_CACHE_SECONDS = 0


def listing(text: str):
    return product_listing(ListingParams(text=text, per_page=48))


# --- typo correction ----------------------------------------------------------


@pytest.mark.parametrize(("word", "vocabulary", "expected"), [
    # Two letters apart in seven is another word, not a typo.
    ("songkok", [("songket", 40)], None),
    # A letter left out beats a letter typed too many, whatever is commoner.
    ("bedk", [("bed", 90), ("bedak", 2)], "bedak"),
    ("batk", [("batik", 3), ("batu", 1)], "batik"),
    ("kopu", [("kopi", 5), ("kop", 50)], "kopi"),
    # Equally good: the commoner word.
    ("bata", [("bath", 2), ("batu", 1)], "bath"),
    # Long words still allow two edits.
    ("selenfang", [("selendang", 4)], "selendang"),
])
def test_closest_word_prefers_the_best_match_then_frequency(word, vocabulary,
                                                           expected):
    assert closest_word(word, vocabulary) == expected


def test_edits_allowed_by_length():
    assert [max_edits("x" * n) for n in (2, 3, 7, 8)] == [0, 1, 1, 2]


# --- synonyms -------------------------------------------------------------------


def test_synonym_groups_parse_and_map():
    assert synonym_group_parse(" Kopi, coffee ,kopi,,") == ["kopi", "coffee"]
    groups = synonym_map(["kopi, coffee", "baju, shirt", "kemeja, shirt", "x"])
    assert groups["coffee"] == ("coffee", "kopi")
    assert groups["shirt"] == ("shirt", "baju", "kemeja")
    assert "x" not in groups
    assert expand(["coffee", "ipoh"], groups) == ["coffee|kopi", "ipoh"]


@pytest.mark.django_db
def test_kopi_finds_coffee_and_back(db):
    cache.clear()
    make_product(name="White Coffee Ipoh")
    make_product(name="Kopi Tenom")
    make_product(name="Teak stool")
    assert {p.name for p in listing("kopi").products} == {"White Coffee Ipoh",
                                                          "Kopi Tenom"}
    assert {p.name for p in listing("coffee").products} == {"White Coffee Ipoh",
                                                            "Kopi Tenom"}


@pytest.mark.django_db
def test_synonyms_match_whole_words_only(db):
    cache.clear()
    make_product(name="Teak stool")
    make_product(name="Teh Halia")
    # "teh" -> "tea" as a whole word: no teak.
    assert [p.name for p in listing("teh").products] == ["Teh Halia"]


@pytest.mark.django_db
def test_owner_edits_reach_the_search_at_once(
        db, django_capture_on_commit_callbacks):
    cache.clear()
    make_product(name="Songkok hitam")
    assert listing("kopiah").products == []
    with django_capture_on_commit_callbacks(execute=True):
        group = search_synonyms_save(synonym=SearchSynonym(words="kopiah, songkok"))
    assert [p.name for p in listing("kopiah").products] == ["Songkok hitam"]
    with django_capture_on_commit_callbacks(execute=True):
        search_synonyms_delete(synonyms=[group])
    assert listing("kopiah").products == []


@pytest.mark.django_db
def test_owner_edits_synonyms_in_the_back_office(admin_client,
                                                 django_capture_on_commit_callbacks):
    cache.clear()
    make_product(name="Songkok baldu")
    listed = admin_client.get("/admin/catalog/searchsynonym/")
    assert listed.status_code == 200 and "kopi, coffee" in listed.content.decode()
    refused = admin_client.post("/admin/catalog/searchsynonym/add/",
                                {"words": "kopiah"})
    assert refused.status_code == 200
    assert "at least two different words" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        added = admin_client.post("/admin/catalog/searchsynonym/add/",
                                  {"words": "Kopiah, songkok"})
    assert added.status_code == 302
    assert [p.name for p in listing("kopiah").products] == ["Songkok baldu"]
