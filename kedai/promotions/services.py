"""Which discounts apply, and counting their use (race-safe).

Layering: this app sits below ``checkout`` and ``invoicing`` and above
``shipping``, ``orders``, ``cart``, ``catalog`` and ``customers``. The one
pricing function (``kedai.checkout.pricing.price_order``) does the
arithmetic; checkout asks :func:`promotions_for_lines` which
:class:`~kedai.promotions.discounts.Discount` values to pass it. Order cancellations
reach this app as domain events (``subscribers``), never as imports.

A voucher's use is counted inside the order-placing transaction by
:func:`discount_uses_record`: ``times_used`` is raised with a conditional
UPDATE (``times_used < usage_limit``), and a per-customer limit takes a
numbered slot guarded by a partial unique constraint, so neither can be
exceeded by concurrent checkouts (no read-then-write).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kedai.cart.models import Cart, CartLine
from kedai.cart.services import cart_codes_mark
from kedai.catalog.models import Category
from kedai.core.money import Money, line_total
from kedai.core.templatetags.money import money
from kedai.customers.models import Customer
from kedai.orders.models import Order
from kedai.promotions.discounts import AppliedDiscount, Discount
from kedai.promotions.exceptions import VoucherError
from kedai.promotions.models import (
    MAX_CODE_LENGTH,
    AutomaticDiscount,
    CartCode,
    DiscountUse,
    Scope,
    Voucher,
)
from kedai.promotions.rules import (
    Rule,
    Rules,
    rules_load,
)
from kedai.shipping.zones import Zone, zone_for_state

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")


def code_normalise(raw: object) -> str:
    """The stored form of a typed code: trimmed, upper case.

    Raises VoucherError ``invalid`` for anything that cannot be a code
    (empty, too long, spaces inside, markup), without echoing it back.
    """
    text = str(raw or "").strip().upper()
    if not text:
        raise VoucherError(_("Enter a code."), code="invalid")
    if len(text) > MAX_CODE_LENGTH or not CODE_RE.match(text):
        raise VoucherError(_("That is not a valid code. Codes have letters, "
                             "digits and dashes only."), code="invalid")
    return text


@dataclass(frozen=True)
class ItemLine:
    """What promotions need of a cart line."""

    sku: str
    product_id: int
    category_id: int | None
    quantity: int
    unit_price: Decimal
    total: Decimal


@dataclass
class Promotions:
    """The discounts for one cart, in the order pricing applies them."""

    discounts: list[Discount] = field(default_factory=list)
    # Source of each discount key (a Voucher, or the Rule of an automatic
    # discount or a free-delivery threshold), for recording uses.
    sources: dict[str, Voucher | Rule] = field(default_factory=dict)
    vouchers: list[Voucher] = field(default_factory=list)
    # Codes on the cart that do not apply now, with the reason.
    problems: list[tuple[Voucher, str]] = field(default_factory=list)


def item_lines(lines: Iterable[CartLine], currency: str) -> list[ItemLine]:
    """ItemLines of cart lines loaded with ``variant__product``."""
    return [ItemLine(sku=line.variant.sku, product_id=line.variant.product_id,
                     category_id=line.variant.product.category_id,
                     quantity=line.quantity, unit_price=line.variant.price,
                     total=line_total(line.variant.price, line.quantity, currency))
            for line in lines]


def promotions_for_lines(*, cart: Cart, lines: Sequence[ItemLine], currency: str,
                         state_code: str = "", customer: Customer | None = None,
                         email: str = "", now: datetime | None = None,
                         strict: bool = False, rules: Rules | None = None,
                         vouchers: Sequence[Voucher] | None = None,
                         parents: dict[int, int | None] | None = None,
                         ) -> Promotions:
    """The automatic discounts, the cart's codes and free delivery that
    apply to ``lines`` now, shipped to ``state_code`` (none: no free
    delivery yet).

    A code that no longer applies is left out and listed in ``problems``;
    with ``strict`` (placing the order) it raises VoucherError instead.
    ``rules``, ``vouchers`` (the cart's codes) and ``parents`` (category
    id: parent id) are read from the database when not given; only pages
    that show an estimate pass cached ones. Reads only: counts nothing.
    """
    now = now or timezone.now()
    result = Promotions()
    if vouchers is None:
        vouchers = [c.voucher for c in CartCode.objects.filter(cart=cart)
                    .select_related("voucher__campaign").order_by("id")]
    rules = rules if rules is not None else rules_load()
    autos = [rule for rule in rules.automatic if rule.live(now)]
    subtotal = sum((line.total for line in lines), Decimal(0))
    candidates: list[Voucher | Rule] = [*autos, *vouchers]
    eligible = _eligible_skus([v for v in candidates if v.scope != Scope.ORDER],
                              lines, parents)
    for auto in autos:
        skus = eligible.get(_key(auto))
        if auto.kind == AutomaticDiscount.Kind.PERCENT:
            discount = Discount(_key(auto), auto.name, "percent", auto.value,
                                skus=skus)
        else:
            discount = Discount(_key(auto), auto.name, "buy_x_get_y",
                                buy=auto.buy, get=auto.get, skus=skus)
        result.discounts.append(discount)
        result.sources[discount.key] = auto
    free_delivery: Discount | None = None
    for voucher in vouchers:
        try:
            voucher_check(voucher=voucher, lines=lines, subtotal=subtotal,
                          skus=eligible.get(_key(voucher)), now=now,
                          customer=customer, email=email,
                          others=list(result.vouchers))
        except VoucherError as exc:
            if strict:
                raise
            result.problems.append((voucher, exc.message))
            continue
        result.vouchers.append(voucher)
        label = _("Code %(code)s") % {"code": voucher.code}
        if voucher.kind == Voucher.Kind.FREE_DELIVERY:
            free_delivery = free_delivery or Discount(_key(voucher), label,
                                                      "free_delivery")
            result.sources[_key(voucher)] = voucher
            continue
        discount = Discount(_key(voucher), label, voucher.kind, voucher.value,
                            skus=eligible.get(_key(voucher)))
        result.discounts.append(discount)
        result.sources[discount.key] = voucher
    if free_delivery is None and state_code:
        threshold = threshold_for(state_code=state_code, subtotal=subtotal,
                                  now=now, rules=rules)
        if threshold is not None:
            free_delivery = Discount(_key(threshold), _("Free delivery"),
                                     "free_delivery")
            result.sources[free_delivery.key] = threshold
    if free_delivery is not None:
        result.discounts.append(free_delivery)
    return result


def voucher_check(*, voucher: Voucher, lines: Sequence[ItemLine],
                  subtotal: Decimal, skus: frozenset[str] | None,
                  now: datetime, customer: Customer | None = None,
                  email: str = "", others: Sequence[Voucher] = ()) -> None:
    """Raise VoucherError with the shopper's message if ``voucher`` cannot
    be used on these lines now; return None if it can."""
    code = voucher.code
    for thing in (voucher.campaign, voucher):
        if thing is None:
            continue
        state = thing.schedule_state(now)
        if state == "paused":
            raise VoucherError(_("The code %(code)s is not active at the moment.")
                               % {"code": code}, code="paused")
        if state == "scheduled":
            raise VoucherError(
                _("The code %(code)s starts on %(date)s.")
                % {"code": code, "date": _when(thing.starts_at)},
                code="not_started")
        if state == "ended":
            raise VoucherError(_("The code %(code)s expired on %(date)s.")
                               % {"code": code, "date": _when(thing.ends_at)},
                               code="expired")
    if voucher.usage_limit is not None and voucher.times_used >= voucher.usage_limit:
        raise VoucherError(_("The code %(code)s has been used up.")
                           % {"code": code}, code="used_up")
    if others and not (voucher.combinable and all(v.combinable for v in others)):
        raise VoucherError(
            _("Only one code per order: remove %(other)s to use %(code)s.")
            % {"code": code, "other": others[0].code}, code="one_code")
    if skus is not None and not any(line.sku in skus for line in lines):
        raise VoucherError(_("The code %(code)s is not for the items in your cart.")
                           % {"code": code}, code="not_eligible")
    if voucher.min_spend is not None and subtotal < voucher.min_spend:
        raise VoucherError(
            _("Add %(amount)s more to use the code %(code)s.")
            % {"amount": money(voucher.min_spend - subtotal), "code": code},
            code="min_spend")
    if voucher.per_customer_limit is not None:
        who = customer or (Customer.objects.filter(email=email.strip().lower())
                           .first() if email else None)
        if who is not None and _uses_by(voucher, who) >= voucher.per_customer_limit:
            raise VoucherError(_("You have already used the code %(code)s.")
                               % {"code": code}, code="customer_limit")


def threshold_for(*, state_code: str, subtotal: Decimal,
                  now: datetime | None = None,
                  rules: Rules | None = None) -> Rule | None:
    """The live free-delivery threshold reached for a state, if any."""
    try:
        zone = zone_for_state(state_code)
    except KeyError:
        return None
    now = now or timezone.now()
    rules = rules if rules is not None else rules_load()
    return next((t for t in rules.thresholds
                 if t.zone == zone and t.min_subtotal <= subtotal and t.live(now)),
                None)


# --- the cart's codes ---------------------------------------------------------


@transaction.atomic
def cart_code_apply(*, cart: Cart, code: str,
                    now: datetime | None = None) -> Voucher:
    """Put a typed code on the cart after checking it against the cart.

    Raises VoucherError (and changes nothing) for a code that is not
    valid, unknown, not active, used up, not for these items, below its
    minimum spend, or a second code where codes do not combine. Counts
    nothing: the use is counted when the order is placed.
    """
    voucher = cart_code_check(cart=cart, code=code, now=now)
    CartCode.objects.get_or_create(cart=cart, voucher=voucher)
    cart_codes_mark(cart=cart, has_codes=True)
    return voucher


def cart_code_check(*, cart: Cart, code: str, email: str = "",
                    now: datetime | None = None) -> Voucher:
    """The voucher of ``code`` if it may go on ``cart`` now; raise
    VoucherError with the shopper's message otherwise. Reads only."""
    normal = code_normalise(code)
    voucher = (Voucher.objects.select_related("campaign")
               .filter(code=normal).first())
    if voucher is None:
        raise VoucherError(_("We do not know the code %(code)s. Check the "
                             "spelling and try again.") % {"code": normal},
                           code="unknown")
    now = now or timezone.now()
    lines = item_lines(CartLine.objects.filter(cart=cart)
                       .select_related("variant__product"), cart.currency)
    subtotal = sum((line.total for line in lines), Decimal(0))
    others = [c.voucher for c in CartCode.objects.filter(cart=cart)
              .exclude(voucher=voucher).select_related("voucher")]
    skus = (_eligible_skus([voucher], lines).get(_key(voucher))
            if voucher.scope != Scope.ORDER else None)
    voucher_check(voucher=voucher, lines=lines, subtotal=subtotal, skus=skus,
                  now=now, email=email or cart.email, others=others)
    return voucher


