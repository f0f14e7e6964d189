"""Public pages are served from the server-side cache until the catalogue
changes; nothing personal is ever cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedai.catalog.models import Product
from kedai.catalog.services import product_refresh

pytestmark = pytest.mark.django_db


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return response, len(ctx.captured_queries)


def test_second_request_is_served_from_cache_without_queries(client, shop):
    first, _ = _get(client, "/c/fashion/")
    second, queries = _get(client, "/c/fashion/")
    assert first.get("X-Kedai-Cache") is None
    assert second["X-Kedai-Cache"] == "hit"
    assert queries == 0
    assert second.content == first.content
    assert "public" in second["Cache-Control"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Content-Type"] == first["Content-Type"]


def test_catalogue_change_retires_cached_pages(client, shop):
    assert "Batik shirt" in client.get("/c/fashion/").content.decode()
    Product.objects.filter(pk=shop["shirt"].pk).update(name="Kemeja batik")
    product_refresh(product_ids=[shop["shirt"].pk])
    response = client.get("/c/fashion/")
    assert response.get("X-Kedai-Cache") is None
    assert "Kemeja batik" in response.content.decode()


def test_token_pages_htmx_and_errors_are_never_cached(client, shop, cart_token):
    for _ in range(2):
        private, _ = _get(client, f"/s/{cart_token}/c/fashion/")
        assert private.get("X-Kedai-Cache") is None
        fragment, _ = _get(client, "/c/fashion/", HTTP_HX_REQUEST="true")
        assert fragment.get("X-Kedai-Cache") is None
        missing, _ = _get(client, "/p/nope/")
        assert missing.get("X-Kedai-Cache") is None


def test_languages_and_queries_are_cached_apart(client, shop):
    client.get("/c/fashion/")
    malay = client.get("/ms/c/fashion/")
    assert malay.get("X-Kedai-Cache") is None
    assert '<html lang="ms">' in malay.content.decode()
    client.get("/search/?q=kopi")
    other = client.get("/search/?q=batik")
    assert other.get("X-Kedai-Cache") is None
    assert "Batik shirt" in other.content.decode()


def test_hosts_are_cached_apart(client, shop, settings):
    """Absolute URLs (embed JSON, snippets) follow the host asked for."""
    settings.ALLOWED_HOSTS = ["shop-a.test", "shop-b.test"]
    a = client.get("/embed/suggest.json?q=kop", HTTP_HOST="shop-a.test").json()
    b = client.get("/embed/suggest.json?q=kop", HTTP_HOST="shop-b.test").json()
    assert a["search_url"].startswith("http://shop-a.test/")
    assert b["search_url"].startswith("http://shop-b.test/")


def test_cache_can_be_turned_off(client, shop, settings):
    settings.KEDAI_PAGE_CACHE_SECONDS = 0
    client.get("/c/fashion/")
    assert client.get("/c/fashion/").get("X-Kedai-Cache") is None
