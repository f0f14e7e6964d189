"""What in the shipping set-up misleads the owner or the shoppers.

:func:`setup_warnings` returns structured warnings that the back office
shows on its home page and on the shipping set-up page:

* a carrier's active rate card is a sample shipped with Kedai, or was
  effective more than a year ago (prices have most likely changed);
* a carrier has rate cards but none is active, so checkout never offers it;
* the shop's own text (announcement line, banner, tagline) promises free
  delivery that no active shipping method gives.

The list is pluggable: :data:`WARNING_PROVIDERS` holds the functions that
produce warnings, and :data:`FREE_DELIVERY_SOURCES` the functions that say
which free-delivery offers exist (store methods here; a promotions app adds
its own with :func:`free_delivery_source_register`). Reads only; never
changes anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.catalog.models import FrontPage
from kedai.core.money import Money
from kedai.shipping.models import RATE_CARD_CARRIERS, Carrier, RateCard, ShippingMethod
from kedai.shipping.zones import Zone

STALE_AFTER = timedelta(days=365)
SETUP_URL_NAME = "backoffice_shipping:home"


@dataclass(frozen=True)
class SetupWarning:
    """One thing the owner should fix, with where to fix it.

    ``code`` is stable (``sample_card``, ``stale_card``,
    ``card_not_yet_effective``, ``carrier_inactive``,
    ``free_delivery_promise``) for tests and styling; ``message`` is
    translated, ready to show; ``url`` is the page that fixes it ("" if
    that page is not installed).
    """

    code: str
    message: str
    url: str = ""
    subject: str = ""  # the carrier or the text the warning is about
    level: str = "warning"


@dataclass(frozen=True)
class FreeDeliveryOffer:
    """Free delivery some part of the shop actually gives.

    ``minimum`` is the order amount from which delivery is free (None: any
    amount); ``zones`` the store zones it covers (empty: all of them).
    """

    label: str
    minimum: Decimal | None = None
    zones: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class FreeDeliveryPromise:
    """The shop's text promising free delivery (from ``minimum``, in
    ``zones``; empty = anywhere)."""

    where: str  # which text: "announcement line", "banner text", …
    text: str
    minimum: Decimal | None
    zones: frozenset[str]


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# --- rate cards -------------------------------------------------------------------


def rate_card_warnings(*, today: date) -> list[SetupWarning]:
    """Sample and old active cards; carriers with cards but none active."""
    warnings = []
    url = _url(SETUP_URL_NAME)
    cards = list(RateCard.objects.filter(carrier__in=RATE_CARD_CARRIERS)
                 .order_by("carrier", "-is_active", "-created_at"))
    for carrier in RATE_CARD_CARRIERS:
        label = str(Carrier(carrier).label)
        own = [c for c in cards if c.carrier == carrier]
        active = next((c for c in own if c.is_active), None)
        if own and active is None:
            warnings.append(SetupWarning(
                code="carrier_inactive", subject=carrier, url=url,
                message=_("%(carrier)s has rate cards but none is active, so "
                          "checkout never offers %(carrier)s. Activate a card "
                          "or upload yours.") % {"carrier": label}))
            continue
        if active is None:
            continue
        if active.is_sample:
            warnings.append(SetupWarning(
                code="sample_card", subject=carrier, url=url,
                message=_("The active %(carrier)s rate card “%(version)s” is a "
                          "sample with illustrative prices, not %(carrier)s's "
                          "card: shoppers pay made-up shipping prices. Upload "
                          "your own rate card.")
                % {"carrier": label, "version": active.version}))
        elif active.effective_date > today:
            warnings.append(SetupWarning(
                code="card_not_yet_effective", subject=carrier, url=url,
                message=_("The active %(carrier)s rate card “%(version)s” takes "
                          "effect only on %(date)s, but checkout uses it now.")
                % {"carrier": label, "version": active.version,
                   "date": active.effective_date.isoformat()}))
        elif today - active.effective_date > STALE_AFTER:
            warnings.append(SetupWarning(
                code="stale_card", subject=carrier, url=url,
                message=_("The active %(carrier)s rate card “%(version)s” took "
                          "effect on %(date)s, more than a year ago; its prices "
                          "have probably changed. Upload the current card.")
                % {"carrier": label, "version": active.version,
                   "date": active.effective_date.isoformat()}))
    return warnings


# --- free delivery promised by the shop's text ------------------------------------

# "free delivery", "free shipping", "free postage", "penghantaran percuma",
# "pos percuma", "free ship"; then an optional "above/over/min. RM150".
_FREE = re.compile(
    r"\b(?:free\s+(?:delivery|shipping|postage|ship)|"
    r"(?:penghantaran|pos|postage|penghantaran\s+adalah)\s+percuma)\b",
    re.IGNORECASE)
_AMOUNT = re.compile(r"RM\s?(\d{1,6}(?:,\d{3})*(?:\.\d{1,2})?)", re.IGNORECASE)
_PENINSULAR = re.compile(r"\b(?:peninsular|semenanjung|west\s+malaysia)\b",
                         re.IGNORECASE)
_EAST = {"sabah": Zone.SABAH, "sarawak": Zone.SARAWAK, "labuan": Zone.LABUAN}


def free_delivery_promises(texts: dict[str, str]) -> list[FreeDeliveryPromise]:
    """The free-delivery promises in ``texts`` (name -> text).

    Reads the first amount after "free delivery" (or before it, "RM150 and
    above: free shipping") as the minimum order, and a region named in the
    same text (Peninsular, Sabah, Sarawak, Labuan) as the zones promised.
    """
    promises = []
    for where, text in texts.items():
        match = _FREE.search(text or "")
        if match is None:
            continue
        amount = _AMOUNT.search(text, match.end()) or _AMOUNT.search(text)
        minimum = None
        if amount is not None:
            try:
                minimum = Decimal(amount[1].replace(",", ""))
            except InvalidOperation:
                minimum = None
        zones: set[str] = set()
        if _PENINSULAR.search(text):
            zones.add(Zone.PENINSULAR)
        for word, zone in _EAST.items():
            if re.search(rf"\b{word}\b", text, re.IGNORECASE):
                zones.add(zone)
        promises.append(FreeDeliveryPromise(where=where, text=text.strip(),
                                            minimum=minimum,
                                            zones=frozenset(zones)))
    return promises


def store_method_offers() -> list[FreeDeliveryOffer]:
    """Free delivery the active store methods give: "free above" methods
    and flat rates of RM0 (local pickup is not delivery)."""
    offers = []
    kind = ShippingMethod.Kind
    for method in ShippingMethod.objects.filter(is_active=True):
        if method.kind == kind.FREE_OVER and method.free_over is not None:
            offers.append(FreeDeliveryOffer(label=method.name,
                                            minimum=method.free_over,
                                            zones=frozenset(method.zones)))
        elif method.kind == kind.FLAT and method.charge == 0:
            offers.append(FreeDeliveryOffer(label=method.name,
                                            zones=frozenset(method.zones)))
    return offers


FREE_DELIVERY_SOURCES: list[Callable[[], list[FreeDeliveryOffer]]] = [
    store_method_offers]


def free_delivery_source_register(
        source: Callable[[], list[FreeDeliveryOffer]]) -> None:
    """Add a source of free-delivery offers (e.g. a promotions app's
    free-shipping thresholds, from its ``AppConfig.ready``)."""
    if source not in FREE_DELIVERY_SOURCES:
        FREE_DELIVERY_SOURCES.append(source)


def _keeps(offer: FreeDeliveryOffer, promise: FreeDeliveryPromise) -> bool:
    """Does ``offer`` give what ``promise`` says? A promise from RM150 is
    kept by free delivery from RM150 or less; one naming regions only by an
    offer covering all of them."""
    if offer.minimum is not None and (promise.minimum is None
                                      or offer.minimum > promise.minimum):
        return False
    if not offer.zones or not promise.zones:
        return True
    return promise.zones <= offer.zones


def _shop_texts() -> dict[str, str]:
    front = FrontPage.objects.order_by("id").first()
    if front is None:
        return {}
    return {_("announcement line"): front.announcement,
            _("banner title"): front.hero_title,
            _("banner text"): front.hero_text,
            _("tagline"): front.tagline}


def free_delivery_warnings() -> list[SetupWarning]:
    """A warning per free-delivery promise no active offer keeps."""
    promises = free_delivery_promises(_shop_texts())
    if not promises:
        return []
    offers = [offer for source in FREE_DELIVERY_SOURCES for offer in source()]
    warnings = []
    for promise in promises:
        if any(_keeps(offer, promise) for offer in offers):
            continue
        if promise.minimum is not None:
            message = _("The %(where)s promises free delivery from %(amount)s "
                        "(“%(text)s”), but no active shipping method or "
                        "promotion gives it. Switch on a “free above” method or "
                        "change the text.")
        else:
            message = _("The %(where)s promises free delivery (“%(text)s”), but "
                        "no active shipping method or promotion gives it. "
                        "Switch on a free method or change the text.")
        warnings.append(SetupWarning(
            code="free_delivery_promise", subject=promise.where,
            url=_url(SETUP_URL_NAME),
            message=message % {
                "where": promise.where, "text": promise.text[:120],
                "amount": Money(promise.minimum) if promise.minimum is not None
                else ""}))
    return warnings


# --- all of them ------------------------------------------------------------------

WARNING_PROVIDERS: list[Callable[[date], list[SetupWarning]]] = [
    lambda today: rate_card_warnings(today=today),
    lambda today: free_delivery_warnings(),
]


def setup_warnings(*, today: date | None = None) -> list[SetupWarning]:
    """Every shipping set-up warning, most important first (a handful of
    queries; safe on every back-office home page view)."""
    today = today or timezone.localdate()
    return [warning for provider in WARNING_PROVIDERS for warning in provider(today)]
