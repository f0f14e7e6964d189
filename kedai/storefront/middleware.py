"""The cookieless storefront's guard (ARCHITECTURE.md §3).

* ``/s/<token>/…`` is stripped from the path before URL resolution and the
  script prefix is extended with it, so every ``{% url %}`` and
  ``reverse()`` during the request keeps the shopper's token.
* Token pages are private: no-store, no referrer, noindex. Token-free
  storefront pages are identical for everyone and publicly cacheable.
* Storefront POSTs carry no CSRF cookie, so they are checked with the
  browser's ``Sec-Fetch-Site`` / ``Origin`` headers instead.
* The storefront never sets a cookie; one that slips through is removed.
* Guessing capability URLs is throttled: a client whose token URLs gave
  TOKEN_MISSES_PER_WINDOW "not found" answers gets 429 on token URLs for
  the rest of the window (reliability.md SEC-06).
"""

import logging
import re

from django.conf import settings
from django.urls import get_script_prefix, set_script_prefix
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from kedai.cart.tokens import TOKEN_PATTERN
from kedai.core.ratelimit import rate_limit_blocked, rate_limit_record
from kedai.storefront.privacy import make_private

logger = logging.getLogger(__name__)

_TOKEN_PREFIX = re.compile(rf"^/s/(?P<token>{TOKEN_PATTERN})(?P<rest>/.*)$")
# Every URL that carries a capability token (cart, checkout, order, account,
# sign-in link, payment start/return), with or without a language prefix.
_CAPABILITY_URL = re.compile(
    rf"^/(?:[a-z]{{2}}/)?(?:s|checkout|order|account|sign-in|pay(?:/return/\w+)?)"
    rf"/{TOKEN_PATTERN}/")
TOKEN_MISSES_PER_WINDOW = 30
TOKEN_MISS_WINDOW_SECONDS = 600
_NOT_STOREFRONT = ("/admin/", "/office/", "/static/", "/media/", "/api/")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# Gateways post callbacks and browser returns from their own sites; those
# views prove each request by the gateway's signature instead.
_CROSS_SITE_POST_OK = ("/pay/callback/", "/pay/return/")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def is_same_origin(request) -> bool:
    """True unless the browser says the request comes from another site.

    Browsers send ``Sec-Fetch-Site`` (and ``Origin`` on POST); a request
    with neither is not a browser-driven forgery.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


class ShopperTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        capability = bool(_CAPABILITY_URL.match(request.path_info))
        miss_key = f"token-miss:{request.META.get('REMOTE_ADDR', '')}"
        if capability and rate_limit_blocked(key=miss_key,
                                             limit=TOKEN_MISSES_PER_WINDOW):
            return self._too_many(request)
        response = self._handle(request)
        if capability and response.status_code in (404, 410):
            rate_limit_record(key=miss_key, window_seconds=TOKEN_MISS_WINDOW_SECONDS)
        return response

    def _too_many(self, request):
        from django.shortcuts import render

        request.shopper_token, request.is_storefront = None, True
        response = render(request, "storefront/message.html", {
            "title": _("Too many wrong links"),
            "text": _("Too many links from your address were not found. Please "
                      "wait a few minutes and try again."),
        }, status=429)
        response["Retry-After"] = str(TOKEN_MISS_WINDOW_SECONDS)
        self._storefront_headers(request, response)
        return make_private(response)

    def _handle(self, request):
        request.shopper_token = None
        request.root_script_prefix = root = get_script_prefix()
        match = _TOKEN_PREFIX.match(request.path_info)
        if match:
            request.shopper_token = match["token"]
            request.path_info = match["rest"]
            set_script_prefix(f"{root}s/{match['token']}/")
        storefront = not request.path_info.startswith(_NOT_STOREFRONT)
        request.is_storefront = storefront

        try:
            response = self._respond(request, storefront)
        finally:
            # The prefix is per thread: leave none behind for the next
            # request or test.
            set_script_prefix(root)
        if storefront:
            self._storefront_headers(request, response)
        return response

    def _respond(self, request, storefront: bool):
        if not storefront and request.shopper_token:
            from kedai.storefront.views.errors import not_found

            return not_found(request, None)
        if (storefront and request.method not in _SAFE_METHODS
                and not request.path_info.startswith(_CROSS_SITE_POST_OK)
                and not is_same_origin(request)):
            from kedai.storefront.views.errors import forbidden

            return forbidden(request, None)
        return self.get_response(request)

    def _storefront_headers(self, request, response) -> None:
        if response.cookies:
            logger.error("storefront response tried to set cookies %s; removed",
                         sorted(response.cookies))
            response.cookies.clear()
        response.headers.setdefault("Content-Security-Policy",
                                    CONTENT_SECURITY_POLICY)
        if request.shopper_token:
            make_private(response)
        elif (request.method in ("GET", "HEAD") and response.status_code == 200
              and "Cache-Control" not in response.headers):
            patch_cache_control(response, public=True,
                                max_age=settings.KEDAI_PUBLIC_CACHE_SECONDS)
