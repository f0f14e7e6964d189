"""The registry honours the owner's switches (kedai.shopsettings)."""

import pytest

from kedai.payments.registry import gateway_get, payment_methods
from kedai.shopsettings.models import PaymentMethodSwitch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def configured(settings):
    settings.KEDAI_PAYMENT_METHODS = ["billplz", "bank_transfer", "cod"]
    settings.KEDAI_PAYMENT_GATEWAYS = {
        "billplz": {"BACKEND": "kedai.payments.gateways.billplz.BillplzGateway",
                    "OPTIONS": {"BASE_URL": "https://www.billplz.com/api",
                                "API_KEY": "k", "COLLECTION_ID": "c",
                                "X_SIGNATURE_KEY": "s"}}}


def test_a_method_switched_off_is_not_offered_but_its_gateway_remains():
    PaymentMethodSwitch.objects.create(code="billplz", enabled=False)
    assert [m.code for m in payment_methods()] == ["bank_transfer", "cod"]
    assert gateway_get("billplz") is not None  # callbacks still verify


def test_a_gateway_switched_to_the_sandbox_loses_its_base_url():
    assert gateway_get("billplz").options["BASE_URL"] == "https://www.billplz.com/api"
    PaymentMethodSwitch.objects.create(code="billplz", sandbox=True)
    assert gateway_get("billplz").options["BASE_URL"] == ""
    assert [m.code for m in payment_methods()] == ["billplz", "bank_transfer", "cod"]
