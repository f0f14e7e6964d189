"""Cached answers of the public catalogue endpoints.

The key carries the catalogue version stamps (``kedai.catalog.versions``):
the catalogue's and the listings' for every answer, and the product's own
for a product's answer (its stock counts), so an answer is reused only
while what it shows is unchanged, like the public storefront pages.
``ApiMiddleware`` serves hits before sessions, locale and django-ninja do
any work; the views store misses.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from kedai.catalog import versions

CACHE_SECONDS = 300
# The storefront API's public, token-free reads.
CATALOGUE_PATHS = ("/api/store/v1/categories", "/api/store/v1/products",
                   "/api/store/v1/search")


PRODUCT_PATH = "/api/store/v1/products/"


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    keys = [versions.CATALOG_KEY, versions.LISTINGS_KEY]
    if request.path_info.startswith(PRODUCT_PATH):
        slug = request.path_info[len(PRODUCT_PATH):].strip("/").split("/")[0]
        keys.append(versions.product_key(slug))
    return f"api:store:{versions.stamps_get(keys)}:{path}"


def _response(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    patch_cache_control(response, public=True,
                        max_age=settings.KEDAI_PUBLIC_CACHE_SECONDS)
    return response


def cached_answer(request) -> HttpResponse | None:
    """The cached answer to this catalogue GET, if there is one."""
    if request.method != "GET" or not request.path_info.startswith(CATALOGUE_PATHS):
        return None
    body = cache.get(_key(request))
    return _response(body) if body is not None else None


def cache_answer(request, body: bytes) -> HttpResponse:
    cache.set(_key(request), body, CACHE_SECONDS)
    return _response(body)
