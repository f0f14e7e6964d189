"""Payment methods: what is offered, keys masked, sandbox and on/off
switches stored in the database."""

import pytest

from kedai.shopsettings.models import PaymentMethodSwitch
from kedai.shopsettings.selectors import (
    gateway_options,
    mask_secret,
    payment_codes_offered,
    payment_method_rows,
)

pytestmark = pytest.mark.django_db
URL = "/office/settings/payments/"
LIVE_KEY = "live-api-key-7f3a9c2e55d1"


@pytest.fixture(autouse=True)
def gateways(settings):
    settings.KEDAI_PAYMENT_METHODS = ["billplz", "bank_transfer", "cod"]
    settings.KEDAI_PAYMENT_GATEWAYS = {
        "billplz": {"BACKEND": "kedai.payments.gateways.billplz.BillplzGateway",
                    "OPTIONS": {"BASE_URL": "https://www.billplz.com/api",
                                "API_KEY": LIVE_KEY, "COLLECTION_ID": "inbmmepb",
                                "X_SIGNATURE_KEY": "S-live-signature-key-0042"}},
        "ipay88": {"BACKEND": "kedai.payments.gateways.ipay88.IPay88Gateway",
                   "OPTIONS": {"BASE_URL": "", "MERCHANT_CODE": "M00003",
                               "MERCHANT_KEY": "apple"}},
    }
    settings.KEDAI_SANDBOX_URL = "http://127.0.0.1:9999"


def test_the_page_lists_methods_and_never_shows_a_key_in_full(owner_client):
    page = owner_client.get(URL).content.decode()
    assert "billplz" in page and "ipay88" in page and "Cash on delivery" in page
    assert LIVE_KEY not in page and "S-live-signature-key-0042" not in page
    assert "9c2e55d1" not in page  # no more than the last 4 characters
    assert "••••55d1" in page
    assert "apple" not in page  # short keys show nothing at all
    assert "LIVE" in page and "SANDBOX" in page


def test_rows_tell_offered_configured_and_sandbox():
    rows = {r.code: r for r in payment_method_rows()}
    assert rows["billplz"].offered and not rows["billplz"].sandbox
    assert not rows["ipay88"].offered and rows["ipay88"].sandbox  # not listed
    assert rows["cod"].offered and not rows["cod"].online
    assert dict(rows["billplz"].credentials)["API_KEY"] == "••••55d1"


def test_mask_secret_shows_at_most_the_last_four_characters():
    assert mask_secret("sk_live_1234567890abcd") == "••••abcd"
    assert mask_secret("apple") == "••••"
    assert mask_secret("") == ""


def test_switching_a_method_off_stops_offering_it(owner_client):
    response = owner_client.post(f"{URL}billplz/", {"enabled": ""})
    assert response.status_code == 302
    switch = PaymentMethodSwitch.objects.get(code="billplz")
    assert not switch.enabled and switch.updated_by == "nurul"
    assert payment_codes_offered(["billplz", "bank_transfer", "cod"]) == [
        "bank_transfer", "cod"]
    owner_client.post(f"{URL}billplz/", {"enabled": "on"})
    assert payment_codes_offered(["billplz", "bank_transfer", "cod"]) == [
        "billplz", "bank_transfer", "cod"]


def test_the_sandbox_switch_points_the_gateway_at_the_sandbox(owner_client, settings):
    options = settings.KEDAI_PAYMENT_GATEWAYS["billplz"]["OPTIONS"]
    assert gateway_options("billplz", options)["BASE_URL"] == (
        "https://www.billplz.com/api")
    owner_client.post(f"{URL}billplz/", {"enabled": "on", "sandbox": "on"})
    assert gateway_options("billplz", options)["BASE_URL"] == ""
    assert gateway_options("billplz", options)["API_KEY"] == LIVE_KEY
    rows = {r.code: r for r in payment_method_rows()}
    assert rows["billplz"].sandbox and rows["billplz"].offered
    # Back to live.
    owner_client.post(f"{URL}billplz/", {"enabled": "on"})
    assert gateway_options("billplz", options)["BASE_URL"] == (
        "https://www.billplz.com/api")


def test_a_gateway_without_a_live_address_cannot_go_live(owner_client):
    response = owner_client.post(f"{URL}ipay88/", {"enabled": "on"}, follow=True)
    assert "has no live address" in response.content.decode()
    assert not PaymentMethodSwitch.objects.exists()


def test_the_last_offered_method_cannot_be_switched_off(owner_client):
    owner_client.post(f"{URL}billplz/", {"enabled": ""})
    owner_client.post(f"{URL}bank_transfer/", {"enabled": ""})
    response = owner_client.post(f"{URL}cod/", {"enabled": ""}, follow=True)
    assert "At least one payment method must stay offered" in (
        response.content.decode())
    assert not PaymentMethodSwitch.objects.filter(code="cod").exists()
    assert payment_codes_offered(["billplz", "bank_transfer", "cod"]) == ["cod"]


def test_an_unknown_method_is_refused(owner_client):
    response = owner_client.post(f"{URL}paypal/", {"enabled": "on"}, follow=True)
    assert "Unknown payment method" in response.content.decode()
    assert not PaymentMethodSwitch.objects.exists()


def test_a_get_on_the_switch_url_is_not_allowed(owner_client):
    assert owner_client.get(f"{URL}cod/").status_code == 405
