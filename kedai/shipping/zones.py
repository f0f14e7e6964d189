"""Postcode -> state -> zone, for store methods and carrier rate cards.

Two kinds of zone, both from ``data/zones.csv`` (source: docs/reference/shipping.md):

* **Destination zones** (:class:`Zone`): Peninsular, Sabah, Sarawak,
  Labuan. A store method serves a set of them.
* **Carrier route zones** (:class:`CarrierZone`): where a parcel goes
  *relative to the store's origin*, as courier counter rates are priced
  (Pos Malaysia: "Pos Laju counter rates used zones (within town/state,
  Peninsular interstate, Peninsular<->East Malaysia...)" **[unconfirmed]**
  as to the exact current table). The grouping follows the Pos Laju
  FlexiPrepaid service levels of Pos Malaysia: D+3 within a state, D+4
  interstate, D+7 Peninsular<->Sabah/Sarawak *and* Sabah<->Sarawak.

The postcode -> state table is not duplicated here: it is read through
:mod:`kedai.customers.addressing` (``kedai/customers/data/postcodes.csv``).
Pure functions; nothing here touches the ORM or the request.
"""

from __future__ import annotations

import csv
import enum
import functools
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.customers.addressing import (
    STATE_NAMES,
    normalise_postcode,
    validate_postcode_state,
)

ZONES_FILE = Path(__file__).resolve().parent / "data" / "zones.csv"


class Zone(models.TextChoices):
    """Destination zones a store method can serve."""

    PENINSULAR = "peninsular", _("Peninsular Malaysia")
    SABAH = "sabah", _("Sabah")
    SARAWAK = "sarawak", _("Sarawak")
    LABUAN = "labuan", _("Labuan")


class CarrierZone(models.TextChoices):
    """Route zones of carrier rate cards (origin state -> destination)."""

    WITHIN_STATE = "within_state", _("Within a state")
    INTERSTATE = "interstate", _("Interstate, same region")
    EAST_WEST = "east_west", _("Peninsular <-> East Malaysia, Sabah <-> Sarawak")


class Region(enum.StrEnum):
    PENINSULAR = "peninsular"
    EAST = "east"


@dataclass(frozen=True, slots=True)
class StateZone:
    state_code: str
    zone: Zone
    region: Region


@functools.cache
def _state_zones() -> dict[str, StateZone]:
    table: dict[str, StateZone] = {}
    with ZONES_FILE.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines):
            code = row["state_code"]
            if code not in STATE_NAMES or code in table:
                raise ValueError(f"{ZONES_FILE}: bad or repeated state {code!r}")
            table[code] = StateZone(code, Zone(row["zone"]), Region(row["region"]))
    missing = set(STATE_NAMES) - set(table)
    if missing:
        raise ValueError(f"{ZONES_FILE}: no zone for {sorted(missing)}")
    return table


def zone_for_state(state_code: str) -> Zone:
    """The destination zone of a state code (KeyError for unknown codes)."""
    return _state_zones()[state_code].zone


def region_for_state(state_code: str) -> Region:
    return _state_zones()[state_code].region


# Sabah and Labuan are one side, Sarawak the other: the FlexiPrepaid D+7
# service level covers Sabah<->Sarawak (Pos Malaysia). Labuan sits off
# Sabah's coast and is served through Kota Kinabalu.
_BORNEO_SIDE = {"SBH": "sabah", "LBN": "sabah", "SRW": "sarawak"}


def carrier_zone(origin_state: str, dest_state: str) -> CarrierZone:
    """The carrier route zone from ``origin_state`` to ``dest_state``."""
    if origin_state == dest_state:
        return CarrierZone.WITHIN_STATE
    origin, dest = region_for_state(origin_state), region_for_state(dest_state)
    if origin != dest:
        return CarrierZone.EAST_WEST
    if origin == Region.EAST and _BORNEO_SIDE[origin_state] != _BORNEO_SIDE[dest_state]:
        return CarrierZone.EAST_WEST
    return CarrierZone.INTERSTATE


def crosses_sea(origin_state: str, dest_state: str) -> bool:
    """True between Peninsular Malaysia and East Malaysia (air surcharge).

    Pos Malaysia's air surcharge applies "for air delivery between
    Peninsular Malaysia and Sabah/Sarawak" (Pos Malaysia).
    """
    return region_for_state(origin_state) != region_for_state(dest_state)


@dataclass(frozen=True, slots=True)
class Destination:
    """A checked destination: where a parcel goes, or why it cannot."""

    postcode: str
    state_code: str
    zone: Zone | None
    error: str = ""  # shown to the shopper as the reason nothing is offered

    @property
    def ok(self) -> bool:
        return self.zone is not None


def destination_resolve(postcode: str, state_code: str) -> Destination:
    """Check ``postcode`` against ``state_code`` and find the zone.

    Never raises for bad input: an unknown postcode, a malformed one or a
    postcode that lies in another state gives a Destination with ``zone``
    None and ``error`` saying why (the message of
    :func:`kedai.customers.addressing.validate_postcode_state`).
    """
    code = (state_code or "").strip().upper()
    try:
        postcode = normalise_postcode(postcode)
        validate_postcode_state(postcode, code)
    except ValidationError as exc:
        return Destination(str(postcode), code, None, " ".join(exc.messages))
    return Destination(postcode, code, zone_for_state(code))
