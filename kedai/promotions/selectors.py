"""Promotion reads for pages: the cart's codes and discounts, free-delivery
hints, and the back office's report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kedai.cart.models import Cart, CartLine
from kedai.catalog.selectors import navigation_get
from kedai.core.money import quantize
from kedai.promotions.discounts import Discount
from kedai.promotions.models import (
    STATE_LABELS,
    AutomaticDiscount,
    Campaign,
    CartCode,
    DiscountUse,
    FreeDeliveryThreshold,
    Voucher,
    campaign_live_q,
)
from kedai.promotions.rules import Rules, rules_get
from kedai.promotions.services import ItemLine, item_lines, promotions_for_lines
from kedai.shipping.warnings import FreeDeliveryOffer
from kedai.shipping.zones import Zone


@dataclass(frozen=True)
class FreeDeliveryHint:
    """Free delivery to ``zones`` from ``threshold``; ``missing`` is what
    the cart still lacks (zero: reached)."""

    zones: tuple[str, ...]
    threshold: Decimal
    missing: Decimal


@dataclass
class CartPromotions:
    codes: list[tuple[str, str]] = field(default_factory=list)  # (code, problem)
    discounts: list[tuple[str, Decimal]] = field(default_factory=list)
    discount_total: Decimal = Decimal(0)
    hints: list[FreeDeliveryHint] = field(default_factory=list)
    # What the storefront prices for the preview (pricing sits above).
    items: list[ItemLine] = field(default_factory=list)
    pending: list[Discount] = field(default_factory=list)


def free_delivery_hints(*, subtotal: Decimal, now: datetime | None = None,
                        rules: Rules | None = None) -> list[FreeDeliveryHint]:
    """For each live threshold amount, the zones it covers and how much
    more the goods need (cached rules: no query; ``rules`` if the caller
    has them already)."""
    now = now or timezone.now()
    best: dict[str, Decimal] = {}
    for rule in (rules or rules_get()).thresholds:  # ordered by amount
        if rule.live(now):
            best.setdefault(rule.zone, rule.min_subtotal)
    grouped: dict[Decimal, list[str]] = {}
    for zone in Zone.values:
        if zone in best:
            grouped.setdefault(best[zone], []).append(str(Zone(zone).label))
    return [FreeDeliveryHint(tuple(zones), amount, max(amount - subtotal,
                                                        Decimal(0)))
            for amount, zones in sorted(grouped.items())]


def free_delivery_offers() -> list[FreeDeliveryOffer]:
    """The free delivery live thresholds give, for the shipping set-up's
    check of banner promises (a source registered by the app's ``ready``).

    Read from the database, not the cached rules: the owner just saved
    one. For each threshold amount, one offer covering every zone that
    is free at that amount or less, so "free above RM250" is kept for
    Peninsular (from RM150) and Sabah (from RM250) together.
    """
    best: dict[str, Decimal] = {}
    live = FreeDeliveryThreshold.objects.filter(campaign_live_q(timezone.now()))
    for threshold in live.order_by("min_subtotal"):
        best.setdefault(threshold.zone, threshold.min_subtotal)
    return [FreeDeliveryOffer(
                label=str(FreeDeliveryThreshold._meta.verbose_name_plural),
                minimum=amount,
                zones=frozenset(z for z, least in best.items() if least <= amount))
            for amount in sorted(set(best.values()))]


def cart_promotions(*, cart: Cart, lines: Sequence[CartLine],
                    rules: Rules | None = None) -> CartPromotions:
    """The cart page's view of its codes (with why one does not apply),
    and the lines and discounts to price for an indicative discount before
    delivery (checkout prices again). ``lines`` are the cart's sellable
    lines with ``variant__product``. No query for a cart without codes
    (``Cart.has_codes``): the rules come from the shared cache."""
    out = CartPromotions()
    vouchers: list[Voucher] = []
    if cart.has_codes:
        vouchers = [c.voucher for c in CartCode.objects.filter(cart_id=cart.pk)
                    .select_related("voucher__campaign").order_by("id")]
    if not lines:
        out.codes = [(v.code, "") for v in vouchers]
        return out
    rules = rules or rules_get()
    if not vouchers and not any(rule.live(timezone.now()) for rule in rules.automatic):
        return out  # nothing could take anything off: no pricing to do
    items = item_lines(lines, cart.currency)
    nav = navigation_get()
    parents = {pk: node.parent_id for pk, node in nav.categories.items()}
    promos = promotions_for_lines(cart=cart, lines=items, currency=cart.currency,
                                  email=cart.email, rules=rules,
                                  vouchers=vouchers, parents=parents)
    problems = {v.pk: msg for v, msg in promos.problems}
    out.codes = [(v.code, problems.get(v.pk, "")) for v in vouchers]
    out.items = items
    out.pending = [d for d in promos.discounts if d.kind != "free_delivery"]
    return out


def checkout_codes(*, checkout) -> list[tuple[str, str]]:
    """The codes on a checkout's cart, each with why it does not apply
    (empty when it does), for the review page."""
    cart = checkout.cart
    lines = list(CartLine.objects.filter(cart=cart)
                 .select_related("variant__product"))
    if not lines:
        return []
    promos = promotions_for_lines(
        cart=cart, lines=item_lines(lines, cart.currency), currency=cart.currency,
        customer=checkout.customer, email=checkout.email)
    problems = {v.pk: msg for v, msg in promos.problems}
    return [(v.code, "") for v in promos.vouchers] + [
        (v.code, problems[v.pk]) for v, _m in promos.problems]


@dataclass(frozen=True)
class ReportRow:
    """Uses, revenue (order totals) and discount given of one voucher,
    campaign or automatic discount; released uses do not count."""

    key: str
    name: str
    state: str
    uses: int
    revenue: Decimal
    discount: Decimal


def _uses(start: datetime | None, end: datetime | None) -> QuerySet[DiscountUse]:
    qs = DiscountUse.objects.filter(released_at=None)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    return qs


def promotion_report(*, by: str, start: datetime | None = None,
                     end: datetime | None = None) -> list[ReportRow]:
    """One row per voucher (``by="voucher"``), campaign or automatic
    discount (``"automatic"``) that was used, most discount first. Revenue
    is the total of the orders that used it. Two queries."""
    field_name = {"voucher": "voucher", "campaign": "campaign",
                  "automatic": "automatic"}[by]
    rows = (_uses(start, end).filter(**{f"{field_name}__isnull": False})
            .values(field_name)
            .annotate(uses=Count("order", distinct=True),
                      revenue=Sum("order__total"),
                      cut=Sum("amount") + Sum("shipping_amount"))
            .order_by("-cut"))
    models: dict[str, type[Voucher] | type[Campaign] | type[AutomaticDiscount]] = {
        "voucher": Voucher, "campaign": Campaign, "automatic": AutomaticDiscount}
    model = models[by]
    ids = [r[field_name] for r in rows]
    things = model._default_manager.in_bulk(ids)
    now = timezone.now()
    out = []
    for r in rows:
        thing = things.get(r[field_name])
        if thing is None:
            continue
        out.append(ReportRow(key=str(thing.pk), name=str(thing),
                             state=str(STATE_LABELS[thing.schedule_state(now)]),
                             uses=r["uses"],
                             revenue=_money(r["revenue"]),
                             discount=_money(r["cut"])))
    return out


def discount_totals(*, start: datetime | None = None,
                    end: datetime | None = None) -> dict[str, Decimal | int]:
    """Orders with a discount and the discount given, in one query."""
    totals = _uses(start, end).aggregate(
        orders=Count("order", distinct=True),
        cut=Sum("amount") + Sum("shipping_amount"))
    return {"orders": totals["orders"] or 0, "discount": _money(totals["cut"])}


def _money(value: object) -> Decimal:
    # SQLite sums decimals as floats: convert the way the ORM does.
    return quantize(Decimal(str(value or 0)), settings.KEDAI_CURRENCY)


def voucher_list(*, query: str = "") -> QuerySet[Voucher]:
    """Vouchers for the back office, newest first, with their campaign."""
    qs = Voucher.objects.select_related("campaign")
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(batch__icontains=query))
    return qs


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.annotate(n_vouchers=Count("vouchers", distinct=True))
