"""The storefront sets no cookies and guards token URLs (ARCHITECTURE §3)."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from kedai.cart.models import Cart, CartLine
from tests.storefront.conftest import token_of

pytestmark = pytest.mark.django_db


def test_whole_flow_sets_no_cookie(client, shop):
    """Browsing, adding, changing and viewing the cart never sets a cookie."""
    responses = [client.get(u) for u in
                 ["/", "/c/fashion/", "/p/batik-shirt/", "/search/?q=batik", "/cart/",
                  "/ms/", "/nope/", "/embed/search.js", "/embed/suggest.json?q=ba"]]
    add = client.post("/cart/add/", {"product": shop["kopi"].pk, "quantity": 1})
    token = token_of(add)
    line = CartLine.objects.get()
    responses += [
        add,
        client.get(f"/s/{token}/cart/"),
        client.get(f"/s/{token}/p/batik-shirt/"),
        client.post(f"/s/{token}/cart/lines/{line.pk}/", {"quantity": 2}),
        client.post(f"/s/{token}/cart/add/", {"variant": 999, "quantity": 1}),
    ]
    for response in responses:
        assert not response.cookies, response.request["PATH_INFO"]
        assert "Set-Cookie" not in response.headers
    assert not client.cookies


def test_token_pages_are_private_and_public_pages_cacheable(client, cart_token):
    public = client.get("/p/kopi-tenom/")
    assert "public" in public["Cache-Control"]
    assert "Referrer-Policy" not in public or public["Referrer-Policy"] != "no-referrer"
    for path in ["cart/", "p/kopi-tenom/", ""]:
        private = client.get(f"/s/{cart_token}/{path}")
        assert private.status_code == 200
        assert private["Cache-Control"] == "private, no-store"
        assert private["Referrer-Policy"] == "no-referrer"
        assert "noindex" in private["X-Robots-Tag"]


def test_token_free_pages_are_identical_for_everyone(client, shop, cart_token):
    """A visitor's cart does not leak into the public, cacheable pages."""
    first = client.get("/p/batik-shirt/").content
    from django.test import Client

    assert Client().get("/p/batik-shirt/").content == first


def test_links_on_token_pages_keep_the_token(client, cart_token):
    body = client.get(f"/s/{cart_token}/c/food/").content.decode()
    assert f'href="/s/{cart_token}/p/kopi-tenom/"' in body
    assert f'action="/s/{cart_token}/cart/add/"' in body
    assert f'href="/s/{cart_token}/cart/"' in body


def test_language_prefix_works_under_a_token(client, cart_token):
    response = client.get(f"/s/{cart_token}/ms/cart/")
    assert response.status_code == 200
    assert '<html lang="ms">' in response.content.decode()
    assert f'href="/s/{cart_token}/ms/' in response.content.decode()


@pytest.mark.parametrize("headers", [
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "null"},
    {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_SEC_FETCH_SITE": "same-site"},
])
def test_cross_site_posts_are_refused_and_change_nothing(client, shop, cart_token,
                                                         headers):
    line = CartLine.objects.get()
    attempts = [
        (f"/s/{cart_token}/cart/add/", {"variant": shop["shirt"].variants.first().pk,
                                        "quantity": 1}),
        (f"/s/{cart_token}/cart/lines/{line.pk}/", {"action": "remove"}),
        (f"/s/{cart_token}/cart/email/", {"email": "x@example.com"}),
        ("/cart/add/", {"product": shop["kopi"].pk, "quantity": 1}),
    ]
    for url, data in attempts:
        response = client.post(url, data, **headers)
        assert response.status_code == 403, url
        assert "another website" in response.content.decode()
    assert Cart.objects.count() == 1
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [1]


def test_same_origin_posts_are_accepted(client, shop, cart_token):
    variant = shop["shirt"].variants.get(sku="BTK-1-M")
    for headers in [{"HTTP_SEC_FETCH_SITE": "same-origin"},
                    {"HTTP_ORIGIN": "http://testserver"}, {}]:
        response = client.post(f"/s/{cart_token}/cart/add/",
                               {"variant": variant.pk, "quantity": 1}, **headers)
        assert response.status_code == 303
    assert CartLine.objects.get(variant=variant).quantity == 3


def test_unknown_and_expired_tokens_get_a_friendly_page(client, cart_token):
    unknown = client.get("/s/" + "Z" * 32 + "/cart/")
    assert unknown.status_code == 404
    assert "Start a fresh cart" in unknown.content.decode()
    Cart.objects.update(last_seen_at=timezone.now() - timedelta(days=31))
    expired = client.get(f"/s/{cart_token}/cart/")
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    assert not expired.cookies


def test_admin_is_not_served_under_a_token(client, cart_token):
    assert client.get(f"/s/{cart_token}/admin/").status_code == 404


