"""Server-side cache of the storefront's catalogue pages, with or without a token.

Token-free storefront pages are identical for every visitor (no cookies, no
cart), so a rendered page can be kept and served again to anyone asking for
the same URL on the same host.

Catalogue pages under a cart token (``/s/<token>/`` + front page, category,
product, search and their htmx partials) differ from each other only in the
token inside their links and in the cart badge. They are rendered once per
URL for a random placeholder token, with a random mark where the badge goes,
and every token gets that shared render with its own token and badge put
in at response time (the badge is one small query, no template). The cached
entry holds no real token and no cart data; the response stays
``private, no-store`` (ShopperTokenMiddleware).

Entries are keyed by version stamps (catalog.versions): the catalogue
version (``catalog_changed``), plus the listings version for listing pages
or the product's own version for a product page, so a sale retires only
the pages that show what it changed. They also expire after
KEDAI_PAGE_CACHE_SECONDS. POSTs, public htmx fragments and anything not a
plain 200 are never cached.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import set_script_prefix

from kedai.catalog.versions import CATALOG_KEY, LISTINGS_KEY, product_key, stamps_get
from kedai.core.tokens import new_token

MAX_QUERY_LENGTH = 256
_SKIPPED_HEADERS = {"set-cookie", "content-length"}
# The catalogue pages a token gets from the shared render (the path after
# /s/<token>/, with or without a language prefix).
_CATALOGUE_PAGE = re.compile(
    r"^/(?:[a-z]{2}/)?(?:c/[-\w]+/|p/(?P<product>[-\w]+)/|search/(?:suggest/)?|pages/[-\w]+/)?$")
_PRODUCT_PAGE = re.compile(r"^/(?:[a-z]{2}/)?p/(?P<product>[-\w]+)/$")


def _enabled(request) -> bool:
    return (
        settings.KEDAI_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and getattr(request, "is_storefront", False)
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH
    )


def _public(request) -> bool:
    return (not getattr(request, "shopper_token", None)
            and "HX-Request" not in request.headers)


def _token_catalogue_page(request) -> bool:
    return (bool(getattr(request, "shopper_token", None))
            and bool(_CATALOGUE_PAGE.match(request.path_info)))


def stamp_keys(path_info: str) -> list[str]:
    """The version stamps the catalogue page at ``path_info`` depends on."""
    product = _PRODUCT_PAGE.match(path_info)
    return [CATALOG_KEY, product_key(product["product"]) if product else LISTINGS_KEY]


def token_page_stamp_keys(path_info: str, method: str) -> list[str]:
    """The stamps a token page at ``path_info`` (after ``/s/<token>``) will
    read, for ShopperTokenMiddleware to fetch with its own read of the
    shared cache; none for pages this cache does not serve."""
    if (settings.KEDAI_PAGE_CACHE_SECONDS <= 0 or method != "GET"
            or not _CATALOGUE_PAGE.match(path_info)):
        return []
    return stamp_keys(path_info)


def _stamps(request) -> str:
    """The version stamps the page at this path depends on (those the
    request already read with its token-miss count, if any, are not read
    again)."""
    return stamps_get(stamp_keys(request.path_info),
                      known=getattr(request, "shared_read", None))


def _key(request, *, kind: str) -> str:
    """``kind``:``stamps``:hash of the URL without any token."""
    query = request.META.get("QUERY_STRING", "")
    url = (f"{request.scheme}://{request.get_host()}"
           f"{getattr(request, 'root_script_prefix', '/')}{request.path_info}"
           f"{'?' + query if query else ''}")
    if kind == "token":  # the htmx partials differ from the pages
        url += (f"\n{request.headers.get('HX-Request', '')}"
                f"\n{request.headers.get('HX-Boosted', '')}")
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{kind}-page:{_stamps(request)}:{digest}"


def _storable(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def _headers(response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]


class PublicPageCacheMiddleware:
    """Serve storefront catalogue GETs from the cache when possible."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _enabled(request):
            return self.get_response(request)
        if _public(request):
            return self._public_page(request)
        if _token_catalogue_page(request):
            return self._token_page(request)
        return self.get_response(request)

    def _public_page(self, request):
        key = _key(request, kind="public")
        hit = cache.get(key)
        if hit is not None:
            content, headers = hit
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Kedai-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response):
            cache.set(key, (response.content, _headers(response)),
                      settings.KEDAI_PAGE_CACHE_SECONDS)
        return response

    def _token_page(self, request):
        from kedai.storefront.cart_badge import cart_badge_for

        key = _key(request, kind="token")
        hit = cache.get(key)
        state = "hit"
        if hit is None:
            state = "miss"
            response = self._shared_render(request)
            if response.streaming:
                return response  # not ours to rewrite (none on these pages)
            hit = (response.status_code, response.content, _headers(response),
                   response._placeholder, response._badge_mark)
            if _storable(response):
                cache.set(key, hit, settings.KEDAI_PAGE_CACHE_SECONDS)
        status, content, headers, placeholder, mark = hit
        token = request.shopper_token
        content = content.replace(placeholder.encode(), token.encode())
        content = content.replace(mark.encode(), cart_badge_for(token).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value.replace(placeholder, token)
        response["X-Kedai-Cache"] = state
        return response

    def _shared_render(self, request):
        """Render the page for a random placeholder token and badge mark."""
        token, root = request.shopper_token, request.root_script_prefix
        placeholder = new_token()
        mark = f"<!--cart-badge-{secrets.token_hex(8)}-->"
        request.shopper_token, request.cart_badge_mark = placeholder, mark
        set_script_prefix(f"{root}s/{placeholder}/")
        try:
            response = self.get_response(request)
            if hasattr(response, "render") and callable(response.render):
                response.render()
        finally:
            request.shopper_token, request.cart_badge_mark = token, None
            set_script_prefix(f"{root}s/{token}/")
        response._placeholder, response._badge_mark = placeholder, mark
        return response
