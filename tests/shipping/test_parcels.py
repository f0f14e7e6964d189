"""Actual, volumetric and chargeable weight (Pos Malaysia)."""

from decimal import Decimal as D

import pytest

from kedai.shipping.parcels import Parcel, ParcelItem, parcel_from_lines, round_up


def parcel(*items):
    return Parcel(items=tuple(items))


@pytest.mark.parametrize(("item", "divisor", "step", "volumetric", "chargeable"), [
    # Pos Malaysia: L x W x H (cm) / 6000 (Pos Malaysia).
    (ParcelItem(D("1.2"), D(30), D(20), D(10)), 6000, D("0.5"), D("1.000"), D("1.5")),
    # A light, bulky box: volumetric weight wins.
    (ParcelItem(D("0.2"), D(40), D(30), D(20)), 6000, D("0.5"), D("4.000"), D("4.0")),
    # The same box at /5000 (express couriers, Pos Malaysia).
    (ParcelItem(D("0.2"), D(40), D(30), D(20)), 5000, D("0.5"), D("4.800"), D("5.0")),
    # A dense item: actual weight wins; rounded up to the 1 kg step.
    (ParcelItem(D("3.2"), D(10), D(10), D(10)), 5000, D("1"), D("0.200"), D("4")),
    # Unknown dimensions count as no volume.
    (ParcelItem(D("0.7"), None, D(30), D(30)), 6000, D("0.5"), D("0"), D("1.0")),
    # Quantity multiplies weight and volume: 3 x 6000 cm3 / 6000.
    (ParcelItem(D("0.1"), D(30), D(20), D(10), quantity=3), 6000, D("0.5"),
     D("3.000"), D("3.0")),
    # No rounding step: to the gram, rounded up.
    (ParcelItem(D("0.1234")), 6000, D("0"), D("0"), D("0.124")),
])
def test_chargeable_weight(item, divisor, step, volumetric, chargeable):
    p = parcel(item)
    assert p.volumetric_weight_kg(divisor) == volumetric
    assert p.chargeable_weight_kg(divisor=divisor, step_kg=step) == chargeable


def test_items_add_up():
    p = parcel(ParcelItem(D("0.5"), D(10), D(10), D(10), quantity=2),
               ParcelItem(D("1.25"), D(50), D(5), D(5)))
    assert p.weight_kg == D("2.25")
    assert p.volume_cm3 == D(3250)
    assert p.longest_side_cm == D(50)


def test_round_up():
    assert round_up(D("0.01"), D("0.5")) == D("0.5")
    assert round_up(D("0.5"), D("0.5")) == D("0.5")
    assert round_up(D("2.26"), D("0.25")) == D("2.5")
    assert round_up(D(0), D("0.5")) == 0


def test_floats_and_negative_values_are_refused():
    with pytest.raises(TypeError):
        ParcelItem(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ParcelItem(D("-1"))
    with pytest.raises(ValueError):
        ParcelItem(D(1), quantity=0)


class _Variant:
    def __init__(self, sku, grams, length=D(0), width=D(0), height=D(0)):
        self.sku, self.weight_grams = sku, grams
        self.length_cm, self.width_cm, self.height_cm = length, width, height


def test_parcel_from_variants_uses_grams_and_treats_zero_size_as_unknown():
    p = parcel_from_lines([(_Variant("A", 250, D(20), D(10), D(5)), 2),
                           (_Variant("B", 0), 1)])
    assert p.weight_kg == D("0.5")
    assert p.volume_cm3 == D(2000)
    assert p.weightless_skus == ("B",)
    assert p.items[1].length_cm is None
