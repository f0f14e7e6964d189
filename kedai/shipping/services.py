"""Shipping writes: rate cards (load, replace from CSV) and shipments."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.core.events import publish
from kedai.orders.events import OrderShipped
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import order_change_status
from kedai.shipping.exceptions import ShippingError
from kedai.shipping.models import (
    RATE_CARD_CARRIERS,
    Carrier,
    MethodBand,
    RateBand,
    RateCard,
    Shipment,
    ShipmentParcel,
    ShippingMethod,
)
from kedai.shipping.ratecards import (
    CARD_FILES,
    DATA_DIR,
    Band,
    CardTerms,
    bands_parse,
    bands_to_csv,
    card_file_read,
)
from kedai.shipping.tracking import tracking_url

# --- rate cards ------------------------------------------------------------------

# The sample Skynet card has illustrative prices only (no public Skynet card
# no published Skynet domestic rates): load it switched off.
INACTIVE_ON_LOAD = frozenset({"skynet"})


def rate_cards_load(*, paths: Iterable[Path] | None = None,
                    actor: str = "system") -> list[RateCard]:
    """Load the rate card data files; return the cards created.

    A (carrier, version) already in the database is left alone, so this is
    safe to run again (data migration, ``load_rate_cards`` command). A new
    version becomes the active card of its carrier unless the carrier has
    an active card already or is in INACTIVE_ON_LOAD.
    """
    created = []
    for path in paths or [DATA_DIR / name for name in CARD_FILES]:
        card_file = card_file_read(Path(path))
        with transaction.atomic():
            if RateCard.objects.filter(carrier=card_file.carrier,
                                       version=card_file.version).exists():
                continue
            has_active = RateCard.objects.filter(carrier=card_file.carrier,
                                                 is_active=True).exists()
            card = RateCard.objects.create(
                carrier=card_file.carrier, version=card_file.version,
                source=card_file.source, effective_date=card_file.effective_date,
                is_active=not has_active and card_file.carrier not in INACTIVE_ON_LOAD,
                is_sample=card_file.is_sample, created_by=actor,
                **asdict(card_file.terms))
            _bands_create(card, card_file.bands)
        created.append(card)
    return created


def _bands_create(card: RateCard, bands: Iterable[Band]) -> None:
    RateBand.objects.bulk_create([RateBand(card=card, **asdict(band))
                                  for band in bands])


def rate_card_csv(*, card: RateCard) -> str:
    """The card's bands as CSV, with its source and terms as comments.

    The comments are for people; :func:`rate_card_replace` reads the bands
    only (terms are edited on the card in the back office).
    """
    terms = card.terms()
    comments = [
        f"{card.get_carrier_display()} rate card {card.version}, "
        f"effective {card.effective_date.isoformat()}",
        f"source: {card.source}" if card.source else "source: (none)",
        *(f"{key}: {'' if value is None else value}"
          for key, value in asdict(terms).items()),
    ]
    return bands_to_csv((b.as_band() for b in card.bands.all()),
                        comments=[c.replace("\n", " ") for c in comments])


@transaction.atomic(durable=True)
def rate_card_replace(*, card: RateCard, csv_text: str, version: str = "",
                      actor: str, effective_date: date | None = None,
                      activate: bool = True) -> RateCard:
    """Make a new version of ``card`` with the bands of ``csv_text``.

    Validates first (:func:`kedai.shipping.ratecards.bands_parse`): any
    error raises :class:`RateCardInvalid` with row-level errors and
    changes nothing, so the current card stays in use. Otherwise the new
    version copies the card's terms, becomes the carrier's active card and
    the previous active card is kept, inactive (with ``activate=False`` the
    new version is stored inactive and nothing else changes). ``version``
    defaults to a timestamp, ``effective_date`` to today in the shop's time
    zone. An uploaded card is never a sample.
    """
    return _rate_card_new(carrier=card.carrier, base=card, csv_text=csv_text,
                          version=version, actor=actor,
                          effective_date=effective_date, activate=activate)


@transaction.atomic(durable=True)
def rate_card_upload(*, carrier: str, csv_text: str, version: str = "",
                     actor: str, effective_date: date | None = None,
                     activate: bool = True) -> RateCard:
    """A new rate card for ``carrier`` from CSV (see :func:`rate_card_replace`).

    The terms (divisor, surcharges, limits) are copied from the carrier's
    active card, else its newest card, else Kedai's defaults; the owner
    edits them afterwards. Raises RateCardInvalid / ShippingError and
    writes nothing when the CSV or the version is refused.
    """
    if carrier not in {c.value for c in RATE_CARD_CARRIERS}:
        raise ShippingError(_("Choose a carrier from the list."), code="carrier")
    base = (RateCard.objects.filter(carrier=carrier)
            .order_by("-is_active", "-created_at", "-id").first())
    return _rate_card_new(carrier=carrier, base=base, csv_text=csv_text,
                          version=version, actor=actor,
                          effective_date=effective_date, activate=activate)


def _rate_card_new(*, carrier: str, base: RateCard | None, csv_text: str,
                   version: str, actor: str, effective_date: date | None,
                   activate: bool) -> RateCard:
    bands = bands_parse(csv_text)
    now = timezone.now()
    version = (version.strip() or f"upload-{now:%Y%m%d-%H%M%S}")[:60]
    if RateCard.objects.filter(carrier=carrier, version=version).exists():
        raise ShippingError(_("Version “%(version)s” exists already.")
                            % {"version": version}, code="version_exists")
    if activate:
        _carrier_cards_lock(carrier)
        RateCard.objects.filter(carrier=carrier, is_active=True).update(
            is_active=False)
    today = timezone.localdate(now).isoformat()
    source = (_("Uploaded by %(actor)s on %(date)s, edited from %(old)s.")
              % {"actor": actor, "date": today, "old": base.version}
              if base is not None else
              _("Uploaded by %(actor)s on %(date)s.") % {"actor": actor,
                                                          "date": today})
    new = RateCard.objects.create(
        carrier=carrier, version=version, source=source,
        effective_date=effective_date or timezone.localdate(now),
        is_active=activate, is_sample=False, created_by=actor,
        **asdict(base.terms() if base is not None else CardTerms()))
    _bands_create(new, bands)
    return new


@transaction.atomic
def rate_card_activate(*, card: RateCard) -> RateCard:
    """Make ``card`` the one active card of its carrier (the others off).

    Checkout quotes the carrier from it from the next request on. The
    carrier's cards are locked first, in id order, so two owners switching
    cards at once queue instead of deadlocking or breaking the "one
    active card" constraint.
    """
    _carrier_cards_lock(card.carrier)
    RateCard.objects.filter(carrier=card.carrier, is_active=True).exclude(
        pk=card.pk).update(is_active=False)
    RateCard.objects.filter(pk=card.pk).update(is_active=True)
    card.is_active = True
    return card


def _carrier_cards_lock(carrier: str) -> None:
    list(RateCard.objects.select_for_update().filter(carrier=carrier)
         .order_by("pk").values_list("pk", flat=True))


def rate_card_deactivate(*, card: RateCard) -> RateCard:
    """Switch ``card`` off: its carrier is no longer offered at checkout
    (unless a live rate provider quotes it). Keeps the card and its bands."""
    RateCard.objects.filter(pk=card.pk).update(is_active=False)
    card.is_active = False
    return card


@transaction.atomic
def shipping_method_save(*, method: ShippingMethod,
                         bands: Iterable[MethodBand] | None = None,
                         ) -> ShippingMethod:
    """Validate (``full_clean``: kind, zones, amounts) and save ``method``;
    with ``bands``, replace its weight bands by them, in one transaction.

    Raises ValidationError and saves nothing when a value is refused.
    """
    method.full_clean()
    method.save()
    if bands is not None:
        bands = list(bands)
        for band in bands:
            band.method = method
            band.full_clean(exclude=["method"], validate_unique=False,
                            validate_constraints=False)
        MethodBand.objects.filter(method=method).delete()
        MethodBand.objects.bulk_create(
            [MethodBand(method=method, zone=b.zone, up_to_kg=b.up_to_kg,
                        charge=b.charge) for b in bands])
    return method


def shipping_method_set_active(*, method: ShippingMethod,
                               active: bool) -> ShippingMethod:
    """Offer ``method`` at checkout (``active``) or stop offering it."""
    ShippingMethod.objects.filter(pk=method.pk).update(is_active=active)
    method.is_active = active
    return method


def shipping_demo_setup() -> None:
    """The demo shop offers both carriers: Skynet's sample card is switched
    on when Skynet has no active card (a real shop keeps it off until the
    owner uploads their card; the back office warns about samples)."""
    if not RateCard.objects.filter(carrier=Carrier.SKYNET, is_active=True).exists():
        card = (RateCard.objects.filter(carrier=Carrier.SKYNET)
                .order_by("-created_at", "-id").first())
        if card is not None:
            rate_card_activate(card=card)


# --- shipments ----------------------------------------------------------------------

_TRACKING_RE = re.compile(r"[A-Z0-9][A-Z0-9\-]{4,38}[A-Z0-9]")
SHIPPABLE = frozenset({OrderStatus.PAID, OrderStatus.PROCESSING})


def tracking_numbers_clean(numbers: Iterable[str]) -> list[str]:
    """Upper-case, strip spaces, drop repeats; raise ShippingError if bad.

    A tracking number is 6-40 letters, digits or inner hyphens (Pos Laju
    numbers look like ``ER123456789MY``).
    """
    cleaned: list[str] = []
    for number in numbers:
        text = re.sub(r"\s+", "", str(number)).upper()
        if not text:
            continue
        if not _TRACKING_RE.fullmatch(text):
            raise ShippingError(_("“%(number)s” is not a tracking number.")
                                % {"number": text[:50]}, code="tracking_number")
        if text not in cleaned:
            cleaned.append(text)
    if not cleaned:
        raise ShippingError(_("Enter at least one tracking number."),
                            code="tracking_number")
    return cleaned


# Not durable: the admin's add view already runs in a transaction, and a
# caller may record the shipment as part of a larger change.
@transaction.atomic
def shipment_record(*, order: Order, carrier: str, tracking_numbers: list[str],
                    actor: str) -> Shipment:
    """Record parcels handed to ``carrier`` for ``order``; mark it shipped.

    One transaction: the shipment and one parcel per tracking number are
    stored and a paid or processing order moves to "shipped" through
    :func:`kedai.orders.services.order_change_status` (tracking history
    entry by ``actor``). A further shipment of an order already shipped
    (split delivery) is stored without a status change. Any other status
    raises ShippingError and stores nothing. This is the one place a
    shipping notice to the customer is to be queued (outbox, on commit).
    """
    if carrier not in Carrier.values:
        raise ShippingError(_("Choose a carrier from the list."), code="carrier")
    numbers = tracking_numbers_clean(tracking_numbers)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status not in SHIPPABLE and locked.status != OrderStatus.SHIPPED:
        raise ShippingError(
            _("An order that is “%(status)s” cannot be shipped.")
            % {"status": OrderStatus(locked.status).label}, code="status")
    shipment = Shipment.objects.create(order=locked, carrier=carrier, actor=actor)
    ShipmentParcel.objects.bulk_create([
        ShipmentParcel(shipment=shipment, tracking_number=number)
        for number in numbers])
    if locked.status in SHIPPABLE:
        order_change_status(
            order=locked, to=OrderStatus.SHIPPED, actor=actor,
            note=_("%(carrier)s: %(numbers)s")
            % {"carrier": Carrier(carrier).label, "numbers": ", ".join(numbers)})
    order.status = OrderStatus.SHIPPED
    # The shipping notice commits with the shipment; the outbox mails it.
    publish(OrderShipped(order=locked, shipments=tuple(
        (str(Carrier(carrier).label), number, tracking_url(carrier, number))
        for number in numbers)))
    return shipment
