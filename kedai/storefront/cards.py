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

_CARD = """<article class="product-card{classes}">
  <a href="{url}" class="card-link">
    <span class="card-media"><img src="{image}" alt="" width="240" height="240" \
loading="lazy">{badges}</span>
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
_CHOOSE = """<a href="{url}" class="button secondary">{label}\
<span class="visually-hidden"> – {name}</span></a>"""


def product_cards_html(products: Iterable[Product], *, product_url, add_url: str,
                       next_path: str, htmx: bool) -> SafeString:
    """The cards of ``products`` (listing fields only), escaped.

    ``product_url(slug)`` gives a product's link (keeping any cart token);
    ``htmx`` adds the in-page add-to-cart of pages under a cart token.
    Products with options get a "Choose options" link to their page, which
    preselects the first variant in stock; a sale shows the compare-at
    price struck through and a badge.
    """
    placeholder = static("kedai/placeholder.svg")
    label, out_of_stock = gettext("Add to cart"), gettext("Out of stock")
    choose, sale = gettext("Choose options"), gettext("Sale")
    was = gettext("Regular price")
    stock_out = format_html('<p class="stock-out">{}</p>', out_of_stock)
    sold_badge = format_html(
        '<span class="card-badge sold-out" aria-hidden="true">{}</span>',
        gettext("Sold out"))
    hx = format_html(' hx-post="{}" hx-target="find .add-status" hx-swap="innerHTML"',
                     add_url) if htmx else ""
    status = (mark_safe('<span class="add-status" aria-live="polite"></span>')
              if htmx else "")
    cards = []
    for product in products:
        url = product_url(product.slug)
        ranged = bool(product.price_max and product.price_max != product.price)
        price = money(product.price)
        compare_at = getattr(product, "compare_at", None)
        on_sale = compare_at is not None and compare_at > (product.price or 0)
        if on_sale:
            price = format_html(
                '<span class="sale-price">{}</span> <s class="compare-at">'
                '<span class="visually-hidden">{} </span>{}</s>',
                price, was, money(compare_at))
        if ranged:
            price = format_html("{}", gettext("From %(price)s")) % {"price": price}
            price = mark_safe(price)  # noqa: S308 - both parts escaped above
        badges = ""
        if not product.in_stock:
            badges = sold_badge
        elif on_sale:
            badges = format_html('<span class="card-badge sale">{}</span>', sale)
        if not product.in_stock:
            buy = stock_out
        elif product.option1_name or ranged:
            buy = format_html(_CHOOSE, url=url, label=choose, name=product.name)
        else:
            buy = format_html(_BUY, add_url=add_url, htmx=hx, pk=product.pk,
                              next=next_path, label=label, name=product.name,
                              status=status)
        classes = (" is-sold-out" if not product.in_stock else "") + (
            " is-on-sale" if on_sale else "")
        cards.append(format_html(
            _CARD, url=url, classes=classes,
            image=(f"{settings.MEDIA_URL}{product.thumbnail}" if product.thumbnail
                   else placeholder),
            badges=badges, name=product.name, price=price, buy=buy))
    return mark_safe("".join(cards))  # noqa: S308 - each card built by format_html
