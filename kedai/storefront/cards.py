"""Product cards of listings and the front page, built in Python.

A category page shows 24 cards; rendering a template include per card cost
more than everything else on the page together (issue 12). Every card
differs only in a few strings, so they are formatted here in one pass, with
the per-page parts (add-to-cart URL, the "next" path, labels) worked out
once. The markup is what partials/product_card.html used to render.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kedai.catalog.models import Product
from kedai.core.templatetags.money import money

_CARD = """<article class="product-card">
  <a href="{url}">
    <img src="{image}" alt="" width="240" height="240" loading="lazy">
    <h3>{name}</h3>
  </a>
  <p class="price">{price}</p>
  {buy}
</article>"""
_BUY = """<form method="post" action="{add_url}"{htmx}>
    <input type="hidden" name="product" value="{pk}">
    <input type="hidden" name="quantity" value="1">
    <input type="hidden" name="next" value="{next}">
    <button type="submit">{label}<span class="visually-hidden"> – {name}</span>\
</button>{status}
  </form>"""


def product_cards_html(products: Iterable[Product], *, product_url, add_url: str,
                       next_path: str, htmx: bool) -> SafeString:
    """The cards of ``products`` (listing fields only), escaped.

    ``product_url(slug)`` gives a product's link (keeping any cart token);
    ``htmx`` adds the in-page add-to-cart of pages under a cart token.
    """
    placeholder = static("kedai/placeholder.svg")
    label, out_of_stock = gettext("Add to cart"), gettext("Out of stock")
    stock_out = format_html('<p class="stock-out">{}</p>', out_of_stock)
    hx = format_html(' hx-post="{}" hx-target="find .add-status" hx-swap="innerHTML"',
                     add_url) if htmx else ""
    status = (mark_safe('<span class="add-status" aria-live="polite"></span>')
              if htmx else "")
    cards = []
    for product in products:
        price = money(product.price)
        if product.price_max and product.price_max != product.price:
            price = gettext("From %(price)s") % {"price": price}
        buy = format_html(_BUY, add_url=add_url, htmx=hx, pk=product.pk,
                          next=next_path, label=label, name=product.name,
                          status=status) if product.in_stock else stock_out
        cards.append(format_html(
            _CARD, url=product_url(product.slug),
            image=(f"{settings.MEDIA_URL}{product.thumbnail}" if product.thumbnail
                   else placeholder),
            name=product.name, price=price, buy=buy))
    return mark_safe("".join(cards))  # noqa: S308 - each card built by format_html
