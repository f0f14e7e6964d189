"""Live quotes over real HTTP to the carrier simulator, and every fallback.

The simulator (kedai/sandbox/carrier.py) speaks the EasyParcel OpenAPI
2025-09 quotation API; a bearer token ``sandbox-<mode>`` selects its fault
mode. No HTTP is mocked.
"""

import json
import time
import urllib.request
from decimal import Decimal as D

import pytest

from kedai.core.money import Money
from kedai.shipping.carriers.easyparcel import EasyParcelCarrier, _dumps, _number
from kedai.shipping.exceptions import CarrierError
from kedai.shipping.parcels import Parcel, ParcelItem
from kedai.shipping.ports import RateRequest
from kedai.shipping.providers import rate_providers
from kedai.shipping.quotes import shipping_quote_for, shipping_quotes

REQUEST = RateRequest(origin_postcode="50000", origin_state="KUL",
                      dest_postcode="40000", dest_state="SGR", weight_kg=D("1"),
                      parcel_value=Money("100.00"))
TIMEOUT = 0.4  # seconds; the simulator's slow mode waits 2


def stats(url):
    with urllib.request.urlopen(f"{url}/carrier/_sandbox/stats") as response:  # noqa: S310 - sandbox
        return json.load(response)["quotations"]


@pytest.fixture
def live(settings, sandbox_url):
    """Switch live quotes on against the simulator, in a given mode."""

    def configure(bearer="sandbox-normal", base_url=None):
        settings.KEDAI_RATE_PROVIDERS = {"easyparcel": {
            "BACKEND": "kedai.shipping.carriers.easyparcel.EasyParcelCarrier",
            "OPTIONS": {"BASE_URL": base_url or f"{sandbox_url}/carrier",
                        "TOKEN": bearer, "TIMEOUT": TIMEOUT}}}
        (provider,) = rate_providers()
        return provider

    return configure


def adapter(url, bearer="sandbox-normal"):
    return EasyParcelCarrier("easyparcel", {
        "BASE_URL": f"{url}/carrier", "TOKEN": bearer, "TIMEOUT": TIMEOUT})


def test_normal_quotation_maps_couriers_and_reads_decimal_prices(sandbox_url):
    rates = {r.carrier: r for r in adapter(sandbox_url).rates(REQUEST,
                                                                currency="MYR")}
    assert set(rates) == {"poslaju", "skynet", "jnt"}
    assert rates["poslaju"].charge == Money("5.80")  # simulator: 5.80 first kg
    assert rates["poslaju"].service_name == "Poslaju Next Day (Drop-Off)"
    assert rates["poslaju"].eta == "1-3 working day(s)"
    assert isinstance(rates["skynet"].charge.amount, D)


@pytest.mark.parametrize(("token", "reason"), [
    ("sandbox-error", "http_500"),
    ("sandbox-malformed", "malformed"),
    ("sandbox-currency", "currency"),
    ("sandbox-refused", "refused"),
    ("sandbox-ratelimit", "http_429"),
    ("", "http_401"),  # no access token
    ("sandbox-slow-2", "timeout"),
])
def test_every_fault_becomes_a_carrier_error(sandbox_url, token, reason):
    started = time.monotonic()
    with pytest.raises(CarrierError) as caught:
        adapter(sandbox_url, token).rates(REQUEST, currency="MYR")
    assert caught.value.reason == reason
    assert time.monotonic() - started < 1.5


def test_unreachable_and_misconfigured_carriers_raise_carrier_errors(sandbox_url):
    with pytest.raises(CarrierError) as caught:
        EasyParcelCarrier("easyparcel", {
            "BASE_URL": "http://127.0.0.1:9", "TOKEN": "t",
        }).rates(REQUEST, currency="MYR")
    assert caught.value.reason == "unreachable"
    with pytest.raises(CarrierError) as caught:
        EasyParcelCarrier("easyparcel", {"BASE_URL": "file:///etc/passwd"}).rates(REQUEST,
                                                               currency="MYR")
    assert caught.value.reason == "config"


def test_timeout_is_capped_at_three_seconds():
    assert EasyParcelCarrier("easyparcel", {"TIMEOUT": 30})._timeout == 3.0


