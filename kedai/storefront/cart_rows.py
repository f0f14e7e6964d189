"""The rows of the cart table, built in Python.

The cart page is rendered on every visit (it is one shopper's), and the
per-line part of its table was most of its template's cost: some twenty
template nodes a line. Like the product cards (storefront.cards), the rows
are formatted here in one pass with the labels translated once per page;
the markup is what partials/cart_table.html rendered for each line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kedai.core.templatetags.money import money

_ROW = """
  <tr id="line-{pk}"{highlight}>
    <th scope="row"><a href="{url}">{name}</a>{label}<br><small>{sku}</small>
      {problem}</th>
    <td data-label="{price_label}">{price}</td>
    <td data-label="{quantity_label}">
      <form method="post" action="{action}" hx-post="{action}" \
hx-target="#cart-table" hx-swap="outerHTML" novalidate>
        <label for="qty-{pk}" class="visually-hidden">{quantity_of}</label>
        <input type="number" id="qty-{pk}" name="quantity" value="{quantity}" \
min="1" step="1" inputmode="numeric"{invalid}>
        <button type="submit" name="action" value="update">{update}</button>
        <button type="submit" name="action" value="remove" class="secondary">\
{remove}<span class="visually-hidden">: {name}</span></button>
        {error}
      </form>
    </td>
    <td data-label="{total_label}">{total}</td>
  </tr>"""
_INVALID = ' aria-invalid="true" aria-describedby="qty-{}-error"'


@dataclass(frozen=True, slots=True)
class CartRow:
    """A line of the cart table: the line (with its variant and product),
    its prices, why it cannot be bought as it is, its form's address and
    the error of its last change."""

    line: Any
    unit_price: Decimal
    line_total: Decimal
    problem: str
    action: str
    error: str


def cart_rows_html(rows: Iterable[CartRow], *, product_url,
                   highlight: int | None) -> SafeString:
    """The ``<tr>`` of every row, escaped; ``product_url(slug)`` gives a
    product's link (keeping the cart token).

    What ``format_html`` would do, without its per-argument
    ``conditional_escape`` of every label on every row: the labels are
    escaped once, each row's own values with ``escape`` (all of them plain
    text from the database or this module), and the rare messages with
    ``conditional_escape`` (they may be marked safe).
    """
    labels = {name: escape(text) for name, text in (
        ("price_label", gettext("Price")), ("quantity_label", gettext("Quantity")),
        ("total_label", gettext("Total")), ("update", gettext("Update")),
        ("remove", gettext("Remove")))}
    quantity_of = gettext("Quantity of %(name)s")
    out = []
    for row in rows:
        line = row.line
        variant = line.variant
        product = variant.product
        pk, label = int(line.pk), variant.label
        # As {% blocktranslate %}: the name escaped, the sentence not.
        name = conditional_escape(product.name)
        out.append(_ROW.format(
            pk=pk, url=escape(product_url(product.slug)), name=name,
            sku=escape(variant.sku),
            highlight=' class="highlight"' if highlight == pk else "",
            label=f"<br><small>{escape(label)}</small>" if label else "",
            problem=(format_html('<br><strong class="error">{}</strong>', row.problem)
                     if row.problem else ""),
            price=escape(money(row.unit_price)), total=escape(money(row.line_total)),
            action=escape(row.action), quantity=int(line.quantity),
            quantity_of=quantity_of % {"name": name},
            invalid=_INVALID.format(pk) if row.error else "",
            error=(format_html('<p class="error" id="qty-{}-error" role="alert">{}</p>',
                               pk, row.error) if row.error else ""),
            **labels))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above
