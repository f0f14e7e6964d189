"""Cart reads: lines with their variants and live prices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from kedai.cart.models import Cart, CartLine
from kedai.core.money import line_total


@dataclass(frozen=True)
class CartLineView:
    line: CartLine
    unit_price: Decimal
    line_total: Decimal
    available: bool
    problem: str = ""


@dataclass(frozen=True)
class CartView:
    cart: Cart
    lines: list[CartLineView]
    subtotal: Decimal
    item_count: int


def cart_summary(*, cart: Cart) -> CartView:
    """The cart's lines priced from the live catalogue (one query).

    Totals here are indicative; checkout recomputes and snapshots prices.
    """
    from django.utils.translation import gettext as _

    lines = (CartLine.objects.filter(cart=cart)
             .select_related("variant__product"))
    views, subtotal, count = [], Decimal("0"), 0
    for line in lines:
        v = line.variant
        available = v.is_active and v.product.is_active and v.stock > 0
        problem = ""
        if not available:
            problem = _("No longer available")
        elif line.quantity > v.stock:
            problem = _("Only %(n)d left in stock") % {"n": v.stock}
        total = line_total(v.price, line.quantity, cart.currency)
        views.append(CartLineView(line, v.price, total, available, problem))
        if available:
            subtotal += total
            count += line.quantity
    return CartView(cart, views, subtotal, count)


def cart_item_count(*, cart: Cart) -> int:
    """Units in the cart (every line). Written by hand like the badge: the
    API's add-to-cart answers with it, and the ORM aggregate cost more than
    the add itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(quantity), 0) FROM {CartLine._meta.db_table} "  # noqa: S608
            "WHERE cart_id = %s", [cart.pk])
        return int(cursor.fetchone()[0])


@dataclass(frozen=True)
class CartBadge:
    """What the header shows of a cart: items and their indicative total."""

    count: int
    total: Decimal


# One statement written by hand: it runs for every page under a token, and
# building the equivalent ORM aggregate cost more than the page itself.
_BADGE_SQL = """
SELECT l.quantity, v.price,
       CASE WHEN v.is_active AND p.is_active AND v.stock > 0 THEN 1 ELSE 0 END
FROM {line} l
JOIN {cart} c ON c.id = l.cart_id
JOIN {variant} v ON v.id = l.variant_id
JOIN {product} p ON p.id = v.product_id
WHERE c.token_hash = %s AND c.status = %s
"""


def cart_badge(*, token: str) -> CartBadge:
    """The badge of the open cart of ``token`` (one query; empty if none).

    ``count`` is every unit in the cart (as the cart link says); ``total``
    prices only what can still be bought, like the cart page's subtotal.
    """
    from django.db import connection

    from kedai.catalog.models import Variant
    from kedai.core.tokens import token_hash

    price_field = Variant._meta.get_field("price")
    sql = _BADGE_SQL.format(
        line=CartLine._meta.db_table, cart=Cart._meta.db_table,
        variant=Variant._meta.db_table,
        product=Variant._meta.get_field("product").related_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash(token), Cart.Status.OPEN])
        rows = cursor.fetchall()
    count, total = 0, Decimal("0")
    for quantity, price, sellable in rows:
        count += quantity
        if sellable:
            # SQLite hands decimals back as floats: convert as the ORM does.
            total += price_field.to_python(price) * quantity
    return CartBadge(count, total)


def cart_is_checked_out(*, token: str) -> bool:
    """True when ``token`` is the link of a cart that became an order."""
    from kedai.core.tokens import is_well_formed, token_hash

    return is_well_formed(token) and Cart.objects.filter(
        token_hash=token_hash(token), status=Cart.Status.CHECKED_OUT).exists()
