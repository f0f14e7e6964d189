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
  the rest of the window (OWASP ASVS 7.2.3). The client is its real
  address (``client_address``, behind trusted proxies too), and a "not
  found" under a token that exists (a stale product link in a real cart)
  is no guess and is not counted.
"""

import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.urls import get_script_prefix, set_script_prefix
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from kedai.core.privacy import make_private
from kedai.core.ratelimit import (
    client_address,
    rate_limit_key,
    rate_limit_reached,
    rate_limit_record,
)
from kedai.core.tokens import TOKEN_PATTERN
from kedai.storefront.page_cache import token_page_stamp_keys

logger = logging.getLogger(__name__)

_TOKEN_IN_PATH = re.compile(rf"(?<=/){TOKEN_PATTERN}(?=/)")
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


def _with_prefix(chunks, prefix: str, root: str):
    """Yield ``chunks`` with the script prefix set to ``prefix`` while each
    is made, and back to ``root`` between them (the thread may serve
    another request meanwhile under ASGI)."""
    iterator = iter(chunks)
    while True:
        set_script_prefix(prefix)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            set_script_prefix(root)
        yield chunk


async def _async_with_prefix(chunks, prefix: str, root: str):
    iterator = aiter(chunks)
    while True:
        set_script_prefix(prefix)
        try:
            chunk = await anext(iterator)
        except StopAsyncIteration:
            return
        finally:
            set_script_prefix(root)
        yield chunk


def _tokens_exist(path: str) -> bool:
    """True when every token in ``path`` is one the shop issued (a cart,
    checkout, order, sign-in or payment-return token, live or expired), so
    a miss under it is a stale link, not a guess. Every token counts: a
    real cart prefix must not cover a guessed order token after it. Asked
    only after a "not found"."""
    from kedai.cart.models import Cart
    from kedai.checkout.models import Checkout
    from kedai.core.tokens import token_hash
    from kedai.customers.models import SignInToken
    from kedai.orders.models import Order
    from kedai.payments.models import Payment

    tokens = _TOKEN_IN_PATH.findall(path)
    stores = ((Cart, "token_hash"), (Checkout, "token_hash"), (Order, "token_hash"),
              (SignInToken, "token_hash"), (Payment, "return_token_hash"))
    return bool(tokens) and all(
        any(model.objects.filter(**{field: token_hash(token)}).exists()
            for model, field in stores)
        for token in tokens)


class ShopperTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        capability = bool(_CAPABILITY_URL.match(request.path_info))
        miss_key = f"token-miss:{client_address(request)}"
        path = request.path_info
        if capability and self._blocked(request, miss_key):
            return self._too_many(request)
        response = self._handle(request)
        if (capability and response.status_code in (404, 410)
                and not _tokens_exist(path)):
            rate_limit_record(key=miss_key, window_seconds=TOKEN_MISS_WINDOW_SECONDS,
                              alias=settings.KEDAI_VERSION_CACHE_ALIAS)
        return response

    def _blocked(self, request, miss_key: str) -> bool:
        """Whether this client has used up its token misses.

        The count lives in the shared cache (KEDAI_VERSION_CACHE_ALIAS), so
        every process of the machine counts together even without Redis;
        a token catalogue page reads its page cache's version stamps in the
        same round trip (``request.shared_read``, for page_cache).
        """
        count_key = rate_limit_key(miss_key)
        match = _TOKEN_PREFIX.match(request.path_info)
        stamps = token_page_stamp_keys(match["rest"], request.method) if match else []
        read = caches[settings.KEDAI_VERSION_CACHE_ALIAS].get_many([count_key, *stamps])
        request.shared_read = read
        return rate_limit_reached(read.get(count_key), limit=TOKEN_MISSES_PER_WINDOW)

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
        if match and response.streaming:
            # A streaming body is produced after this returns, when the
            # server iterates it: it must see the token prefix too.
            prefix = f"{root}s/{match['token']}/"
            if response.is_async:
                response.streaming_content = _async_with_prefix(
                    response.streaming_content, prefix, root)
            else:
                response.streaming_content = _with_prefix(
                    response.streaming_content, prefix, root)
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