def test_request_body_follows_the_documented_shape():
    body = json.loads(_dumps({"shipment": [
        EasyParcelCarrier()._shipment(REQUEST)]}), parse_float=D)
    assert body == {"shipment": [{
        # Both spellings the API has used (issue 11).
        "sender": {"postcode": "50000", "subdivision_code": "MY-14",
                   "subdivison_code": "MY-14", "country": "MY"},
        "receiver": {"postcode": "40000", "subdivision_code": "MY-10",
                     "subdivison_code": "MY-10", "country": "MY"},
        "weight": D("1.00"), "parcel_value": D("100.00")}]}
    # Decimals are written as bare JSON numbers, never through float.
    assert _dumps({"v": _number(D("0.10"))}) == '{"v":0.10}'


def quote(parcel=None, where=("40000", "SGR")):
    found = shipping_quotes(parcel=parcel or Parcel((ParcelItem(D("1")),)),
                            postcode=where[0], state_code=where[1],
                            subtotal=Money("100.00"))
    return {q.code: q for q in found}["poslaju"]


@pytest.mark.django_db
def test_live_quote_is_used_when_the_carrier_answers(live):
    live("sandbox-normal")
    found = quote()
    assert (found.source, found.charge, found.service, found.eta) == (
        "live", Money("5.80"), "Poslaju Next Day (Drop-Off)", "1-3 working day(s)")
    assert found.rate_card == "2009-sample"  # the fallback it would have used
    # Across the sea the simulator adds 6.00.
    assert quote(where=("88000", "SBH")).charge == Money("11.80")


@pytest.mark.django_db
@pytest.mark.parametrize("token", [
    "sandbox-slow-2", "sandbox-error", "sandbox-malformed", "sandbox-currency",
    "sandbox-refused", "sandbox-ratelimit"])
def test_faulty_carrier_falls_back_to_the_rate_card(live, token):
    live(token)
    started = time.monotonic()
    found = quote()
    assert time.monotonic() - started < 1.5
    # Pos Laju rate card, 1 kg interstate (Pos Malaysia): 8.27.
    assert (found.source, found.charge, found.available) == (
        "rate_card", Money("8.27"), True)


@pytest.mark.django_db
def test_unreachable_carrier_falls_back(live):
    live(base_url="http://127.0.0.1:9")
    assert quote().source == "rate_card"


@pytest.mark.django_db
def test_identical_quotes_ask_the_carrier_once(live, sandbox_url):
    live("sandbox-normal")
    before = stats(sandbox_url)
    assert quote().source == "live"
    assert quote().source == "live"
    assert shipping_quote_for("poslaju", parcel=Parcel((ParcelItem(D("1")),)),
                              postcode="40000", state_code="SGR",
                              subtotal=Money("100.00")).source == "live"
    assert stats(sandbox_url) == before + 1
    quote(Parcel((ParcelItem(D("2")),)))  # a different parcel is asked anew
    assert stats(sandbox_url) == before + 2


@pytest.mark.django_db
def test_a_failed_carrier_is_not_asked_again_at_once(live, sandbox_url):
    live("sandbox-slow-2")
    before = stats(sandbox_url)
    assert quote().source == "rate_card"
    started = time.monotonic()
    assert quote().source == "rate_card"
    assert time.monotonic() - started < TIMEOUT  # no second wait
    assert stats(sandbox_url) == before + 1


@pytest.mark.django_db
def test_limits_of_the_rate_card_apply_to_live_quotes_too(live):
    live("sandbox-normal")
    heavy = quote(Parcel((ParcelItem(D("31")),)))
    assert not heavy.available and heavy.source == "rate_card"


@pytest.mark.django_db
def test_bulky_parcels_are_sent_as_one_box_of_the_same_volume(live):
    live("sandbox-normal")
    # 40 x 30 x 20 cm = 24000 cm3 -> a 28.9 cm cube; the simulator divides
    # by 5000: 4.83 -> 5 kg; 5.80 + 4 x 2.00 = 13.80.
    assert quote(Parcel((ParcelItem(D("0.2"), D(40), D(30), D(20)),))).charge == (
        Money("13.80"))


def test_without_a_url_the_demo_uses_the_sandbox(sandbox_url):
    rates = EasyParcelCarrier().rates(REQUEST, currency="MYR")
    assert {r.carrier for r in rates} >= {"poslaju", "skynet"}
