"""Payment keys typed in the back office: encrypted at rest, used by the
gateway (the Stripe simulator over real HTTP), never readable in the
clear from a page, an export, a backup or the logs; Owner role only;
the environment wins; without KEDAI_SECRETS_KEY nothing is stored."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import Client

from kedai.dataio.backup import backup_write
from kedai.dataio.exports import table_write
from kedai.dataio.tables import TABLES
from kedai.payments.exceptions import PaymentError
from kedai.payments.models import GatewaySecret
from kedai.payments.registry import gateway_get
from kedai.payments.secrets import options_with_stored_keys
from kedai.payments.services import payment_start
from tests.payments.conftest import captured_payment, place_order

pytestmark = pytest.mark.django_db
KEYS = "/office/settings/payments/stripe/keys/"
TYPED = "sk_test_typed-in-the-office-7Qx2"


@pytest.fixture
def secrets_key(settings, monkeypatch):
    for name in ("KEDAI_STRIPE_SECRET_KEY", "KEDAI_STRIPE_WEBHOOK_SECRET",
                 "KEDAI_SECRETS_KEY", "KEDAI_SECRETS_OLD_KEYS"):
        monkeypatch.delenv(name, raising=False)
    settings.KEDAI_SECRETS_KEY = Fernet.generate_key().decode()
    settings.KEDAI_SECRETS_OLD_KEYS = ""
    return settings.KEDAI_SECRETS_KEY


@pytest.fixture
def wrong_stripe_key(gateways, settings):
    """A configured key the simulator refuses (401)."""
    conf = copy.deepcopy(settings.KEDAI_PAYMENT_GATEWAYS)
    conf["stripe"]["OPTIONS"]["SECRET_KEY"] = "rk_wrong_configured_key"
    settings.KEDAI_PAYMENT_GATEWAYS = conf


def test_a_key_typed_in_the_form_is_used_by_the_gateway_and_never_shown(
        owner, secrets_key, wrong_stripe_key, caplog, tmp_path):
    with pytest.raises(PaymentError):  # the configured key is refused
        payment_start(order=place_order(method="stripe").order, method="stripe",
                      site_url="http://testserver/")
    caplog.set_level("DEBUG")
    response = owner.post(KEYS, {"SECRET_KEY": TYPED})
    assert response.status_code == 302
    stored = GatewaySecret.objects.get(gateway="stripe", name="SECRET_KEY")
    assert TYPED not in stored.ciphertext
    assert gateway_get("stripe").options["SECRET_KEY"] == TYPED
    _placed, payment = captured_payment("stripe")  # real HTTP, accepted
    assert payment.status == "captured"
    # Not readable in the clear anywhere.
    seen = [owner.get(url).content.decode() for url in (
        KEYS, "/office/settings/payments/", "/office/settings/go-live/")]
    assert "••••" + TYPED[-4:] in seen[0] and "back office" in seen[2]
    for table in TABLES.values():
        target = tmp_path / f"{table.key}.csv"
        table_write(target, table, "csv", {})
        seen.append(target.read_text(encoding="utf-8"))
    archive = io.BytesIO()
    backup_write(archive)
    with zipfile.ZipFile(archive) as z:
        seen.extend(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    seen.append(caplog.text)
    for text in seen:
        assert TYPED not in text and TYPED[:-4] not in text


def test_other_roles_are_refused(staff, secrets_key, gateways):
    assert staff.get(KEYS).status_code == 403
    assert staff.post(KEYS, {"SECRET_KEY": TYPED}).status_code == 403
    # Even with the settings permission, only the Owner role may.
    user = User.objects.create_user("ravi", password="pw-ravi-2026", is_staff=True)
    group = Group.objects.create(name="Settings clerk")
    group.permissions.set(Permission.objects.filter(
        content_type__app_label="backoffice",
        codename__in=("use_backoffice", "manage_settings")))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    assert client.get("/office/settings/payments/").status_code == 200
    assert client.post(KEYS, {"SECRET_KEY": TYPED}).status_code == 403
    assert not GatewaySecret.objects.exists()


def test_without_kedai_secrets_key_the_form_explains_and_refuses(
        owner, settings, monkeypatch, gateways):
    monkeypatch.delenv("KEDAI_SECRETS_KEY", raising=False)
    settings.KEDAI_SECRETS_KEY = ""
    page = owner.get(KEYS).content.decode()
    assert "Set KEDAI_SECRETS_KEY in the environment" in page
    response = owner.post(KEYS, {"SECRET_KEY": TYPED})
    assert response.status_code == 400
    assert "KEDAI_SECRETS_KEY" in response.content.decode()
    assert not GatewaySecret.objects.exists()
    settings.KEDAI_SECRETS_KEY = "not-a-fernet-key"
    assert owner.post(KEYS, {"SECRET_KEY": TYPED}).status_code == 400
    assert not GatewaySecret.objects.exists()


def test_bad_values_are_refused_by_the_field(owner, secrets_key, gateways):
    response = owner.post(KEYS, {"SECRET_KEY": "sk_test with space",
                                 "WEBHOOK_SECRET": "whsec_fine_value_1234"})
    assert response.status_code == 400
    assert "no spaces" in response.content.decode()
    assert not GatewaySecret.objects.exists()  # not even the good one
    assert owner.post(KEYS, {"SECRET_KEY": "x" * 501}).status_code == 400


def test_the_environment_wins(owner, secrets_key, gateways, monkeypatch):
    owner.post(KEYS, {"SECRET_KEY": TYPED})
    monkeypatch.setenv("KEDAI_STRIPE_SECRET_KEY", "sk_test_from_env")
    options = options_with_stored_keys("stripe", {"SECRET_KEY": "sk_test_from_env"})
    assert options["SECRET_KEY"] == "sk_test_from_env"
    page = owner.get(KEYS).content.decode()
    assert "Set in the environment (KEDAI_STRIPE_SECRET_KEY)" in page
    assert 'name="SECRET_KEY"' not in page


def test_rotation_re_encrypts_with_the_new_key(owner, secrets_key, settings, gateways):
    owner.post(KEYS, {"SECRET_KEY": TYPED})
    before = GatewaySecret.objects.get().ciphertext
    settings.KEDAI_SECRETS_KEY = Fernet.generate_key().decode()
    settings.KEDAI_SECRETS_OLD_KEYS = secrets_key
    assert options_with_stored_keys("stripe", {})["SECRET_KEY"] == TYPED
    call_command("payment_keys", "rotate", stdout=io.StringIO())
    assert GatewaySecret.objects.get().ciphertext != before
    settings.KEDAI_SECRETS_OLD_KEYS = ""
    assert options_with_stored_keys("stripe", {})["SECRET_KEY"] == TYPED


def test_forgetting_a_stored_key(owner, secrets_key, gateways):
    owner.post(KEYS, {"SECRET_KEY": TYPED})
    owner.post(KEYS, {"remove_SECRET_KEY": "on"})
    assert not GatewaySecret.objects.exists()


