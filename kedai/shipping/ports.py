"""The port to live carrier rates: ``RateProvider`` and what crosses it.

Adapters are configured like Django's ``STORAGES`` (ARCHITECTURE.md §2)::

    KEDAI_RATE_PROVIDERS = {
        "easyparcel": {
            "BACKEND": "kedai.shipping.carriers.easyparcel.EasyParcelCarrier",
            "OPTIONS": {"BASE_URL": "...", "TOKEN": "...", "TIMEOUT": 3},
        },
    }

and resolved lazily by :func:`kedai.shipping.providers.rate_providers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from kedai.core.money import Money


@dataclass(frozen=True)
class RateRequest:
    """One parcel from the store's origin to a checked destination."""

    origin_postcode: str
    origin_state: str  # Kedai state code (KUL); adapters map it to ISO 3166-2
    dest_postcode: str
    dest_state: str
    weight_kg: Decimal  # actual weight
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    parcel_value: Money | None = None

    def cache_key(self) -> str:
        parts = [self.origin_postcode, self.origin_state, self.dest_postcode,
                 self.dest_state, self.weight_kg, self.length_cm, self.width_cm,
                 self.height_cm,
                 self.parcel_value.quantized().amount if self.parcel_value else "",
                 self.parcel_value.currency if self.parcel_value else ""]
        return "|".join("" if p is None else str(p) for p in parts)


@dataclass(frozen=True)
class CarrierRate:
    """A price a carrier quoted for a RateRequest."""

    carrier: str  # Kedai carrier code (poslaju, skynet); "" when unknown
    service_id: str
    service_name: str
    charge: Money
    eta: str = ""


@runtime_checkable
class RateProvider(Protocol):
    """A live source of carrier prices (a carrier's or an aggregator's API).

    Implementations must:

    * answer within ``timeout`` seconds (never more than 3) or raise;
    * translate every failure -- connection refused, timeout, HTTP error,
      invalid JSON, an unexpected shape, an amount that is not a decimal,
      a currency other than the request's -- into
      :class:`kedai.shipping.exceptions.CarrierError`; no other exception
      may leave ``rates``;
    * never book, pay for or cancel a shipment, and never cache (the
      caller caches).
    """

    name: str

    def rates(self, request: RateRequest, *, currency: str) -> list[CarrierRate]:
        """Return the carrier services quoted for ``request`` in ``currency``."""
        ...