@transaction.atomic
def cart_code_remove(*, cart: Cart, code: str) -> None:
    """Take a code off the cart (nothing happens if it is not on it)."""
    CartCode.objects.filter(cart=cart, voucher__code=str(code).strip().upper()
                            [:MAX_CODE_LENGTH]).delete()
    cart_codes_mark(cart=cart,
                    has_codes=CartCode.objects.filter(cart=cart).exists())


# --- counting uses (inside the order-placing transaction) ----------------------


def vouchers_claim(*, promotions: Promotions) -> None:
    """Count one use of each voucher of ``promotions``, or raise.

    One conditional UPDATE per voucher: ``times_used + 1`` only while
    below the usage limit, so concurrent checkouts can never use a code
    more often than allowed. Must run inside the order's transaction;
    raises VoucherError ``used_up`` when the code ran out meanwhile (the
    caller's transaction then rolls back).
    """
    for voucher in promotions.vouchers:
        qs = Voucher.objects.filter(pk=voucher.pk)
        if voucher.usage_limit is not None:
            qs = qs.filter(times_used__lt=F("usage_limit"))
        if not qs.update(times_used=F("times_used") + 1):
            raise VoucherError(_("The code %(code)s has been used up.")
                               % {"code": voucher.code}, code="used_up")


def discount_uses_record(*, order: Order, customer: Customer,
                         promotions: Promotions,
                         applied: Sequence[AppliedDiscount]) -> None:
    """Write what each discount took off ``order`` (one INSERT).

    A voucher with a per-customer limit takes the customer's next slot;
    the partial unique constraint refuses a slot taken concurrently, and
    that is raised as VoucherError ``customer_limit``. The IntegrityError
    is not caught inside a savepoint: the VoucherError leaves the order's
    transaction at once, which then rolls back whole.
    """
    rows = []
    for one in applied:
        source = promotions.sources.get(one.key)
        if source is None:
            continue
        if not isinstance(source, Voucher) and not _gave(one):
            continue
        rows.append(_use_row(order, customer, source, one))
    if not rows:
        return
    try:
        DiscountUse.objects.bulk_create(rows)
    except IntegrityError:
        voucher = next(r.voucher for r in rows if r.slot is not None)
        raise VoucherError(_("You have already used the code %(code)s.")
                           % {"code": voucher.code if voucher else ""},
                           code="customer_limit") from None


