"""Cart writes. Every change either applies in full or leaves the cart
exactly as it was (raising CartError): one statement, or one durable
transaction when it spans several."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedai.cart.exceptions import CartError, CartExpired, CartNotFound
from kedai.cart.lock_objects import cart_qs_select_for_update
from kedai.cart.models import Cart, CartLine
from kedai.cart.selectors import cart_open_get, line_from_columns
from kedai.catalog.models import Variant
from kedai.core import tokens
from kedai.core.ratelimit import rate_limit_exceeded
from kedai.core.sqlite_writer import sqlite_writer
from kedai.notifications.exceptions import MessageObsolete, SealError
from kedai.notifications.rendering import Rendered
from kedai.notifications.sealing import seal, unseal
from kedai.notifications.services import message_queue

# A visit refreshes the idle clock at most this often (avoids a write per page).
TOUCH_INTERVAL = timedelta(hours=1)
LINK_EMAILS_PER_DAY = 3  # per cart
LINK_EMAILS_PER_ADDRESS_PER_DAY = 3  # per recipient, whatever the cart
LINK_EMAILS_PER_CLIENT_PER_HOUR = 10  # per requesting network address
LINK_MAIL_SOURCE = "cart.link"
# Adding to the cart refreshes it at most this often.
CHANGE_TOUCH_INTERVAL = timedelta(minutes=1)


def cart_create() -> tuple[Cart, str]:
    """Create an empty cart; return it with its token (shown once, in URLs)."""
    token = tokens.new_token()
    cart = Cart.objects.create(token_hash=tokens.token_hash(token),
                               currency=settings.KEDAI_CURRENCY)
    return cart, token


def cart_get(*, token: str) -> Cart:
    """Return the open cart for ``token``, refreshing its idle clock.

    Raises CartNotFound for an unknown or malformed token and CartExpired
    when the cart was idle for longer than KEDAI_CART_TTL_DAYS.
    """
    if not tokens.is_well_formed(token):
        raise CartNotFound(_("This cart link is not valid."), code="not_found")
    cart = cart_open_get(token_hash=tokens.token_hash(token))
    if cart is None:
        raise CartNotFound(_("This cart link is not valid."), code="not_found")
    now = timezone.now()
    if cart.is_expired(now):
        raise CartExpired(_("This cart has expired."), code="expired")
    if now - cart.last_seen_at > TOUCH_INTERVAL:
        Cart.objects.filter(pk=cart.pk).update(last_seen_at=now)
        cart.last_seen_at = now
    return cart


def cart_codes_mark(*, cart: Cart, has_codes: bool) -> None:
    """Record whether codes are on the cart (the promotions app calls this
    in the transaction that puts one on or takes one off)."""
    Cart.objects.filter(pk=cart.pk).update(has_codes=has_codes)
    cart.has_codes = has_codes


def _validate_quantity(quantity: object) -> int:
    maximum = settings.KEDAI_CART_MAX_LINE_QUANTITY
    if isinstance(quantity, bool) or not isinstance(quantity, int) \
            or not 1 <= quantity <= maximum:
        raise CartError(
            _("Enter a whole number from 1 to %(max)d.") % {"max": maximum},
            code="quantity",
        )
    return quantity


def _check_available(variant: Variant, quantity: int) -> None:
    if not (variant.is_active and variant.product.is_active):
        raise CartError(_("This product is no longer available."),
                        code="unavailable")
    if variant.stock <= 0:
        raise CartError(_("Sorry, this item is out of stock."), code="stock")
    if quantity > variant.stock:
        raise CartError(
            ngettext("Only %(n)d left in stock.", "Only %(n)d left in stock.",
                     variant.stock) % {"n": variant.stock},
            code="stock",
        )


def _locked(cart: Cart) -> Cart:
    locked = cart_qs_select_for_update().get(pk=cart.pk)
    if locked.status != Cart.Status.OPEN:
        raise CartError(_("This cart can no longer be changed."), code="closed")
    return locked


def cart_add_line(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Add ``quantity`` of a variant, merging with an existing line.

    The resulting line quantity must not exceed the variant's stock or
    KEDAI_CART_MAX_LINE_QUANTITY. Does not reserve stock (checkout does).
    One statement, whole or nothing by itself (see ``_add_line``), so no
    transaction is opened around it; ``cart`` is not read again, and its
    idle clock is written at most once a minute, by a statement of its own
    (a clock, not part of the add). On SQLite both wait their turn in the
    writers' queue (core.sqlite_writer).
    """
    with sqlite_writer():
        line = _add_line(cart, variant_id, quantity)
        now = timezone.now()
        if now - cart.last_seen_at > CHANGE_TOUCH_INTERVAL:
            Cart.objects.filter(pk=cart.pk).update(last_seen_at=now)
            cart.last_seen_at = now
    return line


