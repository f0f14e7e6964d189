"""The cart badge in the header of every storefront page under a token.

It is the only part of a catalogue page that differs between carts, so it
is made here in Python from one small query (no template render), both
when a page is rendered for a token and when a cached page is handed to a
token (storefront.page_cache): the two give the same HTML by construction.
"""

from django.utils.html import format_html
from django.utils.translation import ngettext

from kedai.cart.selectors import CartBadge, cart_badge


def cart_badge_html(badge: CartBadge) -> str:
    """The badge after the "Cart" link text; empty for an empty cart."""
    from kedai.core.templatetags.money import money

    if not badge.count:
        return ""
    label = ngettext("%(n)s item", "%(n)s items", badge.count) % {"n": badge.count}
    return format_html(' <span class="badge" aria-label="{}">{}</span>'
                       ' <small class="cart-total">{}</small>',
                       label, badge.count, money(badge.total))


def cart_badge_for(token: str | None) -> str:
    return cart_badge_html(cart_badge(token=token)) if token else ""


def cart_badge_for_request(request) -> str:
    """The badge of the request's cart: the one its view already worked out
    (``request.cart_badge_html``, the cart page: no query), else read."""
    known = getattr(request, "cart_badge_html", None)
    if known is not None:
        return known
    return cart_badge_for(getattr(request, "shopper_token", None))
