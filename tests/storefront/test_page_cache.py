"""Public pages are served from the server-side cache until the catalogue
changes; nothing personal is ever cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedai.catalog.models import Product, Variant
from kedai.catalog.services import catalog_changed, product_refresh

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


def test_catalogue_change_retires_cached_pages(client, shop,
                                             django_capture_on_commit_callbacks):
    assert "Batik shirt" in client.get("/c/fashion/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(pk=shop["shirt"].pk).update(name="Kemeja batik")
        product_refresh(product_ids=[shop["shirt"].pk])
        catalog_changed()
    response = client.get("/c/fashion/")
    assert response.get("X-Kedai-Cache") is None
    assert "Kemeja batik" in response.content.decode()


def test_catalogue_changes_take_effect_only_after_commit(client, shop,
                                                         django_capture_on_commit_callbacks):
    """Issue 13 defect 7: a request during the transaction must not cache
    (or be denied) data that is not committed yet."""
    client.get("/c/fashion/")
    client.get("/p/batik-shirt/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Variant.objects.filter(product=shop["shirt"]).update(stock=0)
        product_refresh(product_ids=[shop["shirt"].pk])
        catalog_changed()
        # Not committed yet: nothing is retired.
        assert client.get("/c/fashion/")["X-Kedai-Cache"] == "hit"
        assert client.get("/p/batik-shirt/")["X-Kedai-Cache"] == "hit"
    assert callbacks
    for callback in callbacks:
        callback()
    assert client.get("/c/fashion/").get("X-Kedai-Cache") is None
    assert client.get("/p/batik-shirt/").get("X-Kedai-Cache") is None


def test_a_sale_retires_only_what_it_changed(client, shop,
                                             django_capture_on_commit_callbacks):
    """Stock going down but not out retires the product's page only."""
    shirt_m = Variant.objects.get(sku="BTK-1-M")
    for url in ("/c/fashion/", "/p/kopi-tenom/", "/p/batik-shirt/", "/"):
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        Variant.objects.filter(pk=shirt_m.pk).update(stock=2)
        product_refresh(product_ids=[shop["shirt"].pk])
    assert client.get("/c/fashion/")["X-Kedai-Cache"] == "hit"
    assert client.get("/")["X-Kedai-Cache"] == "hit"
    assert client.get("/p/kopi-tenom/")["X-Kedai-Cache"] == "hit"
    product = client.get("/p/batik-shirt/")
    assert product.get("X-Kedai-Cache") is None
    assert "only 2 left" in product.content.decode()
    # Out of stock changes what a listing shows: listings are retired too.
    with django_capture_on_commit_callbacks(execute=True):
        Variant.objects.filter(pk=shirt_m.pk).update(stock=0)
        product_refresh(product_ids=[shop["shirt"].pk])
    listing = client.get("/c/fashion/")
    assert listing.get("X-Kedai-Cache") is None
    assert "Out of stock" in listing.content.decode()
    assert client.get("/p/kopi-tenom/")["X-Kedai-Cache"] == "hit"


def test_htmx_and_errors_are_never_cached(client, shop, cart_token):
    for _ in range(2):
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


@pytest.mark.django_db(transaction=True)
def test_buying_the_last_unit_shows_sold_out_on_the_next_request(client, shop,
                                                                 cart_token):
    """The order commits, then the product's cached pages (and listings, as
    it went out of stock) are retired: under a token too. With CACHE_URL
    on Redis the stamps are shared, so this holds on every process."""
    from kedai.checkout.placing import checkout_complete
    from tests.checkout.test_services import cart_with, details

    kopi = shop["kopi"].variants.get()
    Variant.objects.filter(pk=kopi.pk).update(stock=1)
    product_refresh(product_ids=[shop["kopi"].pk])
    token = cart_token
    for url in ("/p/kopi-tenom/", f"/s/{token}/p/kopi-tenom/", "/c/food/"):
        page = client.get(url)
        assert "Out of stock" not in page.content.decode()
        assert client.get(url)["X-Kedai-Cache"] == "hit"
    checkout_complete(cart=cart_with((kopi, 1)), details=details(),
                      checkout_key="last-unit")
    for url in ("/p/kopi-tenom/", f"/s/{token}/p/kopi-tenom/"):
        page = client.get(url)
        assert page.get("X-Kedai-Cache") in (None, "miss")
        assert "Out of stock" in page.content.decode()
    assert "Out of stock" in client.get("/c/food/").content.decode()


@pytest.mark.parametrize("page", ["/c/fashion/", "/ms/p/batik-shirt/",
                                  "/search/?q=batik"])
def test_a_token_page_from_the_cache_reads_the_caches_twice(client, shop, cart_token,
                                                            monkeypatch, page):
    """The count of wrong token links and the page's version stamps come in
    one read of the shared cache, then the page in one read of the cache:
    two round trips to Redis, where there were three."""
    from django.conf import settings
    from django.core.cache import caches

    url = f"/s/{cart_token}{page}"
    assert client.get(url).status_code == 200  # rendered and cached
    reads: list[str] = []
    inside: list[str] = []  # a file cache's get_many calls its own get

    def spy(real, read):
        def call(*args, **kwargs):
            if not inside:
                reads.append(read)
            inside.append(read)
            try:
                return real(*args, **kwargs)
            finally:
                inside.pop()
        return call

    for alias in ("default", settings.KEDAI_VERSION_CACHE_ALIAS):
        store = caches[alias]
        for name in ("get", "get_many", "has_key"):
            monkeypatch.setattr(store, name,
                                spy(getattr(store, name), f"{alias}.{name}"))
    response = client.get(url)
    assert response["X-Kedai-Cache"] == "hit"
    assert reads == ["shared.get_many", "default.get"], reads


def test_wrong_token_links_are_counted_in_the_shared_cache(client, shop):
    """Every process of the machine sees the same count (the file cache
    without Redis), so 30 guesses spread over several processes are 30."""
    import secrets

    from django.conf import settings
    from django.core.cache import caches

    for _ in range(3):
        assert client.get(f"/s/{secrets.token_urlsafe(24)}/cart/").status_code == 404
    shared = caches[settings.KEDAI_VERSION_CACHE_ALIAS]
    assert shared.get("ratelimit:token-miss:127.0.0.1") == 3
