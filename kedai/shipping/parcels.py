"""Parcels: actual weight, volumetric weight and the chargeable weight.

Volumetric weight is ``L x W x H (cm) / divisor`` with a divisor per carrier
(Pos Malaysia: 6000; many express couriers: 5000; docs/reference/shipping.md).
The chargeable weight is the larger of actual and volumetric weight, rounded
up to the carrier's step (0.5 kg or 1 kg).

A parcel's volume is the sum of its items' volumes: items are assumed to be
packed together without void. Items without dimensions add weight only.
Pure dataclasses and Decimal arithmetic; no ORM (``parcel_from_lines``
reads attributes of variants it is given and runs no query).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kedai.catalog.models import Variant

GRAMS_PER_KG = Decimal(1000)
WEIGHT_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class ParcelItem:
    """One line of a parcel: the weight and size of one unit, and how many."""

    weight_kg: Decimal
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    quantity: int = 1
    sku: str = ""

    def __post_init__(self) -> None:
        for name in ("weight_kg", "length_cm", "width_cm", "height_cm"):
            value = getattr(self, name)
            if isinstance(value, float):
                raise TypeError(f"{name} is never a float; pass a Decimal")
            if value is not None and Decimal(value) < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.quantity < 1:
            raise ValueError("quantity must be at least 1")

    @property
    def volume_cm3(self) -> Decimal:
        """Volume of one unit; zero when any dimension is unknown."""
        sides = (self.length_cm, self.width_cm, self.height_cm)
        if any(side is None or side <= 0 for side in sides):
            return Decimal(0)
        length, width, height = (Decimal(side) for side in sides)  # type: ignore[arg-type]
        return length * width * height

    @property
    def longest_side_cm(self) -> Decimal:
        return max((Decimal(s) for s in (self.length_cm, self.width_cm,
                                          self.height_cm) if s is not None),
                   default=Decimal(0))


@dataclass(frozen=True)
class Parcel:
    """Everything shipped together to one address."""

    items: tuple[ParcelItem, ...]

    @property
    def weight_kg(self) -> Decimal:
        """The actual weight: the sum of item weights times quantities."""
        return sum((item.weight_kg * item.quantity for item in self.items),
                   Decimal(0))

    @property
    def volume_cm3(self) -> Decimal:
        return sum((item.volume_cm3 * item.quantity for item in self.items),
                   Decimal(0))

    @property
    def longest_side_cm(self) -> Decimal:
        return max((item.longest_side_cm for item in self.items), default=Decimal(0))

    @property
    def weightless_skus(self) -> tuple[str, ...]:
        """SKUs of items without a weight (the owner should enter one)."""
        return tuple(item.sku or "?" for item in self.items if item.weight_kg <= 0)

    def volumetric_weight_kg(self, divisor: int) -> Decimal:
        """``volume / divisor`` in kg, rounded up to the gram."""
        if divisor <= 0:
            raise ValueError("volumetric divisor must be positive")
        return (self.volume_cm3 / Decimal(divisor)).quantize(
            WEIGHT_PLACES, rounding=ROUND_CEILING)

    def chargeable_weight_kg(self, *, divisor: int, step_kg: Decimal) -> Decimal:
        """max(actual, volumetric), rounded up to a multiple of ``step_kg``.

        A step of 0 means no rounding (grams). A parcel of zero weight and
        volume weighs zero; rate cards charge it their first band.
        """
        weight = max(self.weight_kg, self.volumetric_weight_kg(divisor))
        return round_up(weight, step_kg)

    def as_snapshot(self) -> dict[str, str]:
        return {"weight_kg": str(self.weight_kg), "volume_cm3": str(self.volume_cm3)}


def round_up(weight: Decimal, step_kg: Decimal) -> Decimal:
    """Round ``weight`` up to the next multiple of ``step_kg`` (0: grams)."""
    if step_kg <= 0:
        return weight.quantize(WEIGHT_PLACES, rounding=ROUND_CEILING)
    steps = (weight / step_kg).to_integral_value(rounding=ROUND_CEILING)
    return steps * step_kg


def parcel_from_items(items: Iterable[ParcelItem]) -> Parcel:
    return Parcel(items=tuple(items))


def parcel_from_lines(lines: Iterable[tuple[Variant, int]]) -> Parcel:
    """Build a parcel from ``(variant, quantity)`` pairs (e.g. cart lines).

    Weights come from ``Variant.weight_grams``; dimensions from
    ``length_cm``/``width_cm``/``height_cm``, where 0 means unknown. Runs no
    query. A variant without weight adds nothing and is listed in
    :attr:`Parcel.weightless_skus` (never an error: the shopper still gets
    a price, the owner gets a warning).
    """
    items = []
    for variant, quantity in lines:
        dims = [Decimal(v) if v else None
                for v in (variant.length_cm, variant.width_cm, variant.height_cm)]
        items.append(ParcelItem(
            weight_kg=Decimal(variant.weight_grams) / GRAMS_PER_KG,
            length_cm=dims[0], width_cm=dims[1], height_cm=dims[2],
            quantity=quantity, sku=variant.sku,
        ))
    return Parcel(items=tuple(items))
