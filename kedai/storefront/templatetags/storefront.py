"""Storefront template filters."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import translation

from kedai.catalog.richtext import render_markdown

register = template.Library()


@register.tag
def shared_layout(parser, token):
    """See storefront.layout_cache."""
    from kedai.storefront.layout_cache import shared_layout as compile_node

    return compile_node(parser, token)


@register.filter
def markdown(text):
    """Render an owner-written Markdown description (raw HTML escaped)."""
    return render_markdown(text or "")


@register.filter
def ancestors(nav, category_id):
    """Breadcrumb trail of a category (root first); empty if hidden."""
    return nav.ancestors(category_id) if category_id in nav.categories else []


@register.filter
def category_node(nav, category_id):
    return nav.categories.get(category_id)


@register.filter
def json_script_value(value):
    """A string as a JavaScript literal that is safe inside <script>."""
    import json

    from django.utils.safestring import mark_safe

    escaped = (json.dumps(str(value)).replace("<", "\\u003c")
               .replace(">", "\\u003e").replace("&", "\\u0026"))
    return mark_safe(escaped)  # noqa: S308 - JSON with <, >, & escaped


_SLUG = "__slug__"


@lru_cache(maxsize=64)
def _slug_pattern(viewname: str, language: str) -> str:
    """The URL of ``viewname`` after the script prefix, slug left open."""
    return reverse(viewname, kwargs={"slug": _SLUG})[len(get_script_prefix()):]


def _slug_url(viewname: str, slug: str) -> str:
    # reverse() is the costliest tag on a listing page; every product link
    # differs only in the slug, so reverse once per language and substitute.
    # Slugs are [-a-zA-Z0-9_] (SlugField), so no escaping is needed.
    pattern = _slug_pattern(viewname, translation.get_language() or "")
    return get_script_prefix() + pattern.replace(_SLUG, slug)


@register.simple_tag(takes_context=True)
def cart_badge(context):
    """The cart's badge (count and total), or the mark a shared render leaves
    for storefront.page_cache to fill in per response."""
    from django.utils.safestring import mark_safe

    from kedai.storefront.cart_badge import cart_badge_for_request

    request = context.get("request")
    mark = getattr(request, "cart_badge_mark", None)
    if mark:
        return mark_safe(mark)  # noqa: S308 - our own random HTML comment
    return mark_safe(cart_badge_for_request(request))  # noqa: S308 - built with format_html


@register.simple_tag(takes_context=True)
def product_cards(context, products, add_url):
    """``{% product_cards page.products add_url %}``: the cards of a grid."""
    from kedai.storefront.cards import product_cards_html

    request = context["request"]
    query = request.GET.urlencode()
    return product_cards_html(
        products, product_url=product_url, add_url=add_url,
        next_path=request.path_info + (f"?{query}" if query else ""),
        htmx=bool(context.get("shopper_token")))


@register.filter
def product_url(slug: str) -> str:
    """``{{ product.slug|product_url }}``: the product page, keeping the token."""
    return _slug_url("storefront:product", slug)


@register.filter
def category_url(slug: str) -> str:
    """``{{ node.slug|category_url }}``: the category page, keeping the token."""
    return _slug_url("storefront:category", slug)


# --- personal data on long-lived capability pages (OWASP ASVS 8.2.3) ------
# The order page is reachable by whoever has its link for as long as the
# order exists, so it shows enough to recognise the delivery, not the full
# street address or phone number; those are in the buyer's own emails.


@register.filter
def mask_street(value: str) -> str:
    """``12 Jalan Ampang`` → ``12 J…``: the start only."""
    text = str(value or "").strip()
    return text if len(text) <= 4 else f"{text[:4].rstrip()}…"


@register.filter
def mask_phone(value: str) -> str:
    """``+60123456789`` → ``+60 ••• ••• 89``: country code and last two digits."""
    text = str(value or "").strip()
    if len(text) < 6:
        return "•••"
    country = text[:3] if text.startswith("+") else ""
    return f"{country} ••• ••• {text[-2:]}".strip()


@register.simple_tag(takes_context=True)
def language_links(context):
    """``{% language_links as links %}``: the same page in each language,
    keeping the cart token and the query (storefront.languages).

    Per response, so it must stay outside a ``{% shared_layout %}`` block.
    """
    from kedai.storefront.languages import language_switch_path

    request = context.get("request")
    if request is None:
        return []
    current = translation.get_language()
    return [{"code": code, "name": name, "short": code.upper(),
             "url": language_switch_path(request, code),
             "current": code == current}
            for code, name in settings.LANGUAGES]
