"""Carrier rate cards: the CSV format, its validation, and the price rule.

A rate card is a set of *bands* per carrier route zone
(:class:`kedai.shipping.zones.CarrierZone`) plus card-wide *terms*
(volumetric divisor, rounding step, surcharges). This module is pure: it
parses and writes the CSV, validates it row by row, and prices a weight.
The models (:mod:`kedai.shipping.models`) store cards; services load them.

The structure is the one of the published Malaysian domestic rates
(Pos Malaysia): a band covers weights ``from_kg < w <= to_kg``
(the first band of a zone, ``from_kg = 0``, also covers 0) and costs
``base_price`` for the first ``base_kg`` plus ``step_price`` per started
``step_kg`` above it -- "RM4.50 first 500 g + RM1.00 per 250 g", "RM7.00 up
to 2 kg, +RM1.50 per additional kg". Then:

1. air surcharge: ``air_surcharge_price`` per started ``air_surcharge_step_kg``
   above ``air_surcharge_free_kg``, between Peninsular and East Malaysia
   only ("RM1.50 per 500 g above 500 g", Pos Malaysia);
2. fuel and handling surcharges: percentages of (1) plus the band price
   ("plus 10 % fuel surcharge and 10 % handling charge", Pos Malaysia);
3. service tax on delivery services, a percentage of the sum (6 %,
   Customs SST) -- part of the courier's price to the merchant;
4. the total is quantised once, ROUND_HALF_UP (kedai.core.money).

CSV: a header row with :data:`COLUMNS` (any order, extra columns refused),
one band per row; lines starting with ``#`` are comments. The data files in
``data/`` carry the card's source, date and terms in ``# key: value``
comment lines (:func:`card_file_read`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from kedai.core.money import Money, round_places
from kedai.shipping.exceptions import RateCardInvalid, RowError
from kedai.shipping.zones import CarrierZone

COLUMNS: tuple[str, ...] = ("zone", "from_kg", "to_kg", "base_price", "base_kg",
                            "step_price", "step_kg", "eta")
REQUIRED_COLUMNS = COLUMNS[:-1]  # eta may be left out
PRICE_COLUMNS = ("base_price", "step_price")
WEIGHT_COLUMNS = ("from_kg", "to_kg", "base_kg", "step_kg")
MAX_ROWS = 2000
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Band:
    """One row of a rate card (see the module docstring for the rule)."""

    zone: str
    from_kg: Decimal
    to_kg: Decimal
    base_price: Decimal
    base_kg: Decimal
    step_price: Decimal
    step_kg: Decimal
    eta: str = ""

    @property
    def key(self) -> tuple[str, Decimal, Decimal]:
        return (self.zone, self.from_kg, self.to_kg)

    def covers(self, weight: Decimal) -> bool:
        return self.from_kg < weight <= self.to_kg or (
            self.from_kg == 0 and weight == 0)

    def price(self, weight: Decimal) -> Decimal:
        extra = weight - self.base_kg
        if extra <= 0 or self.step_price == 0:
            return self.base_price
        steps = (extra / self.step_kg).to_integral_value(rounding=ROUND_CEILING)
        return self.base_price + steps * self.step_price


@dataclass(frozen=True)
class CardTerms:
    """Card-wide terms: size limits, volumetric divisor, surcharges."""

    currency: str = "MYR"
    volumetric_divisor: int = 6000
    rounding_step_kg: Decimal = Decimal("0.5")
    max_weight_kg: Decimal | None = None
    max_length_cm: Decimal | None = None
    fuel_surcharge_pct: Decimal = Decimal(0)
    handling_surcharge_pct: Decimal = Decimal(0)
    service_tax_pct: Decimal = Decimal(0)
    air_surcharge_price: Decimal = Decimal(0)
    air_surcharge_step_kg: Decimal = Decimal(0)
    air_surcharge_free_kg: Decimal = Decimal(0)


@dataclass(frozen=True)
class RatePrice:
    """A priced parcel, with the parts that make up the total."""

    band: Band
    weight_kg: Decimal
    base: Decimal
    air_surcharge: Decimal
    surcharges: Decimal
    service_tax: Decimal
    total: Money


def rate_price(*, terms: CardTerms, bands: Iterable[Band], zone: str,
               weight_kg: Decimal, crosses_sea: bool) -> RatePrice | None:
    """Price a chargeable weight in ``zone``; None if no band covers it.

    ``weight_kg`` is the chargeable weight already (see
    :meth:`kedai.shipping.parcels.Parcel.chargeable_weight_kg`). Never
    checks the card's size limits (the caller reports those with a reason).
    """
    band = next((b for b in bands if b.zone == zone and b.covers(weight_kg)), None)
    if band is None:
        return None
    base = band.price(weight_kg)
    air = Decimal(0)
    if crosses_sea and terms.air_surcharge_price and terms.air_surcharge_step_kg:
        extra = weight_kg - terms.air_surcharge_free_kg
        if extra > 0:
            steps = (extra / terms.air_surcharge_step_kg).to_integral_value(
                rounding=ROUND_CEILING)
            air = steps * terms.air_surcharge_price
    surcharges = (base + air) * (terms.fuel_surcharge_pct
                                 + terms.handling_surcharge_pct) / HUNDRED
    tax = (base + air + surcharges) * terms.service_tax_pct / HUNDRED
    total = Money(base + air + surcharges + tax, terms.currency).quantized()
    return RatePrice(band=band, weight_kg=weight_kg, base=base, air_surcharge=air,
                     surcharges=surcharges, service_tax=tax, total=total)


# --- CSV -------------------------------------------------------------------------


def _decimal(value: str) -> Decimal:
    try:
        result = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not result.is_finite():
        raise ValueError(value)
    return result


def bands_parse(text: str) -> list[Band]:
    """Parse and validate rate card CSV ``text``; return its bands.

    Raises :class:`RateCardInvalid` with every problem found, each a
    :class:`RowError` naming the row (1 = the header, data rows counted
    as a spreadsheet shows them, comment lines included) and column:
    missing or unknown columns, unknown zones, empty, non-numeric or
    negative numbers, ``to_kg <= from_kg``, a step price without a step
    weight, and bands of one zone that overlap. Never writes anything.
    """
    errors: list[RowError] = []
    text = text.lstrip("\ufeff")  # Excel writes a byte order mark
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise RateCardInvalid([RowError(0, "", _("The file has no header row."))])
    reader = csv.reader([line for _n, line in numbered])
    header_row, header = numbered[0][0], [h.strip().lower() for h in next(reader)]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    for column in missing:
        errors.append(RowError(header_row, column, _("Column is missing.")))
    for column in unknown:
        errors.append(RowError(header_row, column, _("Unknown column.")))
    if len(set(header)) != len(header):
        errors.append(RowError(header_row, "", _("A column appears twice.")))
    if errors:
        raise RateCardInvalid(errors)
    if len(numbered) - 1 > MAX_ROWS:
        raise RateCardInvalid([RowError(0, "", _("More than %(n)d rows.")
                                        % {"n": MAX_ROWS})])

    bands: list[tuple[int, Band]] = []
    zones = set(CarrierZone.values)
    for (row_number, _line), cells in zip(numbered[1:], reader, strict=True):
        if len(cells) != len(header):
            errors.append(RowError(row_number, "", _(
                "Expected %(want)d cells, found %(got)d.")
                % {"want": len(header), "got": len(cells)}))
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        row_errors: list[RowError] = []
        if row["zone"] not in zones:
            row_errors.append(RowError(row_number, "zone", _(
                "Unknown zone “%(zone)s”; use one of %(zones)s.")
                % {"zone": row["zone"], "zones": ", ".join(sorted(zones))}))
        numbers: dict[str, Decimal] = {}
        for column in PRICE_COLUMNS + WEIGHT_COLUMNS:
            try:
                numbers[column] = _decimal(row[column])
            except ValueError:
                row_errors.append(RowError(row_number, column, _(
                    "“%(value)s” is not a number.") % {"value": row[column]}))
                continue
            if numbers[column] < 0:
                row_errors.append(RowError(row_number, column,
                                           _("Cannot be negative.")))
        if not row_errors:
            if numbers["to_kg"] <= numbers["from_kg"]:
                row_errors.append(RowError(row_number, "to_kg", _(
                    "Must be greater than from_kg.")))
            if numbers["step_price"] > 0 and numbers["step_kg"] <= 0:
                row_errors.append(RowError(row_number, "step_kg", _(
                    "Must be greater than 0 when step_price is set.")))
        if row_errors:
            errors.extend(row_errors)
            continue
        bands.append((row_number, Band(
            zone=row["zone"], eta=row.get("eta", "")[:100],
            **{k: round_places(v) if k in PRICE_COLUMNS else v
               for k, v in numbers.items()})))

    by_zone: dict[str, list[tuple[int, Band]]] = {}
    for row_number, band in bands:
        by_zone.setdefault(band.zone, []).append((row_number, band))
    for zone_bands in by_zone.values():
        zone_bands.sort(key=lambda rb: (rb[1].from_kg, rb[1].to_kg))
        for (_prev_row, prev), (row_number, band) in zip(zone_bands, zone_bands[1:],
                                                         strict=False):
            if band.from_kg < prev.to_kg:
                errors.append(RowError(row_number, "from_kg", _(
                    "Overlaps row %(row)d (%(zone)s %(from)s-%(to)s kg).")
                    % {"row": _prev_row, "zone": prev.zone, "from": prev.from_kg,
                       "to": prev.to_kg}))
    if errors:
        raise RateCardInvalid(sorted(errors, key=lambda e: (e.row, e.column)))
    if not bands:
        raise RateCardInvalid([RowError(header_row, "", _("The file has no bands."))])
    return [band for _n, band in bands]


def bands_to_csv(bands: Iterable[Band], *, comments: Sequence[str] = ()) -> str:
    """Write ``bands`` as rate card CSV (readable by :func:`bands_parse`)."""
    out = io.StringIO()
    for comment in comments:
        out.write(f"# {comment}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for band in sorted(bands, key=_sort_key):
        writer.writerow([band.zone, band.from_kg, band.to_kg, band.base_price,
                         band.base_kg, band.step_price, band.step_kg, band.eta])
    return out.getvalue()


_ZONE_ORDER = {zone: i for i, zone in enumerate(CarrierZone.values)}


def _sort_key(band: Band) -> tuple[int, Decimal, Decimal]:
    return (_ZONE_ORDER.get(band.zone, 99), band.from_kg, band.to_kg)


@dataclass(frozen=True)
class BandChange:
    """One line of an upload preview: a band added, removed or changed."""

    action: str  # "added" | "removed" | "changed"
    old: Band | None
    new: Band | None

    @property
    def band(self) -> Band:
        return self.new or self.old  # type: ignore[return-value]


def bands_diff(old: Iterable[Band], new: Iterable[Band]) -> list[BandChange]:
    """What changes from ``old`` to ``new`` (bands matched by zone and range)."""
    before = {b.key: b for b in old}
    after = {b.key: b for b in new}
    changes = [BandChange("removed", band, None)
               for key, band in before.items() if key not in after]
    for key, band in after.items():
        if key not in before:
            changes.append(BandChange("added", None, band))
        elif _normal(before[key]) != _normal(band):
            changes.append(BandChange("changed", before[key], band))
    return sorted(changes, key=lambda c: _sort_key(c.band))


def _normal(band: Band) -> tuple:
    # Compare numerically: 1.0 and 1.00 are the same weight.
    return tuple(getattr(band, f.name).normalize()
                 if isinstance(getattr(band, f.name), Decimal)
                 else getattr(band, f.name) for f in fields(band))


# --- the card files in data/ ----------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent / "data"
CARD_FILES = ("ratecard-poslaju-2009.csv", "ratecard-skynet-sample.csv")


@dataclass(frozen=True)
class CardFile:
    carrier: str
    version: str
    source: str
    effective_date: date
    terms: CardTerms
    bands: list[Band]
    is_sample: bool = False


def card_file_read(path: Path) -> CardFile:
    """Read a rate card data file: ``# key: value`` metadata, then CSV."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") and ":" in line:
            key, _sep, value = line[1:].partition(":")
            meta.setdefault(key.strip(), value.strip())
    bands = bands_parse(text)

    def opt(key: str) -> Decimal | None:
        return _decimal(meta[key]) if meta.get(key) else None

    terms = CardTerms(
        currency=meta.get("currency", "MYR"),
        volumetric_divisor=int(meta["volumetric_divisor"]),
        rounding_step_kg=_decimal(meta["rounding_step_kg"]),
        max_weight_kg=opt("max_weight_kg"),
        max_length_cm=opt("max_length_cm"),
        **{key: _decimal(meta.get(key) or "0") for key in (
            "fuel_surcharge_pct", "handling_surcharge_pct", "service_tax_pct",
            "air_surcharge_price", "air_surcharge_step_kg",
            "air_surcharge_free_kg")},
    )
    return CardFile(carrier=meta["carrier"], version=meta["version"],
                    source=meta["source"],
                    effective_date=date.fromisoformat(meta["effective_date"]),
                    terms=terms, bands=bands,
                    is_sample=meta.get("sample", "").lower() in {"yes", "true"})