def cart_create_with_line(*, variant_id: int, quantity: int
                          ) -> tuple[Cart, str, CartLine]:
    """Start a cart with its first line, or create nothing if it is refused.

    The first "add to cart" of a visitor without a cart comes here, so a
    refused add never leaves an empty cart behind. Queued as cart_add_line.
    """
    with sqlite_writer(), transaction.atomic(durable=True):
        cart, token = cart_create()
        return cart, token, _add_line(cart, variant_id, quantity)


# Adds a line or increases it, only while the variant is for sale, the
# result stays within stock and the per-line maximum, the cart is open and
# has room for a new line. Nothing is written (no row returned) otherwise.
# Written for both SQLite (3.35+) and PostgreSQL; "WHERE" before "ON
# CONFLICT" also settles SQLite's parsing ambiguity of INSERT … SELECT.
_ADD_LINE_SQL = """
INSERT INTO {line} (cart_id, variant_id, quantity, created_at, updated_at)
SELECT %s, v.id, %s, %s, %s
FROM {variant} v JOIN {product} p ON p.id = v.product_id
WHERE v.id = %s AND v.is_active AND p.is_active AND v.stock >= %s
  AND EXISTS (SELECT 1 FROM {cart} c WHERE c.id = %s AND c.status = %s)
  AND ((SELECT count(*) FROM {line} l WHERE l.cart_id = %s) < %s
       OR EXISTS (SELECT 1 FROM {line} l WHERE l.cart_id = %s AND l.variant_id = %s))
ON CONFLICT (cart_id, variant_id) DO UPDATE
SET quantity = {line}.quantity + excluded.quantity, updated_at = excluded.updated_at
WHERE {line}.quantity + excluded.quantity <= %s
  AND {line}.quantity + excluded.quantity
      <= (SELECT v2.stock FROM {variant} v2 WHERE v2.id = excluded.variant_id)
RETURNING id, quantity
"""


def _add_line(cart: Cart, variant_id: int, quantity: int) -> CartLine:
    quantity = _validate_quantity(quantity)
    if not isinstance(variant_id, int) or isinstance(variant_id, bool):
        raise CartError(_("Please choose an option."), code="variant")
    now = timezone.now()
    sql = _ADD_LINE_SQL.format(line=CartLine._meta.db_table, cart=Cart._meta.db_table,
                               variant=Variant._meta.db_table,
                               product=Variant._meta.get_field("product")
                               .related_model._meta.db_table)
    maximum = settings.KEDAI_CART_MAX_LINE_QUANTITY
    # The caller holds the writers' queue (sqlite_writer).
    with connection.cursor() as cursor:
        cursor.execute(sql, [cart.pk, quantity, now, now, variant_id, quantity,
                             cart.pk, Cart.Status.OPEN, cart.pk,
                             settings.KEDAI_CART_MAX_LINES, cart.pk, variant_id,
                             maximum])
        rows = cursor.fetchall()
    row = rows[0] if rows else None
    if row is None:
        _explain_refusal(cart, variant_id, quantity)
    line_id, line_quantity = row
    # Built as the cart page builds the lines it reads (no Model.__init__).
    line = line_from_columns(
        {"id": line_id, "cart_id": cart.pk, "variant_id": variant_id,
         "quantity": line_quantity, "updated_at": now})
    line.cart = cart
    return line


def _explain_refusal(cart: Cart, variant_id: int, quantity: int) -> NoReturn:
    """Raise the CartError that says why ``_ADD_LINE_SQL`` added nothing."""
    try:
        variant = Variant.objects.select_related("product").get(pk=variant_id)
    except Variant.DoesNotExist:
        raise CartError(_("Please choose an option."), code="variant") from None
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    new_quantity = quantity + (line.quantity if line else 0)
    if new_quantity > settings.KEDAI_CART_MAX_LINE_QUANTITY:
        raise CartError(
            _("You can buy at most %(max)d of one item.")
            % {"max": settings.KEDAI_CART_MAX_LINE_QUANTITY},
            code="quantity",
        )
    _check_available(variant, new_quantity)
    if not Cart.objects.filter(pk=cart.pk, status=Cart.Status.OPEN).exists():
        raise CartError(_("This cart can no longer be changed."), code="closed")
    raise CartError(_("Your cart is full."), code="full")


