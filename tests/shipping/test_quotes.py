"""Quotes for checkout: store methods, rate cards, bad input (no live API)."""

import json
from decimal import Decimal as D

import pytest

from kedai.core.money import Money
from kedai.shipping.models import MethodBand, RateCard, ShippingMethod
from kedai.shipping.parcels import Parcel, ParcelItem, parcel_from_lines
from kedai.shipping.quotes import shipping_quote_for, shipping_quotes
from kedai.shipping.selectors import products_without_weight
from tests.factories import make_product

pytestmark = pytest.mark.django_db

KL, SELANGOR, KOTA_KINABALU = ("50000", "KUL"), ("40000", "SGR"), ("88000", "SBH")


def kg(weight, *dims, quantity=1):
    return Parcel(items=(ParcelItem(D(weight), *(D(d) for d in dims),
                                    quantity=quantity),))


def quotes(parcel, where=SELANGOR, subtotal="100.00"):
    postcode, state = where
    return {q.code: q for q in shipping_quotes(parcel=parcel, postcode=postcode,
                                               state_code=state,
                                               subtotal=Money(subtotal))}


def method(**fields):
    fields.setdefault("zones", ["peninsular"])
    return ShippingMethod.objects.create(**fields)


def test_sample_cards_are_loaded_pos_laju_on_skynet_off():
    cards = {c.carrier: c for c in RateCard.objects.all()}
    assert cards["poslaju"].is_active and cards["poslaju"].version == "2009-sample"
    assert not cards["skynet"].is_active
    assert cards["poslaju"].bands.count() == 6


def test_store_methods_in_sort_order_then_carriers():
    second = method(name="Courier", charge=D("8.00"), position=2, eta="2-4 days")
    first = method(name="Pickup", kind="pickup", zones=[], position=1)
    method(name="Old", is_active=False)
    found = shipping_quotes(parcel=kg("1"), postcode="40000", state_code="SGR",
                            subtotal=Money("10.00"))
    assert [q.code for q in found] == [first.code, second.code, "poslaju"]
    courier = found[1]
    assert (courier.charge, courier.eta, courier.source, courier.carrier) == (
        Money("8.00"), "2-4 days", "store", "")
    assert found[0].charge == Money("0.00") and found[0].available


def test_flat_rate_serves_its_zones_only():
    flat = method(name="Semenanjung", charge=D("8.00"))
    assert quotes(kg("1"))[flat.code].available
    sabah = quotes(kg("1"), KOTA_KINABALU)[flat.code]
    assert not sabah.available and sabah.reason == "Not delivered to Sabah."


@pytest.mark.parametrize(("subtotal", "charge"), [
    ("149.99", "10.00"), ("150.00", "0.00"), ("500.00", "0.00")])
def test_free_above_an_order_amount(subtotal, charge):
    free = method(name="Free over RM150", kind="free_over", charge=D("10.00"),
                  free_over=D("150.00"))
    assert quotes(kg("1"), subtotal=subtotal)[free.code].charge == Money(charge)


def test_weight_bands_per_zone():
    bands = method(name="By weight", kind="weight_bands",
                   zones=["peninsular", "sabah"])
    for zone, up_to, charge in [("peninsular", "1", "6.00"),
                                ("peninsular", "5", "10.00"),
                                ("sabah", "1", "12.00")]:
        MethodBand.objects.create(method=bands, zone=zone, up_to_kg=D(up_to),
                                  charge=D(charge))
    assert quotes(kg("1"))[bands.code].charge == Money("6.00")
    assert quotes(kg("1.001"))[bands.code].charge == Money("10.00")
    assert quotes(kg("1"), KOTA_KINABALU)[bands.code].charge == Money("12.00")
    too_heavy = quotes(kg("5.5"))[bands.code]
    assert not too_heavy.available
    assert too_heavy.reason == ("The parcel (5.5 kg) is over this method's maximum "
                                "of 5 kg.")
    assert not quotes(kg("2"), KOTA_KINABALU)[bands.code].available


def test_method_maximum_weight():
    light = method(name="Motorbike", charge=D("5.00"), max_weight_kg=D("3"))
    assert quotes(kg("3"))[light.code].available
    assert "maximum of 3 kg" in quotes(kg("3.2"))[light.code].reason


def test_pos_laju_rate_card_quote():
    quote = quotes(kg("1"))["poslaju"]
    # Interstate KL -> Selangor, 1 kg: (4.50 + 2 x 1.00) x 1.2 x 1.06 = 8.268
    # (Pos Malaysia, 2009 Pos Laju structure; see test_ratecards).
    assert quote.available and quote.source == "rate_card"
    assert quote.charge == Money("8.27") and quote.eta == "2-4 working days"
    assert (quote.label, quote.carrier, quote.rate_card) == (
        "Pos Laju", "poslaju", "2009-sample")
    assert quote.weight_kg == D("1")
    assert quotes(kg("1"), KL)["poslaju"].eta == "1-3 working days"  # within state
    # To Sabah: air surcharge 1 step: (6.50 + 1.50) x 1.2 x 1.06 = 10.176.
    assert quotes(kg("1"), KOTA_KINABALU)["poslaju"].charge == Money("10.18")


