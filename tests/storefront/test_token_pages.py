"""Catalogue pages under a cart token come from one shared render (issue 12):
what a token gets is exactly a fresh render for that token, and nothing of
one cart shows on another cart's page or in the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedai.catalog.search.synonyms import synonyms_current
from tests.storefront.conftest import token_of

pytestmark = pytest.mark.django_db

PAGES = [
    ("/", {}),
    ("/c/fashion/", {}),
    ("/c/fashion/?sort=price&in_stock=on", {}),
    ("/c/fashion/", {"HTTP_HX_REQUEST": "true"}),
    ("/p/batik-shirt/", {}),
    ("/p/kopi-tenom/", {}),
    ("/search/?q=batik", {}),
    ("/search/", {"HTTP_HX_REQUEST": "true"}),
    ("/search/suggest/?q=bat", {"HTTP_HX_REQUEST": "true"}),
]
LANGUAGES = ["", "/ms"]


@pytest.fixture
def second_token(client, shop):
    """Another cart, with two batik shirts."""
    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")
    response = client.post("/cart/add/", {"variant": shirt_m.pk, "quantity": 2})
    assert response.status_code == 303
    return token_of(response)


def _fresh(client, settings, url, headers):
    seconds = settings.KEDAI_PAGE_CACHE_SECONDS
    settings.KEDAI_PAGE_CACHE_SECONDS = 0
    try:
        response = client.get(url, **headers)
    finally:
        settings.KEDAI_PAGE_CACHE_SECONDS = seconds
    assert response.get("X-Kedai-Cache") is None
    return response


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("path", "headers"), PAGES)
def test_token_gets_exactly_a_fresh_render(client, settings, cart_token,
                                           second_token, language, path, headers):
    for token in (cart_token, second_token):
        url = f"/s/{token}{language}{path}"
        expected = _fresh(client, settings, url, headers)
        assert expected.status_code == 200
        assert token in expected.content.decode() or "suggest" in path
        for state in ("miss", "hit"):
            got = client.get(url, **headers)
            if token == second_token:
                state = "hit"  # the first token's render is shared
            assert got["X-Kedai-Cache"] == state, url
            assert got.content == expected.content, url
            for header in ("Content-Type", "Cache-Control", "Referrer-Policy",
                           "X-Robots-Tag", "Content-Security-Policy",
                           "Content-Language"):
                assert got.get(header) == expected.get(header), header
            assert got["Cache-Control"] == "private, no-store"
            assert not got.cookies


def test_nothing_of_one_cart_shows_on_another(client, shop, cart_token,
                                              second_token):
    first = client.get(f"/s/{cart_token}/c/fashion/").content.decode()
    second = client.get(f"/s/{second_token}/c/fashion/").content.decode()
    assert cart_token in first and second_token not in first
    assert second_token in second and cart_token not in second
    # Kopi Tenom (RM1,234.50) in the first cart, two shirts in the second.
    assert 'aria-label="1 item">1</span>' in first
    assert "RM1,234.50</small>" in first
    assert 'aria-label="2 items">2</span>' in second
    assert "RM119.80</small>" in second
    assert "RM1,234.50</small>" not in second


def test_the_cache_holds_no_token_and_no_cart(client, shop, cart_token,
                                              cache_sets):
    stored = cache_sets
    client.get(f"/s/{cart_token}/c/fashion/")
    client.get(f"/s/{cart_token}/p/batik-shirt/")
    pages = [value for key, value in stored if "token-page" in key]
    assert len(pages) == 2
    for value in pages:
        assert cart_token not in value
        assert "RM1,234.50</small>" not in value


def test_unknown_or_expired_tokens_get_no_badge(client, shop):
    page = client.get("/s/" + "x" * 32 + "/c/fashion/")
    assert page.status_code == 200
    assert 'class="badge"' not in page.content.decode()


def test_badge_follows_the_cart_at_once(client, shop, cart_token):
    url = f"/s/{cart_token}/c/fashion/"
    assert 'aria-label="1 item"' in client.get(url).content.decode()
    client.post(f"/s/{cart_token}/cart/add/",
                {"product": shop["kopi"].pk, "quantity": 2})
    page = client.get(url)
    assert page["X-Kedai-Cache"] == "hit"
    assert 'aria-label="3 items">3</span>' in page.content.decode()


@pytest.mark.parametrize("path", [
    "/", "/c/fashion/", "/c/fashion/?sort=price", "/p/batik-shirt/",
    "/search/?q=batik", "/ms/search/?q=batik&category=fashion",
    "/search/suggest/?q=bat",
])
def test_token_catalogue_pages_take_at_most_four_queries(client, shop, cart_token,
                                                         path):
    """A miss is the page's own queries and the badge's (a text search:
    matches, ranking, rows, badge). Served from the shared render, any page
    takes one."""
    url = f"/s/{cart_token}{path}"
    client.get("/")  # the navigation is cached by any page
    synonyms_current()  # so is the synonym list, once per catalogue version
    limit = 4
    for _state in ("miss", "hit"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert len(ctx.captured_queries) <= limit, [
            q["sql"] for q in ctx.captured_queries]
        limit = 1  # a hit: the badge only