@transaction.atomic(durable=True)
def cart_set_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine:
    """Set a line's quantity (1..max, within stock)."""
    quantity = _validate_quantity(quantity)
    cart = _locked(cart)
    try:
        line = CartLine.objects.select_related("variant__product").get(
            pk=line_id, cart=cart)
    except CartLine.DoesNotExist:
        raise CartError(_("That item is no longer in your cart."),
                        code="line") from None
    _check_available(line.variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity", "updated_at"])
    Cart.objects.filter(pk=cart.pk).update(last_seen_at=timezone.now())
    return line


@transaction.atomic(durable=True)
def cart_remove_line(*, cart: Cart, line_id: int) -> None:
    """Remove a line; removing one that is already gone is not an error."""
    cart = _locked(cart)
    CartLine.objects.filter(pk=line_id, cart=cart).delete()
    Cart.objects.filter(pk=cart.pk).update(last_seen_at=timezone.now())


@transaction.atomic(durable=True)
def cart_email_link(*, cart: Cart, email: str, url: str, client: str) -> None:
    """Remember ``email`` on the cart and queue an email with the cart link.

    Limited per cart (LINK_EMAILS_PER_DAY), per recipient address
    (LINK_EMAILS_PER_ADDRESS_PER_DAY) and per ``client`` (the requester's
    network address, LINK_EMAILS_PER_CLIENT_PER_HOUR): carts are free, so
    a per-cart limit alone would let anyone mail a stranger in bulk. Raises
    CartError (code "rate_limited") and queues nothing beyond them.

    The message goes through the outbox (retried while the mail server is
    down). The link is a capability, so the outbox row keeps it only
    sealed with SECRET_KEY (kedai.notifications.sealing); it is opened and
    put into the text when the message is sent (:func:`cart_link_render`).
    """
    refused = CartError(_("This cart link was emailed too often today. "
                          "Please copy the link instead."), code="rate_limited")
    if rate_limit_exceeded(key=f"cart-link:client:{client}",
                           limit=LINK_EMAILS_PER_CLIENT_PER_HOUR, window_seconds=3600):
        raise refused
    if rate_limit_exceeded(key=f"cart-link:to:{email.strip().lower()}",
                           limit=LINK_EMAILS_PER_ADDRESS_PER_DAY, window_seconds=86400):
        raise refused
    if rate_limit_exceeded(key=f"cart-link:cart:{cart.pk}",
                           limit=LINK_EMAILS_PER_DAY, window_seconds=86400):
        raise refused
    cart = _locked(cart)
    cart.email = email
    cart.save(update_fields=["email", "updated_at"])
    message_queue(kind=LINK_MAIL_SOURCE, to=email, subject=_("Your cart link"),
                  render_source=LINK_MAIL_SOURCE,
                  render_args={"cart": cart.pk, "url": seal(url)})


def cart_link_render(args: dict[str, Any]) -> Rendered:
    """The cart-link email (the outbox's renderer for LINK_MAIL_SOURCE).

    Raises MessageObsolete when the cart was checked out, deleted or has
    expired meanwhile: a link to it would open nothing.
    """
    cart = Cart.objects.filter(pk=args["cart"], status=Cart.Status.OPEN).first()
    if cart is None or cart.is_expired(timezone.now()):
        raise MessageObsolete("the cart was checked out or has expired")
    try:
        url = unseal(args["url"])
    except SealError as exc:
        raise MessageObsolete(f"the cart link cannot be opened: {exc}") from exc
    body = render_to_string("cart/email_cart_link.txt", {"url": url})
    return Rendered(subject=_("Your cart link"), body_text=body, secrets=(url,))


def cart_purge_expired(*, now=None) -> int:
    """Delete open carts idle past their expiry; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.KEDAI_CART_TTL_DAYS)
    _total, per_model = Cart.objects.filter(status=Cart.Status.OPEN,
                                            last_seen_at__lt=cutoff).delete()
    return per_model.get(Cart._meta.label, 0)