def test_volumetric_weight_prices_bulky_parcels():
    # 0.2 kg in 40 x 30 x 20 cm: 24000 / 6000 = 4 kg (Pos Malaysia);
    # 16.00 + 3 x 2.00 = 22.00; x 1.2 x 1.06 = 27.984.
    quote = quotes(kg("0.2", 40, 30, 20))["poslaju"]
    assert quote.weight_kg == D("4") and quote.charge == Money("27.98")


def test_skynet_uses_its_own_divisor_once_switched_on():
    RateCard.objects.filter(carrier="skynet").update(is_active=True)
    # 24000 / 5000 = 4.8 kg, rounded up to 5 kg (0.5 kg step); interstate
    # 8.00 + 4 x 2.50 = 18.00, x 1.06 service tax = 19.08 (sample card).
    quote = quotes(kg("0.2", 40, 30, 20))["skynet"]
    assert quote.weight_kg == D("5") and quote.charge == Money("19.08")


def test_over_the_carriers_maximum_weight_or_size_is_not_offered():
    heavy = quotes(kg("31"))["poslaju"]
    assert not heavy.available
    assert heavy.reason == "The parcel (31 kg) is over Pos Laju's maximum of 30 kg."
    # Volumetric weight counts too: 100 x 100 x 20 / 6000 = 33.3 kg.
    assert not quotes(kg("1", 100, 100, 20))["poslaju"].available
    RateCard.objects.filter(carrier="poslaju").update(max_length_cm=D("100"))
    long_one = quotes(kg("1", 120, 10, 10))["poslaju"]
    assert not long_one.available and "120 cm" in long_one.reason


@pytest.mark.parametrize(("postcode", "state", "reason"), [
    ("00000", "KUL", "Postcode 00000 does not exist in Malaysia."),
    ("50000", "SBH", "Postcode 50000 is in Kuala Lumpur, not Sabah."),
    ("5000", "KUL", "Enter a postcode of exactly 5 digits, e.g. 50000."),
])
def test_bad_addresses_offer_nothing_but_pickup_and_say_why(postcode, state, reason):
    flat = method(name="Flat", charge=D("8.00"))
    pickup = method(name="Pickup", kind="pickup", zones=[])
    found = quotes(kg("1"), (postcode, state))
    assert found[pickup.code].available
    for code in (flat.code, "poslaju"):
        assert not found[code].available and found[code].reason == reason


def test_weightless_products_still_get_a_price_and_the_owner_is_told():
    weightless = make_product(name="Ebook", variants=[{"weight_grams": 0}])
    heavy = make_product(name="Durian", variants=[{"weight_grams": 2000}])
    variant = weightless.variants.get()
    parcel = parcel_from_lines([(variant, 1)])
    quote = quotes(parcel)["poslaju"]
    assert quote.available and quote.charge == Money("5.72")  # first band, 0.5 kg
    assert parcel.weightless_skus == (variant.sku,)
    assert list(products_without_weight()) == [variant]
    assert heavy.variants.get() not in products_without_weight()


def test_quote_for_one_code_revalidates():
    flat = method(name="Flat", charge=D("8.00"))
    args = {"parcel": kg("1"), "postcode": "40000", "state_code": "SGR",
            "subtotal": Money("50.00")}
    assert shipping_quote_for("poslaju", **args).charge == Money("8.27")
    assert shipping_quote_for(flat.code, **args).charge == Money("8.00")
    assert shipping_quote_for("method:999999", **args) is None
    assert shipping_quote_for("method:x", **args) is None
    assert shipping_quote_for("skynet", **args) is None  # card switched off
    assert shipping_quote_for("poslaju", **{**args, "parcel": kg("40")}) is None
    ShippingMethod.objects.filter(pk=flat.pk).update(is_active=False)
    assert shipping_quote_for(flat.code, **args) is None


def test_snapshot_is_json_safe_and_complete():
    snapshot = quotes(kg("1"))["poslaju"].as_snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot == {"code": "poslaju", "label": "Pos Laju", "charge": "8.27",
                        "currency": "MYR", "eta": "2-4 working days",
                        "source": "rate_card", "carrier": "poslaju", "service": "",
                        "rate_card": "2009-sample", "weight_kg": "1"}


def test_quotes_are_in_the_subtotals_currency():
    flat = method(name="Flat", charge=D("8.00"))
    found = {q.code: q for q in shipping_quotes(
        parcel=kg("1"), postcode="40000", state_code="SGR", subtotal=Money("9", "SGD"))}
    assert found[flat.code].charge == Money("8.00", "SGD")
    assert not found["poslaju"].available


def test_quoting_takes_four_queries_however_many_methods(django_assert_num_queries):
    for position in range(5):
        bands = method(name=f"M{position}", kind="weight_bands", position=position)
        MethodBand.objects.create(method=bands, zone="peninsular", up_to_kg=D(9),
                                  charge=D(5))
    with django_assert_num_queries(4):  # methods, their bands, cards, their bands
        assert len(quotes(kg("1"))) == 6
