"""The adapter registry (kedai.core.registry) and its system check."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from kedai.core.registry import adapter_get, adapters_all, check_adapters
from kedai.payments.gateways.billplz import BillplzGateway
from kedai.shipping.carriers.easyparcel import EasyParcelCarrier

BILLPLZ = {"BACKEND": "kedai.payments.gateways.billplz.BillplzGateway",
           "OPTIONS": {"API_KEY": "k", "COLLECTION_ID": "c", "X_SIGNATURE_KEY": "s"}}


def test_every_kind_is_built_as_backend_name_options(settings):
    settings.KEDAI_PAYMENT_GATEWAYS = {"billplz": BILLPLZ}
    settings.KEDAI_RATE_PROVIDERS = {"ep": {
        "BACKEND": "kedai.shipping.carriers.easyparcel.EasyParcelCarrier",
        "OPTIONS": {"TOKEN": "t"}}}
    gateway = adapter_get("KEDAI_PAYMENT_GATEWAYS", "billplz")
    assert isinstance(gateway, BillplzGateway) and gateway.api_key == "k"
    (carrier,) = adapters_all("KEDAI_RATE_PROVIDERS")
    assert isinstance(carrier, EasyParcelCarrier) and carrier.name == "ep"
    assert adapter_get("KEDAI_PAYMENT_GATEWAYS", "nope") is None


def test_options_filter_adjusts_a_copy_of_the_options(settings):
    settings.KEDAI_PAYMENT_GATEWAYS = {"billplz": BILLPLZ}
    gateway = adapter_get("KEDAI_PAYMENT_GATEWAYS", "billplz",
                          options_filter=lambda name, o: {**o, "BASE_URL": ""})
    assert gateway.options["BASE_URL"] == ""
    assert "BASE_URL" not in BILLPLZ["OPTIONS"]


def test_the_default_settings_pass_the_check():
    assert check_adapters() == []


@pytest.mark.parametrize("setting,value,error", [
    ("KEDAI_PAYMENT_GATEWAYS", ["billplz"], "core.E001"),
    ("KEDAI_PAYMENT_GATEWAYS", {"billplz": {"OPTIONS": {}}}, "core.E001"),
    ("KEDAI_RATE_PROVIDERS", {"ep": {"BACKEND": "kedai.nowhere.Carrier"}}, "core.E002"),
    ("KEDAI_RATE_PROVIDERS", {"ep": {"BACKEND": BILLPLZ["BACKEND"]}}, "core.E003"),
    ("KEDAI_SEARCH_BACKENDS", {"default": {"BACKEND": "decimal.Decimal"}}, "core.E003"),
])
def test_the_check_names_a_bad_adapter_setting(settings, setting, value, error):
    setattr(settings, setting, value)
    assert [m.id for m in check_adapters()] == [error]


def test_a_malformed_entry_is_refused_when_used(settings):
    settings.KEDAI_PAYMENT_GATEWAYS = {"billplz": {"BACKEND": ""}}
    with pytest.raises(ImproperlyConfigured):
        adapter_get("KEDAI_PAYMENT_GATEWAYS", "billplz")


def test_a_missing_optional_package_names_its_extra():
    from kedai.core.extras import require_extra

    with pytest.raises(ImproperlyConfigured, match=r"kedai\[stripe\]"):
        require_extra("kedai_no_such_package", extra="stripe",
                      needed_for="The Stripe gateway")
    require_extra("django", extra="none", needed_for="Kedai")  # installed


def test_an_offered_gateway_that_cannot_be_built_fails_the_check(settings):
    from kedai.payments.checks import check_payment_settings

    settings.KEDAI_PAYMENT_GATEWAYS = {"billplz": {
        "BACKEND": BILLPLZ["BACKEND"], "OPTIONS": {"BASE_URL": "https://x"}}}
    settings.KEDAI_PAYMENT_METHODS = ["billplz"]
    assert [m.id for m in check_payment_settings()] == ["payments.E003"]
