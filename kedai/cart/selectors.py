"""Cart reads: lines with their variants and live prices."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import signals
from django.db.models.base import ModelState

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
    The statement is written by hand (the cart page runs it on every
    visit, and building the ORM's select_related query cost more than
    running it); lines, variants and products come back as model
    instances with only the columns read here loaded (the others load on
    access, as with ``.only()``).
    """
    from django.utils.translation import gettext as _

    views, subtotal, count = [], Decimal("0"), 0
    for line in _cart_lines(cart):
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


def cart_view_badge(view: CartView) -> CartBadge:
    """The header badge of a cart whose summary is at hand (no query): every
    unit in the cart, and the subtotal of what can still be bought — what
    ``cart_badge`` reads for the same cart."""
    return CartBadge(sum(lv.line.quantity for lv in view.lines), view.subtotal)


_LINE_FIELDS = {"id", "cart_id", "variant_id", "quantity", "created_at", "updated_at"}
_VARIANT_FIELDS = {"id", "product_id", "sku", "option1", "option2", "option3",
                   "price", "stock", "is_active"}
_PRODUCT_FIELDS = {"id", "name", "slug", "is_active",
                   "category_id"}  # category: for promotions on categories


def _loaded(model, wanted: set[str]) -> list:
    """The fields of ``model`` named in ``wanted``, in the model's order
    (the order ``Model.from_db`` expects its values in)."""
    return [f for f in model._meta.concrete_fields if f.attname in wanted]


@functools.cache
def _lines_parts():
    """The lines' statement and, per model read, its fields (worked out once)."""
    from kedai.catalog.models import Product, Variant

    parts = [(CartLine, "l", _loaded(CartLine, _LINE_FIELDS)),
             (Variant, "v", _loaded(Variant, _VARIANT_FIELDS)),
             (Product, "p", _loaded(Product, _PRODUCT_FIELDS))]
    columns = ", ".join(f"{alias}.{f.column}" for _m, alias, fields in parts
                        for f in fields)
    sql = (f"SELECT {columns} FROM {CartLine._meta.db_table} l "  # noqa: S608
           f"JOIN {Variant._meta.db_table} v ON v.id = l.variant_id "
           f"JOIN {Product._meta.db_table} p ON p.id = v.product_id "
           "WHERE l.cart_id = %s ORDER BY l.created_at, l.id")
    return sql, parts


def _converter(field):
    """How a raw column of ``field`` becomes what the ORM would give (only
    the types the cart reads: datetimes, amounts, booleans)."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _aware
    if kind == "DecimalField":
        return lambda value: None if value is None else _amount(value)
    if kind == "BooleanField":
        return bool
    return None


@functools.cache
def _reader(model, fields: tuple) -> tuple[list[str], list]:
    return [f.attname for f in fields], [_converter(f) for f in fields]


def _from_row(model, fields, values):
    """A model instance from raw column values, converted as the ORM does;
    the fields not read load on access (as with ``.only()``).

    What ``Model.from_db`` makes, built directly: ``Model.__init__`` walks
    every field and sends ``pre_init`` and ``post_init``, which was a third
    of the cart page's reading of its lines. A model someone listens to
    those signals for (an ``ImageField`` with dimension fields, a metric)
    still goes through ``from_db``.
    """
    names, converters = _reader(model, tuple(fields))
    converted = [value if convert is None else convert(value)
                 for convert, value in zip(converters, values, strict=True)]
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model.from_db(connection.alias, names, converted)
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, converted, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, connection.alias
    return instance


def line_from_columns(values: dict[str, object]) -> CartLine:
    """A cart line from the columns a write returned (already Python
    values), the others loading on access; see :func:`_from_row`."""
    fields = _line_fields(frozenset(values))
    return _from_row(CartLine, fields, [values[f.attname] for f in fields])


@functools.cache
def _line_fields(names: frozenset[str]) -> tuple:
    return tuple(_loaded(CartLine, set(names)))


def _cart_lines(cart: Cart) -> list[CartLine]:
    sql, parts = _lines_parts()
    with connection.cursor() as cursor:
        cursor.execute(sql, [cart.pk])
        rows = cursor.fetchall()
    lines = []
    for row in rows:
        made, start = [], 0
        for model, _alias, fields in parts:
            made.append(_from_row(model, fields, row[start:start + len(fields)]))
            start += len(fields)
        line, variant, product = made
        variant.product = product
        line.cart, line.variant = cart, variant
        lines.append(line)
    return lines


def _amount(value) -> Decimal:
    """A price column as the ORM returns it (SQLite hands back a float or
    an int; its text form is the stored two-decimal amount)."""
    from kedai.core.money import round_places, to_decimal

    return value if isinstance(value, Decimal) else round_places(to_decimal(str(value)))


def _aware(value):
    """A datetime column as the ORM returns it (SQLite: naive, in UTC)."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone)
    return value


def cart_open_get(*, token_hash: str) -> Cart | None:
    """The open cart with this token hash, or None (one hand-written query:
    every cart request starts with it)."""
    fields = list(Cart._meta.concrete_fields)
    columns = ", ".join(str(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {Cart._meta.db_table} "  # noqa: S608
            "WHERE token_hash = %s AND status = %s", [token_hash, Cart.Status.OPEN])
        row = cursor.fetchone()
    return None if row is None else _from_row(Cart, fields, row)


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
