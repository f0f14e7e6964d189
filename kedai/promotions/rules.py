"""The shop's automatic discounts and free-delivery thresholds as plain values.

Every cart page shows free-delivery hints and automatic discounts, and the
cart page must stay at three queries (tests/storefront/test_cart_speed.py),
so the cart page reads them from the shared cache
(``KEDAI_VERSION_CACHE_ALIAS``, which every process sees): :func:`rules_get`.
The snapshot holds the schedules, so campaigns still start and end on
time; any save of a campaign, automatic discount or threshold retires it
after commit (:func:`rules_changed`, wired in ``signals``).

Placing an order and the review page never use the snapshot: they read
the database (:func:`rules_load`), so the total charged is always priced
from the current rules.

A cart without codes costs no query either: its row says whether it has
any (``Cart.has_codes``, kept by ``services``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction

from kedai.promotions.models import (
    AutomaticDiscount,
    FreeDeliveryThreshold,
    Scheduled,
)

GENERATION_KEY = "promotions:rules:generation"


@dataclass(frozen=True)
class Window:
    """When something is live: ``starts_at`` … ``ends_at`` unless paused."""

    starts_at: datetime | None
    ends_at: datetime | None
    is_paused: bool

    def live(self, now: datetime) -> bool:
        return not (self.is_paused
                    or self.starts_at is not None and now < self.starts_at
                    or self.ends_at is not None and now >= self.ends_at)


@dataclass(frozen=True)
class Rule:
    """An automatic discount or a free-delivery threshold, with its own and
    its campaign's schedule."""

    pk: int
    kind: str  # percent, buy_x_get_y, or free_delivery for a threshold
    name: str
    window: Window
    campaign: Window | None
    campaign_id: int | None
    value: Decimal = Decimal(0)
    buy: int = 0
    get: int = 0
    scope: str = "order"
    category_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    zone: str = ""
    min_subtotal: Decimal = Decimal(0)

    def live(self, now: datetime) -> bool:
        return self.window.live(now) and (self.campaign is None
                                          or self.campaign.live(now))


@dataclass(frozen=True)
class Rules:
    automatic: tuple[Rule, ...]
    thresholds: tuple[Rule, ...]


def _window(thing: Scheduled) -> Window:
    return Window(thing.starts_at, thing.ends_at, thing.is_paused)


def rules_load() -> Rules:
    """Every automatic discount and threshold from the database (1 to 4
    queries: the discounts, their categories and products when there are
    any, the thresholds)."""
    autos = [
        Rule(pk=a.pk, kind=a.kind, name=a.name, window=_window(a),
             campaign=_window(a.campaign) if a.campaign else None,
             campaign_id=a.campaign_id, value=a.value, buy=a.buy_quantity,
             get=a.get_quantity, scope=a.scope,
             category_ids=frozenset(c.pk for c in a.categories.all()),
             product_ids=frozenset(p.pk for p in a.products.all()))
        for a in AutomaticDiscount.objects.select_related("campaign")
        .prefetch_related("categories", "products").order_by("id")]
    thresholds = [
        Rule(pk=t.pk, kind="free_delivery", name=str(t), window=_window(t),
             campaign=_window(t.campaign) if t.campaign else None,
             campaign_id=t.campaign_id, zone=t.zone, min_subtotal=t.min_subtotal)
        for t in FreeDeliveryThreshold.objects.select_related("campaign")
        .order_by("min_subtotal", "id")]
    return Rules(tuple(autos), tuple(thresholds))


def _cache() -> BaseCache:
    return caches[settings.KEDAI_VERSION_CACHE_ALIAS]


# This process's copy of the rules of the current generation: asking the
# shared cache for the generation is then one read, not two (the cart page
# asks twice a request, and a read from the file or Redis cache costs more
# than the rest of what it needs them for).
_memo: tuple[str, Rules] | None = None


def rules_get() -> Rules:
    """The rules from the shared cache, loaded on a miss (for pages that
    only show them; never for pricing an order)."""
    global _memo
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # never set, or evicted: start a new generation
        cache.add(GENERATION_KEY, secrets.token_hex(8), None)
        generation = cache.get(GENERATION_KEY)
    memo = _memo
    if memo is not None and memo[0] == generation:
        return memo[1]
    key = f"promotions:rules:{generation}"
    rules = cache.get(key)
    if rules is None:
        rules = rules_load()
        cache.set(key, rules, None)
    _memo = (generation, rules)
    return rules


def rules_changed() -> None:
    """Retire the cached rules now and again after the current transaction
    commits (a page that cached the old rows in between is retired too)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    # A new random generation, never a counter: a counter restarted after
    # the cache was emptied could meet a process's copy of an old one.
    _cache().set(GENERATION_KEY, secrets.token_hex(8), None)
