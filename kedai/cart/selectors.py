"""Cart reads: lines with their variants and live prices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from kedai.cart.models import Cart, CartLine
from kedai.core.money import quantize


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
        total = quantize(v.price * line.quantity, cart.currency)
        views.append(CartLineView(line, v.price, total, available, problem))
        if available:
            subtotal += total
            count += line.quantity
    return CartView(cart, views, subtotal, count)


def cart_item_count(*, cart: Cart) -> int:
    return CartLine.objects.filter(cart=cart).aggregate(n=Sum("quantity"))["n"] or 0


@dataclass(frozen=True)
class CartBadge:
    """What the header shows of a cart: items and their indicative total."""

    count: int
    total: Decimal


def cart_badge(*, token: str) -> CartBadge:
    """The badge of the open cart of ``token`` (one query; empty if none).

    ``count`` is every unit in the cart (as the cart link says); ``total``
    prices only what can still be bought, like the cart page's subtotal.
    """
    from django.db.models import DecimalField, ExpressionWrapper, F, Q

    from kedai.cart.tokens import token_hash

    sellable = Q(variant__is_active=True, variant__product__is_active=True,
                 variant__stock__gt=0)
    row = (CartLine.objects
           .filter(cart__token_hash=token_hash(token), cart__status=Cart.Status.OPEN)
           .aggregate(n=Sum("quantity"), total=Sum(ExpressionWrapper(
               F("quantity") * F("variant__price"),
               output_field=DecimalField(max_digits=14, decimal_places=2)),
               filter=sellable)))
    return CartBadge(row["n"] or 0, row["total"] or Decimal("0"))
