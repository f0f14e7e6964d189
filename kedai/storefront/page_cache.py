"""Server-side cache of the public storefront pages.

Token-free storefront pages are identical for every visitor (no cookies, no
cart), so a rendered page can be kept and served again to anyone asking for
the same URL on the same host. Entries are keyed by the catalogue version,
so any catalogue change (``catalog_changed``) retires them all at once;
they also expire after KEDAI_PAGE_CACHE_SECONDS. Pages under a cart token,
htmx fragments, POSTs and anything not a plain 200 are never cached.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

MAX_QUERY_LENGTH = 256
_SKIPPED_HEADERS = {"set-cookie", "content-length"}


def _cacheable(request) -> bool:
    return (
        settings.KEDAI_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and getattr(request, "is_storefront", False)
        and not getattr(request, "shopper_token", None)
        and "HX-Request" not in request.headers
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH
    )


def _key(request) -> str:
    from kedai.catalog.selectors import catalog_version

    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{catalog_version()}:{digest}"


def _storable(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


class PublicPageCacheMiddleware:
    """Serve token-free storefront GETs from the cache when possible."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        key = _key(request)
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
            headers = [(k, v) for k, v in response.items()
                       if k.lower() not in _SKIPPED_HEADERS]
            cache.set(key, (response.content, headers),
                      settings.KEDAI_PAGE_CACHE_SECONDS)
        return response
