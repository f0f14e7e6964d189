"""Shipping quotes for a parcel and an address: what checkout offers.

Two families of quote, each a :class:`ShippingQuote`:

* **store methods** (``code`` ``"method:<id>"``, source ``store``): flat
  rate, free above an order amount, weight bands per zone, local pickup,
  priced from the owner's settings in the back office on the parcel's
  actual weight;
* **carriers with an active rate card** (``code`` = carrier, e.g.
  ``"poslaju"``): a live quote from the configured RateProvider when it
  answers in time (source ``live``), otherwise the rate card (source
  ``rate_card``). The card's limits (maximum weight and side) apply to both.

Bad input never raises: an unknown postcode, a postcode in another state,
a parcel too heavy or too long give quotes with ``available=False`` and a
``reason`` the shopper can read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kedai.core.forms import id_or_none
from kedai.core.money import Money
from kedai.customers.addressing import STATE_NAMES
from kedai.shipping.exceptions import CarrierError
from kedai.shipping.models import RateCard, ShippingMethod
from kedai.shipping.parcels import Parcel
from kedai.shipping.ports import CarrierRate, RateRequest
from kedai.shipping.providers import live_rates, rate_providers
from kedai.shipping.ratecards import rate_price
from kedai.shipping.zones import (
    Destination,
    carrier_zone,
    crosses_sea,
    destination_resolve,
)

logger = logging.getLogger(__name__)


class QuoteSource(StrEnum):
    STORE = "store"
    RATE_CARD = "rate_card"
    LIVE = "live"


@dataclass(frozen=True)
class ShippingQuote:
    """One way to ship, priced (or not offered, with the reason).

    ``charge`` is what the shopper pays for shipping (gross when the shop's
    prices include tax, like product prices). ``weight_kg`` is the weight
    the price was computed on (chargeable weight for carriers).
    """

    code: str
    label: str
    charge: Money
    eta: str
    source: str
    carrier: str = ""
    available: bool = True
    reason: str = ""
    weight_kg: Decimal = Decimal(0)
    service: str = ""  # the carrier's service name, for live quotes
    rate_card: str = ""  # the rate card version used or fallen back to

    def as_snapshot(self) -> dict[str, Any]:
        """JSON-safe copy for ``Order.shipping_quote`` (amounts as strings)."""
        return {
            "code": self.code, "label": str(self.label),
            "charge": str(self.charge.quantized().amount),
            "currency": self.charge.currency, "eta": self.eta,
            "source": str(self.source), "carrier": self.carrier,
            "service": self.service, "rate_card": self.rate_card,
            "weight_kg": _kg(self.weight_kg),
        }


def shipping_quotes(*, parcel: Parcel, postcode: str, state_code: str,
                    subtotal: Money) -> list[ShippingQuote]:
    """Every shipping option for ``parcel`` to the address, in display order.

    Store methods first (by sort order), then carriers. Unavailable options
    are included with ``available=False`` and a ``reason``; checkout shows
    only available ones (or the reasons when none is). ``subtotal`` is the
    goods total that "free above" methods compare with; its currency is
    the quotes' currency. May call a live rate API (at most
    ``TIMEOUT`` <= 3 s per provider, cached); never raises for bad input or
    carrier failures, never writes to the database.
    """
    return _quotes(parcel=parcel, postcode=postcode, state_code=state_code,
                   subtotal=subtotal, only=None)


def shipping_quote_for(code: str, *, parcel: Parcel, postcode: str,
                       state_code: str, subtotal: Money) -> ShippingQuote | None:
    """The current quote for ``code``, or None if it is not offered now.

    For re-validation at order acceptance: compare its ``charge`` with the
    snapshot the shopper accepted. None when the code is unknown, the
    method was switched off, or it is unavailable for this parcel/address.
    Same caching and fallback as :func:`shipping_quotes`.
    """
    quote = next(iter(_quotes(parcel=parcel, postcode=postcode,
                              state_code=state_code, subtotal=subtotal,
                              only=code)), None)
    return quote if quote is not None and quote.available else None


def _quotes(*, parcel: Parcel, postcode: str, state_code: str, subtotal: Money,
            only: str | None) -> list[ShippingQuote]:
    if parcel.weightless_skus:
        logger.warning("Shipping quoted for items without weight: %s",
                       ", ".join(parcel.weightless_skus))
    destination = destination_resolve(postcode, state_code)
    quotes: list[ShippingQuote] = []
    methods = ShippingMethod.objects.filter(is_active=True).prefetch_related("bands")
    if only is not None:
        method_id = id_or_none(only[7:]) if only.startswith("method:") else None
        methods = (methods.none() if method_id is None
                   else methods.filter(pk=method_id))
    for method in methods:
        quotes.append(_method_quote(method, parcel, destination, subtotal))
    cards = RateCard.objects.filter(is_active=True).prefetch_related("bands")
    if only is not None:
        cards = cards.filter(carrier=only)
    cards_list = list(cards.order_by("carrier"))
    if cards_list:
        quotes.extend(_carrier_quotes(cards_list, parcel, destination, subtotal))
    return quotes


# --- store methods ----------------------------------------------------------------


def _method_quote(method: ShippingMethod, parcel: Parcel, destination: Destination,
                  subtotal: Money) -> ShippingQuote:
    currency = subtotal.currency
    weight = parcel.weight_kg
    quote = ShippingQuote(code=method.code, label=method.name,
                          charge=Money(method.charge, currency), eta=method.eta,
                          source=QuoteSource.STORE, weight_kg=weight)
    kind = ShippingMethod.Kind
    if method.kind == kind.PICKUP and not method.zones:
        return quote
    zone = destination.zone
    if zone is None:
        return _refuse(quote, destination.error)
    if zone not in method.zones:
        return _refuse(quote, _("Not delivered to %(zone)s.") % {"zone": zone.label})
    if method.max_weight_kg is not None and weight > method.max_weight_kg:
        return _refuse(quote, _("The parcel (%(weight)s kg) is over this method's "
                                "maximum of %(max)s kg.")
                       % {"weight": _kg(weight), "max": _kg(method.max_weight_kg)})
    if method.kind == kind.FREE_OVER:
        if method.free_over is not None and not subtotal < Money(method.free_over,
                                                                 currency):
            return replace(quote, charge=Money.zero(currency))
        return quote
    if method.kind == kind.WEIGHT_BANDS:
        bands = sorted((b for b in method.bands.all() if b.zone == zone),
                       key=lambda b: b.up_to_kg)
        if not bands:
            return _refuse(quote, _("Not delivered to %(zone)s.")
                           % {"zone": zone.label})
        band = next((b for b in bands if weight <= b.up_to_kg), None)
        if band is None:
            return _refuse(quote, _("The parcel (%(weight)s kg) is over this method's "
                                    "maximum of %(max)s kg.")
                           % {"weight": _kg(weight), "max": _kg(bands[-1].up_to_kg)})
        return replace(quote, charge=Money(band.charge, currency))
    return quote


# --- carriers -------------------------------------------------------------------------


def _carrier_quotes(cards: list[RateCard], parcel: Parcel, destination: Destination,
                    subtotal: Money) -> list[ShippingQuote]:
    origin_postcode = settings.KEDAI_SHIPPING_ORIGIN_POSTCODE
    origin_state = settings.KEDAI_SHIPPING_ORIGIN_STATE
    live: dict[str, list[CarrierRate]] = {}
    live_asked = False
    quotes = []
    for card in cards:
        terms = card.terms()
        weight = parcel.chargeable_weight_kg(divisor=terms.volumetric_divisor,
                                             step_kg=terms.rounding_step_kg)
        quote = ShippingQuote(code=card.carrier, label=card.get_carrier_display(),
                              charge=Money.zero(subtotal.currency), eta="",
                              source=QuoteSource.RATE_CARD, carrier=card.carrier,
                              weight_kg=weight, rate_card=card.version)
        if not destination.ok:
            quotes.append(_refuse(quote, destination.error))
            continue
        if origin_state not in STATE_NAMES:
            quotes.append(_refuse(quote, _("The shop's dispatch address is not set.")))
            continue
        if terms.currency != subtotal.currency:
            quotes.append(_refuse(quote, _("Not available in this currency.")))
            continue
        if terms.max_weight_kg is not None and weight > terms.max_weight_kg:
            quotes.append(_refuse(quote, _(
                "The parcel (%(weight)s kg) is over %(carrier)s's maximum of "
                "%(max)s kg.") % {"weight": _kg(weight), "carrier": quote.label,
                                  "max": _kg(terms.max_weight_kg)}))
            continue
        if (terms.max_length_cm is not None
                and parcel.longest_side_cm > terms.max_length_cm):
            quotes.append(_refuse(quote, _(
                "An item (%(side)s cm) is longer than %(carrier)s's maximum of "
                "%(max)s cm.") % {"side": _kg(parcel.longest_side_cm),
                                  "carrier": quote.label,
                                  "max": _kg(terms.max_length_cm)}))
            continue
        priced = rate_price(terms=terms, bands=[b.as_band() for b in card.bands.all()],
                            zone=carrier_zone(origin_state, destination.state_code),
                            weight_kg=weight,
                            crosses_sea=crosses_sea(origin_state,
                                                    destination.state_code))
        if priced is None:
            quotes.append(_refuse(quote, _("%(carrier)s has no rate for "
                                           "%(weight)s kg to this address.")
                                  % {"carrier": quote.label, "weight": _kg(weight)}))
            continue
        quote = replace(quote, charge=priced.total, eta=priced.band.eta)
        if not live_asked:
            live_asked = True
            live = _live_rates(parcel, destination, subtotal, origin_postcode,
                               origin_state, terms.currency)
        rate = min(live.get(card.carrier, []), key=lambda r: r.charge.amount,
                   default=None)
        if rate is not None:
            quote = replace(quote, charge=rate.charge.quantized(),
                            eta=rate.eta or quote.eta, source=QuoteSource.LIVE,
                            service=rate.service_name)
        quotes.append(quote)
    return quotes


def _live_rates(parcel: Parcel, destination: Destination, subtotal: Money,
                origin_postcode: str, origin_state: str,
                currency: str) -> dict[str, list[CarrierRate]]:
    """Live rates by carrier from the first provider that answers; {} if none."""
    edge = _cube_edge_cm(parcel.volume_cm3)
    request = RateRequest(
        origin_postcode=origin_postcode, origin_state=origin_state,
        dest_postcode=destination.postcode, dest_state=destination.state_code,
        weight_kg=parcel.weight_kg, length_cm=edge, width_cm=edge, height_cm=edge,
        parcel_value=subtotal)
    for provider in rate_providers():
        try:
            rates = live_rates(provider, request, currency=currency)
        except CarrierError:
            continue  # logged by live_rates; the rate card answers instead
        by_carrier: dict[str, list[CarrierRate]] = {}
        for rate in rates:
            if rate.carrier:
                by_carrier.setdefault(rate.carrier, []).append(rate)
        return by_carrier
    return {}


def _cube_edge_cm(volume: Decimal) -> Decimal | None:
    # Carrier APIs take one box; a cube of the items' total volume keeps
    # the carrier's volumetric weight equal to the sum of the items'.
    if volume <= 0:
        return None
    edge = volume ** (Decimal(1) / Decimal(3))
    return edge.quantize(Decimal("0.1"), rounding=ROUND_CEILING)


def _refuse(quote: ShippingQuote, reason: str) -> ShippingQuote:
    return replace(quote, available=False, reason=str(reason))


def _kg(value: Decimal) -> str:
    """A weight for people and snapshots: ``1.500`` -> ``1.5``."""
    return format(value.normalize(), "f")
