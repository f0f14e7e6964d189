"""``{% shared_layout "name" %}…{% endshared_layout %}``: the header and
footer every storefront page repeats, rendered once per language, catalogue
version and script prefix root, and shared by every page and cart token.

The block may show only what those decide (navigation, front-page
settings, links) plus the cart badge and whether there is a token: it is
rendered for a random placeholder token and badge mark, and each response
gets its own token and badge put in (as storefront.page_cache does for
whole pages). Off, like the page cache, when KEDAI_PAGE_CACHE_SECONDS is 0.
"""

from __future__ import annotations

import secrets

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.safestring import mark_safe

from kedai.catalog.versions import catalog_version
from kedai.core.tokens import new_token
from kedai.storefront.cart_badge import cart_badge_for_request


class SharedLayoutNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        request = context.get("request")
        seconds = settings.KEDAI_PAGE_CACHE_SECONDS
        if (request is None or seconds <= 0
                or not getattr(request, "is_storefront", False)):
            return self.nodelist.render(context)
        token = getattr(request, "shopper_token", None)
        root = getattr(request, "root_script_prefix", "/")
        key = (f"layout:{self.name}:{translation.get_language()}:"
               f"{catalog_version()}:{root}:{bool(token)}")
        hit = cache.get(key)
        if hit is None:
            hit = self._render_shared(context, request, token, root)
            cache.set(key, hit, seconds)
        html, placeholder, mark = hit
        if token:
            html = html.replace(placeholder, token)
            if mark and mark in html:
                badge = (getattr(request, "cart_badge_mark", None)
                         or cart_badge_for_request(request))
                html = html.replace(mark, badge)
        return mark_safe(html)  # noqa: S308 - rendered by the template engine

    def _render_shared(self, context, request, token, root):
        if not token:
            return self.nodelist.render(context), "", ""
        placeholder = new_token()
        mark = f"<!--cart-badge-{secrets.token_hex(8)}-->"
        saved_mark = getattr(request, "cart_badge_mark", None)
        prefix = get_script_prefix()
        request.shopper_token, request.cart_badge_mark = placeholder, mark
        set_script_prefix(f"{root}s/{placeholder}/")
        try:
            html = self.nodelist.render(context)
        finally:
            request.shopper_token, request.cart_badge_mark = token, saved_mark
            set_script_prefix(prefix)
        return str(html), placeholder, mark


def shared_layout(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("shared_layout takes one quoted name")
    nodelist = parser.parse(("endshared_layout",))
    parser.delete_first_token()
    return SharedLayoutNode(bits[1].strip("\"'"), nodelist)
