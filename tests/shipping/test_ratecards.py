"""Rate card prices against the published examples of Pos Malaysia.

Every case cites the fact of docs/reference/shipping.md it checks.
Money is Decimal; expected totals are worked out by hand in the comments.
"""

from decimal import Decimal as D

import pytest

from kedai.core.money import Money
from kedai.shipping.exceptions import RateCardInvalid
from kedai.shipping.ratecards import (
    CARD_FILES,
    DATA_DIR,
    Band,
    CardTerms,
    bands_diff,
    bands_parse,
    bands_to_csv,
    card_file_read,
    rate_price,
)

POSLAJU = card_file_read(DATA_DIR / "ratecard-poslaju-2009.csv")


def price(card, zone, weight, *, sea=False):
    result = rate_price(terms=card.terms, bands=card.bands, zone=zone,
                        weight_kg=D(weight), crosses_sea=sea)
    assert result is not None
    return result


# (zone, chargeable kg, crosses sea, published base price, total, source)
POSLAJU_CASES = [
    ("within_state", "0.5", False, "4.50", "5.72",
     "4a 2009 Pos Laju: RM4.50 first 500 g; x1.20 fuel+handling x1.06 SST"),
    ("interstate", "1", False, "6.50", "8.27",
     "4a 2009 Pos Laju: 4.50 + 2 x RM1.00 per 250 g; 7.80 x 1.06 = 8.268"),
    ("interstate", "2", False, "10.50", "13.36",
     "4a 2009 Pos Laju: 4.50 + 6 x 1.00 up to 2 kg; 12.60 x 1.06 = 13.356"),
    ("interstate", "2.5", False, "16.00", "20.35",
     "4a 2009 Pos Laju: above 2 kg RM16.00 for the first 2.5 kg; 19.20 x 1.06"),
    ("within_state", "3", False, "18.00", "22.90",
     "4a 2009 Pos Laju: 16.00 + RM2.00 per 500 g; 21.60 x 1.06 = 22.896"),
    ("interstate", "30", False, "126.00", "160.27",
     "4a: 16.00 + 55 x 2.00 up to the 30 kg parcel limit of the 2010 rates"),
    ("east_west", "1", True, "6.50", "10.18",
     "4a air surcharge RM1.50 per 500 g above 500 g: (6.50 + 1.50) x 1.2 x 1.06"),
    ("east_west", "2", True, "10.50", "19.08",
     "4a air surcharge: 3 steps = 4.50; (10.50 + 4.50) x 1.2 x 1.06 = 19.08"),
]


@pytest.mark.parametrize(("zone", "kg", "sea", "base", "total", "source"),
                         POSLAJU_CASES, ids=[c[-1][:40] for c in POSLAJU_CASES])
def test_poslaju_sample_card(zone, kg, sea, base, total, source):
    result = price(POSLAJU, zone, kg, sea=sea)
    assert result.base == D(base), source
    assert result.total == Money(total), source


def test_poslaju_card_terms_come_from_the_file():
    terms = POSLAJU.terms
    assert POSLAJU.carrier == "poslaju" and POSLAJU.version == "2009-sample"
    assert "Pos Malaysia" in POSLAJU.source
    assert terms.volumetric_divisor == 6000  # 4a: L x W x H / 6000
    assert terms.fuel_surcharge_pct == terms.handling_surcharge_pct == D(10)
    assert terms.max_weight_kg == D(30)
    assert terms.max_length_cm is None


def test_no_band_over_the_top_weight():
    assert rate_price(terms=POSLAJU.terms, bands=POSLAJU.bands, zone="interstate",
                      weight_kg=D("30.25"), crosses_sea=False) is None


# Other published Pos Malaysia structures priced by the same rule.
PARCEL_2010 = [Band("interstate", D(0), D(2), D("7.00"), D(2), D(0), D(1)),
               Band("interstate", D(2), D(30), D("7.00"), D(2), D("1.50"), D(1))]
SMALL_PACKET_2020 = [
    Band("interstate", D(0), D("0.05"), D("2.50"), D(0), D(0), D(0)),
    Band("interstate", D("0.05"), D("0.1"), D("3.00"), D(0), D(0), D(0)),
    Band("interstate", D("0.1"), D("0.25"), D("3.50"), D(0), D(0), D(0)),
    Band("interstate", D("0.25"), D("0.5"), D("4.00"), D(0), D(0), D(0)),
    Band("interstate", D("0.5"), D(1), D("5.00"), D(0), D(0), D(0)),
    Band("interstate", D(1), D(2), D("7.00"), D(0), D(0), D(0)),
]
AIR = CardTerms(air_surcharge_price=D("1.50"), air_surcharge_step_kg=D("0.5"),
                air_surcharge_free_kg=D("0.5"))