def discount_uses_release(*, order: Order) -> int:
    """Give back the voucher uses of ``order`` (cancelled, or not paid in
    time, or refunded where refunds give uses back). Idempotent: a use is
    released once, by a conditional UPDATE. Returns how many were."""
    now = timezone.now()
    with transaction.atomic():
        uses = list(DiscountUse.objects.filter(order=order, released_at=None)
                    .values_list("pk", "voucher_id"))
        released = 0
        for pk, voucher_id in uses:
            if not DiscountUse.objects.filter(pk=pk, released_at=None).update(
                    released_at=now):
                continue
            released += 1
            if voucher_id is not None:
                Voucher.objects.filter(pk=voucher_id, times_used__gt=0).update(
                    times_used=F("times_used") - 1)
    return released


# --- helpers ---------------------------------------------------------------------


def _key(source: Voucher | Rule) -> str:
    if isinstance(source, Voucher):
        return f"voucher:{source.pk}"
    kind = "delivery" if source.kind == "free_delivery" else "auto"
    return f"{kind}:{source.pk}"


def _gave(applied: AppliedDiscount) -> bool:
    return bool(applied.amount.amount or applied.shipping.amount)


def _use_row(order: Order, customer: Customer, source: Voucher | Rule,
             applied: AppliedDiscount) -> DiscountUse:
    row = DiscountUse(order=order, customer=customer, label=applied.label[:200],
                      amount=applied.amount.amount,
                      shipping_amount=applied.shipping.amount,
                      campaign_id=source.campaign_id)
    if isinstance(source, Voucher):
        row.voucher = source
        if source.per_customer_limit is not None:
            row.slot = (1 if source.per_customer_limit == 1
                        else _uses_by(source, customer) + 1)
    elif source.kind == "free_delivery":
        row.threshold_id = source.pk
    else:
        row.automatic_id = source.pk
    return row


