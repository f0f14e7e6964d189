"""Errors of the API in one shape: ``application/problem+json`` (RFC 9457).

Every error answer of ``/api/`` has ``type``, ``title``, ``status`` and
``detail``; a validation error adds ``errors`` (``[{"field", "message"}]``)
and a business rule adds ``code``. :class:`ApiMiddleware` turns whatever
else Django would answer under ``/api/`` (an HTML 404, a 405, a crash) into
the same shape and removes any cookie.
"""

import json
import logging
import re
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse

from kedai.api.cache import cached_answer
from kedai.core.ratelimit import client_address, rate_limit_blocked, rate_limit_record

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"
_TOKEN_PATH = re.compile(r"^/api/store/v1/(?:carts|checkouts|orders)/[^/]+")
TOKEN_MISSES_PER_WINDOW = 30
TOKEN_MISS_WINDOW_SECONDS = 600
STORE_PREFIX = "/api/store/"


class Problem(Exception):
    """Raise in an API view to answer with a problem document."""

    def __init__(self, status: int, detail: str = "", *, code: str = "",
                 errors: list[dict] | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code
        self.errors, self.headers = errors, headers or {}


def problem_response(status: int, detail: str = "", *, code: str = "",
                     errors: list[dict] | None = None,
                     headers: dict | None = None) -> HttpResponse:
    """An ``application/problem+json`` response for ``status``."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ \
        else "Error"
    body: dict = {"type": "about:blank", "title": phrase, "status": status,
                  "detail": str(detail or phrase)}
    if code:
        body["code"] = code
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status,
                            content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_problem(exc: Problem) -> HttpResponse:
    return problem_response(exc.status, exc.detail, code=exc.code,
                            errors=exc.errors, headers=exc.headers)


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _has_nul(request) -> bool:
    """A NUL character in the path, the query or a JSON body."""
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.content_type != "application/json":
        return False
    try:
        return _holds_nul(json.loads(request.body or b"null"))
    except ValueError:
        return False  # malformed JSON: django-ninja answers it


class ApiMiddleware:
    """Under ``/api/``: errors as problem documents, never a cookie.

    Sits outermost among the app's middleware (after Security/WhiteNoise)
    so that it also sees the HTML 404 of an unknown URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        cors = (request.path_info.startswith(STORE_PREFIX)
                and settings.KEDAI_API_CORS_ORIGIN)
        token_path = bool(_TOKEN_PATH.match(request.path_info))
        miss_key = f"api-token-miss:{client_address(request)}"
        if _has_nul(request):
            # No text Kedai stores may hold NUL (PostgreSQL refuses it).
            response = problem_response(
                422, "Text may not contain NUL characters.", code="invalid")
        elif token_path and rate_limit_blocked(
                key=miss_key, limit=TOKEN_MISSES_PER_WINDOW,
                alias=settings.KEDAI_VERSION_CACHE_ALIAS):  # every process counts
            # Guessing tokens: as the storefront's token URLs (SEC-06).
            response = problem_response(
                429, "Too many unknown tokens from your address; wait a few "
                "minutes.", code="rate_limited",
                headers={"Retry-After": str(TOKEN_MISS_WINDOW_SECONDS)})
        elif cors and request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif (cached := cached_answer(request)) is not None:
            response = cached
        else:
            response = self.get_response(request)
            if token_path and response.status_code in (404, 410):
                rate_limit_record(key=miss_key,
                                  window_seconds=TOKEN_MISS_WINDOW_SECONDS,
                                  alias=settings.KEDAI_VERSION_CACHE_ALIAS)
        if response.status_code >= 400 and not response.get(
                "Content-Type", "").startswith(PROBLEM_TYPE):
            kept = {name: response[name] for name in ("Allow", "Retry-After")
                    if name in response}
            response = problem_response(response.status_code, headers=kept)
        if cors and request.method in ("GET", "HEAD", "OPTIONS"):
            # Only reads are shared cross-origin: a page elsewhere may show
            # the catalogue, never change a cart (no POST is allowed).
            response["Access-Control-Allow-Origin"] = settings.KEDAI_API_CORS_ORIGIN
            response["Access-Control-Allow-Methods"] = "GET"
            response["Access-Control-Allow-Headers"] = "Authorization"
            response["Access-Control-Max-Age"] = "3600"
        response.cookies.clear()
        return response

    def process_exception(self, request, exception):
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, Problem):
            return from_problem(exception)
        logger.exception("API error on %s %s", request.method,
                         request.path_info.split("/")[3:4])
        return problem_response(500)
