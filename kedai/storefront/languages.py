"""The language switch: the current page in another language, same cart.

The storefront's language is the URL prefix (``/ms/…``; English, the
default, has none) and a cart lives in the ``/s/<token>/`` prefix before it,
so switching keeps the token and the query and swaps only the language
prefix: ``/s/<token>/ms/p/kopi/?x=1`` ↔ ``/s/<token>/p/kopi/?x=1``. A page
outside the language patterns (or one that does not exist in the other
language) switches to that language's front page.

The header and footer are one shared render for every page
(storefront.layout_cache), so the switch (``{% language_links %}``) sits
outside those blocks and is rendered for each response.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils import translation


def language_switch_path(request, language: str) -> str:
    """The URL of the page ``request`` shows, in ``language`` (with the
    script prefix, hence the cart token, and the query string)."""
    path = request.path_info or "/"
    current = translation.get_language_from_path(path)
    rest = path[len(current) + 1:] if current else path
    if not rest.startswith("/"):
        rest = "/" + rest
    default = settings.LANGUAGE_CODE
    target = rest if language == default else f"/{language}{rest}"
    with translation.override(language):
        try:
            match = resolve(target)
        except Resolver404:
            match = None
    if match is None or not _is_translated(match):
        target = "/" if language == default else f"/{language}/"
        query = ""
    else:
        query = request.META.get("QUERY_STRING", "")
    url = get_script_prefix().rstrip("/") + target
    return f"{url}?{query}" if query else url


def _is_translated(match) -> bool:
    # Only the storefront's own pages (and the shop's trust pages) live
    # under the language prefix.
    return match.namespace in ("storefront", "shop")
