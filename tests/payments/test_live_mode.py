"""MODE=live|sandbox per gateway: built-in hosts, and published demo
secrets refused outside the sandbox (issue 11; issue 13, defect 17)."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from kedai.orders.models import Order, OrderStatus
from kedai.payments.checks import check_payment_settings
from kedai.payments.gateways.billplz import x_signature
from kedai.payments.gateways.transport import base_url
from kedai.payments.models import CallbackLog, Payment
from kedai.payments.registry import gateway_get
from kedai.payments.services import payment_start
from tests.payments.conftest import place_order, set_option

BUILT_IN = {
    "billplz": ("https://www.billplz.com", "https://www.billplz-sandbox.com"),
    "ipay88": ("https://payment.ipay88.com.my", "https://sandbox.ipay88.com.my"),
    "fiuu": ("https://pay.fiuu.com", "https://sandbox.merchant.razer.com"),
    "senangpay": ("https://app.senangpay.my", "https://sandbox.senangpay.my"),
    "stripe": ("https://api.stripe.com", "https://api.stripe.com"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(BUILT_IN))
def test_mode_picks_the_built_in_hosts(settings, code):
    settings.KEDAI_SANDBOX_URL = ""
    adapter = gateway_get(code)
    live, sandbox = BUILT_IN[code]
    assert base_url({**adapter.options, "MODE": "live"}, code, adapter.hosts) == live
    assert base_url({**adapter.options, "MODE": "sandbox"}, code,
                    adapter.hosts) == sandbox


@pytest.mark.django_db
def test_sandbox_mode_uses_the_simulator_and_live_never_does(settings):
    settings.KEDAI_SANDBOX_URL = "http://127.0.0.1:9"
    adapter = gateway_get("billplz")
    assert base_url(adapter.options, "billplz",
                    adapter.hosts) == "http://127.0.0.1:9/billplz"
    assert base_url({**adapter.options, "MODE": "live"}, "billplz",
                    adapter.hosts) == "https://www.billplz.com"
    assert base_url({**adapter.options, "BASE_URL": "https://proxy.example/"},
                    "billplz", adapter.hosts) == "https://proxy.example"


@pytest.mark.django_db
def test_stripe_without_a_url_talks_to_stripes_real_api(settings):
    settings.KEDAI_SANDBOX_URL = ""
    client = gateway_get("stripe")._client()
    assert client._requestor.base_addresses["api"] == "https://api.stripe.com"


def _live(settings, code: str, **options) -> None:
    conf = copy.deepcopy(settings.KEDAI_PAYMENT_GATEWAYS)
    conf[code]["OPTIONS"].update(MODE="live", **options)
    settings.KEDAI_PAYMENT_GATEWAYS = conf


def test_system_check_refuses_demo_secrets_in_live_mode(settings):
    settings.KEDAI_PAYMENT_METHODS = ["bank_transfer"]
    settings.KEDAI_SANDBOX_URL = "http://127.0.0.1:9"
    assert check_payment_settings() == []
    _live(settings, "billplz")
    errors = [m for m in check_payment_settings() if m.id == "payments.E004"]
    assert len(errors) == 1 and "X_SIGNATURE_KEY" in errors[0].msg
    _live(settings, "billplz", X_SIGNATURE_KEY="S-a-real-key-from-the-dashboard")
    assert check_payment_settings() == []


def test_system_check_refuses_demo_secrets_of_an_offered_gateway_off_the_simulator(
        settings):
    settings.KEDAI_SANDBOX_URL = ""
    settings.KEDAI_PAYMENT_METHODS = ["fiuu", "stripe"]
    errors = [m for m in check_payment_settings() if m.id == "payments.E004"]
    assert sorted(e.msg.split("'")[1] for e in errors) == ["fiuu", "stripe"]
    settings.KEDAI_SANDBOX_URL = "http://127.0.0.1:9"  # the demo: allowed
    assert [m for m in check_payment_settings() if m.id == "payments.E004"] == []


def test_system_check_refuses_an_unknown_mode(settings):
    conf = copy.deepcopy(settings.KEDAI_PAYMENT_GATEWAYS)
    conf["ipay88"]["OPTIONS"]["MODE"] = "production"
    settings.KEDAI_PAYMENT_GATEWAYS = conf
    assert "payments.E005" in [m.id for m in check_payment_settings()]


@pytest.mark.django_db
def test_a_self_signed_callback_with_the_demo_key_is_refused_when_live(
        gateways, settings):
    """13.17: the gateway points at a live host but its key is still the
    simulator's published one; a callback signed with it pays nothing."""
    placed = place_order()
    payment = payment_start(order=placed.order, method="billplz",
                            site_url="http://testserver/").payment
    set_option(settings, "billplz", MODE="live")
    bill = {"id": payment.gateway_reference, "collection_id": "inbmmepb",
            "paid": "true", "state": "paid", "amount": "10000",
            "paid_amount": "10000", "due_at": "2026-01-01", "email": "", "mobile": "",
            "name": "X", "url": "https://www.billplz.com/bills/x", "paid_at": ""}
    bill["x_signature"] = x_signature(bill, "S-s7b4yWpp9h7rrkNM1i3Z_g")
    response = Client().post("/pay/callback/billplz/", bill)
    assert response.status_code == 503
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.get().status == "pending"
    assert "published demo secret" in CallbackLog.objects.get().outcome


@pytest.mark.django_db
def test_the_stripe_checkout_url_keeps_its_fragment_on_the_way(gateways):
    """Stripe's Checkout URL ends in a #fragment its page needs; the shop's
    hand-over form keeps it (a GET form keeps its action's fragment)."""
    placed = place_order(method="stripe")
    page = Client().post(f"/pay/{placed.token}/start/", {"method": "stripe"})
    assert page.status_code == 200
    url = Payment.objects.get().redirect["url"]
    assert "#fid" in url
    assert f'action="{url}"' in page.content.decode()
