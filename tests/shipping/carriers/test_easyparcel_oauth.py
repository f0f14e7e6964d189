"""EasyParcel's OAuth access token expires (36,000 s): it is refreshed
with the refresh token before it does, stored for every process, and a
failed refresh is logged and kept for the owner, never silent (issue 11).
Real HTTP to the carrier simulator's /oauth/token."""

import json
import logging
import urllib.parse
import urllib.request
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from kedai.core.money import Money
from kedai.shipping.carriers.easyparcel import EasyParcelCarrier
from kedai.shipping.exceptions import CarrierError
from kedai.shipping.models import CarrierToken
from kedai.shipping.ports import RateRequest

pytestmark = pytest.mark.django_db
REQUEST = RateRequest(origin_postcode="50000", origin_state="KUL",
                      dest_postcode="40000", dest_state="SGR", weight_kg=D("1"),
                      parcel_value=Money("100.00"))


def _post(url, **form):
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(url, data=data, timeout=5) as response:  # noqa: S310 - sandbox
        return json.load(response)


@pytest.fixture
def carrier(sandbox_url):
    _post(f"{sandbox_url}/carrier/_sandbox/token", reset="1")
    return EasyParcelCarrier("easyparcel", {
        "BASE_URL": f"{sandbox_url}/carrier", "CLIENT_ID": "app-1",
        "CLIENT_SECRET": "app-secret",  # noqa: S106 - sandbox
        "REFRESH_TOKEN": "sandbox-refresh", "TIMEOUT": 3})


def refreshes(sandbox_url):
    with urllib.request.urlopen(f"{sandbox_url}/carrier/_sandbox/stats") as r:  # noqa: S310
        return json.load(r)["token_refreshes"]


def test_first_quote_gets_a_token_and_stores_it_for_the_next(carrier, sandbox_url):
    assert carrier.rates(REQUEST, currency="MYR")
    row = CarrierToken.objects.get(carrier="easyparcel")
    assert row.access_token.startswith("ep-access-")
    assert row.refresh_token.startswith("ep-refresh-")  # replaced, as EasyParcel may
    assert timedelta(seconds=35990) < row.expires_at - timezone.now() \
        <= timedelta(seconds=36000)
    assert carrier.rates(REQUEST, currency="MYR")
    assert refreshes(sandbox_url) == 1


def test_a_token_about_to_expire_is_refreshed_before_it_does(carrier, sandbox_url):
    carrier.rates(REQUEST, currency="MYR")
    first = CarrierToken.objects.get().access_token
    CarrierToken.objects.update(expires_at=timezone.now() + timedelta(minutes=5))
    carrier.rates(REQUEST, currency="MYR")
    assert CarrierToken.objects.get().access_token != first
    assert refreshes(sandbox_url) == 2


def test_a_token_the_carrier_expired_early_is_refreshed_after_its_401(
        carrier, sandbox_url):
    _post(f"{sandbox_url}/carrier/_sandbox/token", ttl="1")
    carrier.rates(REQUEST, currency="MYR")
    # Our row believes it valid for long; the carrier says 401.
    CarrierToken.objects.update(expires_at=timezone.now() + timedelta(hours=5))
    import time
    time.sleep(1.2)
    _post(f"{sandbox_url}/carrier/_sandbox/token", ttl="36000")
    assert carrier.rates(REQUEST, currency="MYR")
    assert refreshes(sandbox_url) == 2


def test_a_failed_refresh_is_logged_kept_for_the_owner_and_raised(
        carrier, sandbox_url, caplog):
    carrier.rates(REQUEST, currency="MYR")
    CarrierToken.objects.update(refresh_token="stolen-or-revoked",
                                expires_at=timezone.now() - timedelta(seconds=1))
    with caplog.at_level(logging.ERROR, logger="kedai.shipping"), \
            pytest.raises(CarrierError) as raised:
        carrier.rates(REQUEST, currency="MYR")
    assert raised.value.reason == "auth"
    row = CarrierToken.objects.get()
    assert "token refresh failed" in row.last_error and row.last_error_at
    assert any("easyparcel: token refresh failed" in r.getMessage()
               for r in caplog.records)
    assert carrier.token_state()["last_error"] == row.last_error
