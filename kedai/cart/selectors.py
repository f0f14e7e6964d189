"""Cart reads: lines with their variants and live prices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

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
    return CartLine.objects.filter(cart=cart).aggregate(n=Sum("quantity"))["n"] or 0