def _uses_by(voucher: Voucher, customer: Customer) -> int:
    return DiscountUse.objects.filter(voucher=voucher, customer=customer,
                                      released_at=None).count()


def _eligible_skus(sources: Iterable[Voucher | Rule], lines: Sequence[ItemLine],
                   parents: dict[int, int | None] | None = None,
                   ) -> dict[str, frozenset[str] | None]:
    """For each scoped source, the SKUs of ``lines`` it covers; a category
    covers the products of every category below it."""
    out: dict[str, frozenset[str] | None] = {}
    sources = list(sources)
    if not sources:
        return out
    for source in sources:
        if source.scope == Scope.ORDER:
            out[_key(source)] = None
        elif source.scope == Scope.PRODUCTS:
            ids = (set(source.product_ids) if isinstance(source, Rule)
                   else set(source.products.values_list("pk", flat=True)))
            out[_key(source)] = frozenset(ln.sku for ln in lines
                                          if ln.product_id in ids)
        else:
            if parents is None:
                parents = dict(Category.objects.values_list("pk", "parent_id"))
            ids = (set(source.category_ids) if isinstance(source, Rule)
                   else set(source.categories.values_list("pk", flat=True)))
            out[_key(source)] = frozenset(
                ln.sku for ln in lines if _under(ln.category_id, ids, parents))
    return out


def _under(category_id: int | None, ids: set[int],
           parents: dict[int, int | None]) -> bool:
    seen = 0
    while category_id is not None and seen < 64:
        if category_id in ids:
            return True
        category_id = parents.get(category_id)
        seen += 1
    return False


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def zone_label(zone: str) -> str:
    return str(Zone(zone).label)


def money_of(amount: Decimal, currency: str) -> Money:
    return Money(amount, currency)
