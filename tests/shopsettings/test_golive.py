"""The go-live check: failing on the demo's configuration, passing on a
configured one; the page is the Owner's only; refused callbacks are shown
(issue 11)."""

import copy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from kedai.payments.models import CallbackLog
from kedai.shopsettings.golive import FAIL, golive_report

pytestmark = pytest.mark.django_db
DEMO_METHODS = ["bank_transfer", "cod", "billplz", "ipay88", "fiuu", "senangpay",
                "stripe"]


@pytest.fixture
def demo(settings, tmp_path):
    """The demo: DEBUG on, a generated SECRET_KEY, the mailbox, every
    gateway on the simulator with its published keys."""
    (tmp_path / "secret_key").write_text("generated-demo-key")
    settings.VAR_DIR = tmp_path
    settings.SECRET_KEY = "generated-demo-key"
    settings.DEBUG = True
    settings.KEDAI_SITE_URL = "http://127.0.0.1:8000"
    settings.EMAIL_BACKEND = "kedai.notifications.mailbox.MailboxBackend"
    settings.KEDAI_PAYMENT_METHODS = DEMO_METHODS
    settings.KEDAI_SANDBOX_URL = "http://127.0.0.1:8001"
    return settings


@pytest.fixture
def configured(settings, tmp_path):
    """A shop ready to go live with Billplz and Fiuu."""
    (tmp_path / "secret_key").write_text("generated-demo-key")
    settings.VAR_DIR = tmp_path
    settings.SECRET_KEY = "a-real-secret-key-from-the-environment-" + "x" * 20
    settings.DEBUG = False
    settings.KEDAI_SITE_URL = "https://kedai.example.my"
    settings.KEDAI_PAYMENT_CALLBACK_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["kedai.example.my"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://kedai.example.my"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.example.my"
    settings.KEDAI_SANDBOX_URL = ""
    settings.KEDAI_PAYMENT_METHODS = ["bank_transfer", "billplz", "fiuu"]
    gateways = copy.deepcopy(settings.KEDAI_PAYMENT_GATEWAYS)
    gateways["billplz"]["OPTIONS"].update(
        MODE="live", API_KEY="73eb57f0-live", COLLECTION_ID="col_live",
        X_SIGNATURE_KEY="S-live-signature-key-from-billplz")
    gateways["fiuu"]["OPTIONS"].update(
        MODE="live", MERCHANT_ID="kedaimy", VERIFY_KEY="v" * 32, SECRET_KEY="s" * 32)
    settings.KEDAI_PAYMENT_GATEWAYS = gateways
    settings.KEDAI_RATE_PROVIDERS = {"easyparcel": {
        "BACKEND": "kedai.shipping.carriers.easyparcel.EasyParcelCarrier",
        "OPTIONS": {"MODE": "live", "CLIENT_ID": "app", "CLIENT_SECRET": "secret",
                    "REFRESH_TOKEN": "refresh", "TIMEOUT": 3}}}
    return settings


def failed(report):
    return {(s.title, i.name) for s in report.sections for i in s.items
            if i.level == FAIL}


def test_the_demo_configuration_fails(demo):
    report = golive_report()
    assert not report.ok
    names = failed(report)
    for check in ("DEBUG is off", "SECRET_KEY is not the generated demo one",
                  "KEDAI_SITE_URL is absolute and HTTPS",
                  "Mail is configured (EMAIL_URL)"):
        assert ("Site", check) in names
    for code in ("billplz", "ipay88", "fiuu", "senangpay", "stripe"):
        title = f"Payment gateway: {code}"
        assert (title, "Keys are not the published demo ones") in names
        assert (title, "MODE is live") in names
        assert (title, "Callback URL is absolute and HTTPS") in names
    with pytest.raises(CommandError) as raised:
        call_command("golive_check")
    assert raised.value.returncode == 1


def test_a_configured_shop_passes(configured, capsys):
    report = golive_report()
    assert failed(report) == set()
    assert [s.title for s in report.sections] == [
        "Site", "Payment gateway: billplz", "Payment gateway: fiuu",
        "Carrier: easyparcel"]
    items = {i.name: i for i in report.sections[1].items}
    assert items["Signed test callback accepted"].level == "ok"
    assert "https://kedai.example.my/pay/callback/billplz/" in \
        items["Callback URL is absolute and HTTPS"].detail
    assert items["Last callback received"].level == "warn"  # none yet
    call_command("golive_check")
    assert "go-live check passed" in capsys.readouterr().out


def test_missing_or_demo_keys_fail(configured):
    gateways = copy.deepcopy(configured.KEDAI_PAYMENT_GATEWAYS)
    gateways["fiuu"]["OPTIONS"]["MERCHANT_ID"] = ""
    gateways["billplz"]["OPTIONS"]["X_SIGNATURE_KEY"] = "S-s7b4yWpp9h7rrkNM1i3Z_g"
    configured.KEDAI_PAYMENT_GATEWAYS = gateways
    names = failed(golive_report())
    assert ("Payment gateway: fiuu", "Keys present") in names
    assert ("Payment gateway: billplz", "Keys are not the published demo ones") in names
    # The adapter itself refuses a callback signed with the demo key (13.17).
    assert ("Payment gateway: billplz", "Signed test callback accepted") in names


def test_site_settings_must_agree(configured):
    configured.ALLOWED_HOSTS = ["*"]
    configured.CSRF_TRUSTED_ORIGINS = ["http://kedai.example.my"]
    names = failed(golive_report())
    assert ("Site", "ALLOWED_HOSTS names the site (and not '*')") in names
    assert ("Site", "CSRF_TRUSTED_ORIGINS has the site's HTTPS origin, all in "
                    "ALLOWED_HOSTS") in names


def test_a_failed_carrier_token_refresh_fails_the_check(configured):
    from kedai.shipping.models import CarrierToken

    CarrierToken.objects.create(carrier="easyparcel",
                                last_error="token refresh failed: invalid_grant")
    assert ("Carrier: easyparcel", "Token refresh working") in failed(golive_report())


def test_the_page_is_the_owners_and_lists_refused_callbacks(
        configured, owner_client, staff_client):
    CallbackLog.objects.create(gateway="billplz", kind="callback", verified=True,
                               outcome="rejected: amount 1.00 differs from 100.00")
    CallbackLog.objects.create(gateway="fiuu", kind="callback", verified=False,
                               outcome="rejected: fiuu: skey does not match")
    configured.ALLOWED_HOSTS = ["kedai.example.my", "testserver"]
    assert staff_client.get("/office/settings/go-live/").status_code == 403
    assert Client().get("/office/settings/go-live/").status_code == 302
    page = owner_client.get("/office/settings/go-live/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Payment gateway: billplz" in text and "Carrier: easyparcel" in text
    assert "amount 1.00 differs from 100.00" in text
    assert "fiuu: skey does not match" in text