def test_tokens_never_reach_the_logs(client, cart_token, caplog):
    with caplog.at_level(logging.INFO):
        client.get(f"/s/{cart_token}/nope/")
        client.post(f"/s/{cart_token}/cart/add/", {"quantity": 0})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert cart_token not in text
    assert "/s/<token>/" in text


@pytest.mark.django_db
def test_guessing_token_urls_is_throttled_per_client(client, shop):
    """SEC-06: 30 wrong capability links from one address, then 429 on
    token URLs (even right ones) for the window; other clients and
    token-free pages are unaffected."""
    import secrets

    from django.test import Client

    from kedai.storefront.middleware import TOKEN_MISSES_PER_WINDOW

    cart = client.post("/cart/add/", {"product": shop["kopi"].pk, "quantity": 1})
    cart_url = cart["Location"]
    guesses = ["/order/{}/", "/checkout/{}/details/", "/account/{}/", "/s/{}/cart/",
               "/sign-in/{}/", "/ms/order/{}/"]
    for number in range(TOKEN_MISSES_PER_WINDOW):
        token = secrets.token_urlsafe(24)
        response = client.get(guesses[number % len(guesses)].format(token))
        assert response.status_code in (404, 410), response.status_code
    blocked = client.get(f"/order/{secrets.token_urlsafe(24)}/")
    assert blocked.status_code == 429 and blocked["Retry-After"] == "600"
    assert blocked["Cache-Control"] == "private, no-store"
    assert client.get(cart_url).status_code == 429  # even a real link, for now
    assert client.get("/").status_code == 200  # token-free pages still work
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.get(cart_url).status_code == 200


@pytest.mark.django_db
def test_streaming_responses_keep_the_token_prefix(rf):
    """Issue 13: a streaming body is made after the middleware returns; its
    links must still carry the token, and the prefix must not leak to
    the thread's next request."""
    from django.http import StreamingHttpResponse
    from django.urls import get_script_prefix, reverse

    from kedai.storefront.middleware import ShopperTokenMiddleware

    token = "T" * 32

    def view(request):
        def body():
            yield reverse("storefront:cart")
            yield "|" + get_script_prefix()
        return StreamingHttpResponse(body(), content_type="text/plain")

    response = ShopperTokenMiddleware(view)(rf.get(f"/s/{token}/cart/"))
    assert get_script_prefix() == "/"
    content = b"".join(response.streaming_content).decode()
    assert content == f"/s/{token}/cart/|/s/{token}/"
    assert get_script_prefix() == "/"


@pytest.mark.django_db
def test_async_streaming_responses_keep_the_token_prefix(rf):
    import asyncio

    from django.http import StreamingHttpResponse
    from django.urls import get_script_prefix, reverse

    from kedai.storefront.middleware import ShopperTokenMiddleware

    token = "T" * 32

    def view(request):
        async def body():
            yield reverse("storefront:cart")
        return StreamingHttpResponse(body(), content_type="text/plain")

    response = ShopperTokenMiddleware(view)(rf.get(f"/s/{token}/cart/"))

    async def collect():
        return [chunk async for chunk in response.streaming_content]

    chunks = asyncio.run(collect())
    assert b"".join(chunks).decode() == f"/s/{token}/cart/"
    assert get_script_prefix() == "/"


@pytest.mark.django_db
def test_behind_a_proxy_one_clients_bad_links_lock_out_no_one_else(shop, settings):
    """Issue 13 defect 10: every client arrives from the proxy's address;
    the throttle must count the address the proxy saw, and 404s under a
    real token (a stale product link in a real cart) are no guesses."""
    import secrets

    from django.test import Client

    from kedai.storefront.middleware import TOKEN_MISSES_PER_WINDOW

    settings.KEDAI_TRUSTED_PROXIES = "1"
    proxy = "10.0.0.2"
    mallory = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    siti = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    siti_cart = siti.post("/cart/add/", {"product": shop["kopi"].pk,
                                         "quantity": 1})["Location"]
    own = token_of(mallory.post("/cart/add/", {"product": shop["kopi"].pk,
                                               "quantity": 1}))
    # Given Mallory's stale links under his own real cart token...
    for number in range(TOKEN_MISSES_PER_WINDOW + 1):
        assert mallory.get(f"/s/{own}/p/gone-{number}/").status_code == 404
    # ...which are not guesses.
    assert mallory.get(f"/s/{own}/cart/").status_code == 200
    # When he then guesses tokens until he is throttled (under his real
    # cart token too: a real prefix covers no guessed token after it)...
    for _number in range(TOKEN_MISSES_PER_WINDOW):
        mallory.get(f"/s/{own}/order/{secrets.token_urlsafe(24)}/")
    assert mallory.get(f"/order/{secrets.token_urlsafe(24)}/").status_code == 429
    # ...Siti, behind the same proxy, still reaches her cart.
    assert siti.get(siti_cart).status_code == 200