@pytest.mark.parametrize(("bands", "kg", "sea", "total", "source"), [
    (PARCEL_2010, "1.5", False, "7.00",
     "4a Pos parcel 1 July 2010: RM7.00 up to 2 kg"),
    (PARCEL_2010, "5", False, "11.50",
     "4a Pos parcel 2010: +RM1.50 per additional kg: 7.00 + 3 x 1.50"),
    (PARCEL_2010, "30", False, "49.00",
     "4a Pos parcel 2010: up to 30 kg: 7.00 + 28 x 1.50"),
    (SMALL_PACKET_2020, "0.05", False, "2.50", "4a Tracked Small Packet <=50 g"),
    (SMALL_PACKET_2020, "0.1", False, "3.00", "4a Tracked Small Packet <=100 g"),
    (SMALL_PACKET_2020, "0.25", False, "3.50", "4a Tracked Small Packet <=250 g"),
    (SMALL_PACKET_2020, "0.5", False, "4.00", "4a Tracked Small Packet <=500 g"),
    (SMALL_PACKET_2020, "1", False, "5.00", "4a Tracked Small Packet <=1 kg"),
    (SMALL_PACKET_2020, "2", False, "7.00", "4a Tracked Small Packet <=2 kg"),
    (SMALL_PACKET_2020, "0.5", True, "4.00",
     "4a air surcharge only above 500 g"),
    (SMALL_PACKET_2020, "1.5", True, "10.00",
     "4a 7.00 + RM1.50 per 500 g above 500 g Peninsular<->Sabah/Sarawak (2 steps)"),
])
def test_published_pos_malaysia_structures(bands, kg, sea, total, source):
    result = rate_price(terms=AIR, bands=bands, zone="interstate", weight_kg=D(kg),
                        crosses_sea=sea)
    assert result is not None and result.total == Money(total), source


def test_shipped_card_files_are_valid():
    for name in CARD_FILES:
        card = card_file_read(DATA_DIR / name)
        assert card.source and card.effective_date and card.bands


# --- CSV validation -------------------------------------------------------------

HEADER = "zone,from_kg,to_kg,base_price,base_kg,step_price,step_kg,eta\n"


def errors_of(text):
    with pytest.raises(RateCardInvalid) as caught:
        bands_parse(text)
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_round_trip_keeps_every_band():
    text = bands_to_csv(POSLAJU.bands, comments=["a comment"])
    assert text.startswith("# a comment\n" + HEADER)
    assert bands_diff(POSLAJU.bands, bands_parse(text)) == []


def test_excel_bom_comments_and_column_order_are_accepted():
    text = ("\ufeff# exported\nbase_price,zone,from_kg,to_kg,base_kg,step_price,"
            "step_kg\n5.00,interstate,0,1,1,0,0\n")
    (band,) = bands_parse(text)
    assert band.base_price == D("5.00") and band.eta == ""


def test_missing_and_unknown_columns():
    assert errors_of("zone,from_kg,to_kg,price\n") == [
        (1, "base_price", "Column is missing."),
        (1, "base_kg", "Column is missing."),
        (1, "step_price", "Column is missing."),
        (1, "step_kg", "Column is missing."),
        (1, "price", "Unknown column."),
    ]


def test_negative_and_non_numeric_prices_name_row_and_column():
    text = (HEADER
            + "interstate,0,1,-5.00,1,0,0,\n"
            + "interstate,1,2,abc,1,0,0,\n"
            + "interstate,2,3,5.00,1,1.0e,1,\n"
            + "interstate,3,4,NaN,1,0,0,\n")
    assert errors_of(text) == [
        (2, "base_price", "Cannot be negative."),
        (3, "base_price", "“abc” is not a number."),
        (4, "step_price", "“1.0e” is not a number."),
        (5, "base_price", "“NaN” is not a number."),
    ]


def test_overlapping_bands_are_refused():
    text = (HEADER
            + "interstate,0,2,5.00,2,0,0,\n"
            + "interstate,1.5,5,9.00,5,0,0,\n"
            + "within_state,0,2,5.00,2,0,0,\n"  # another zone may reuse weights
            + "interstate,5,10,12.00,10,0,0,\n")
    assert errors_of(text) == [
        (3, "from_kg", "Overlaps row 2 (interstate 0-2 kg)."),
    ]


def test_other_row_problems():
    text = (HEADER
            + "mars,0,1,5.00,1,0,0,\n"
            + "interstate,2,1,5.00,1,0,0,\n"
            + "interstate,2,3,5.00,1,1.00,0,\n"
            + "interstate,3,4,5.00\n"
            + "interstate,,5,5.00,1,0,0,\n")
    found = errors_of(text)
    assert found[0][:2] == (2, "zone") and "Unknown zone" in found[0][2]
    assert found[1:] == [
        (3, "to_kg", "Must be greater than from_kg."),
        (4, "step_kg", "Must be greater than 0 when step_price is set."),
        (5, "", "Expected 8 cells, found 4."),
        (6, "from_kg", "“” is not a number."),
    ]


def test_empty_files_are_refused():
    assert errors_of("") == [(0, "", "The file has no header row.")]
    assert errors_of(HEADER) == [(1, "", "The file has no bands.")]


def test_diff_lists_added_removed_and_changed_bands():
    old = [Band("interstate", D(0), D(1), D("5.00"), D(1), D(0), D(0)),
           Band("interstate", D(1), D(2), D("6.00"), D(2), D(0), D(0))]
    new = [Band("interstate", D(0), D(1), D("5.50"), D(1), D(0), D(0)),
           Band("interstate", D(2), D(3), D("7.00"), D(3), D(0), D(0)),
           Band("interstate", D("1.0"), D("2.00"), D("6.00"), D(2), D(0), D(0))]
    assert [(c.action, c.band.from_kg) for c in bands_diff(old, new)] == [
        ("changed", D(0)), ("added", D(2))]
    assert [c.action for c in bands_diff(old, old[:1])] == ["removed"]
