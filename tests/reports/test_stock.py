"""Low stock: the shop's threshold, per-variant overrides, the daily digest."""

import io

import pytest
from django.core.management import call_command

from kedai.notifications.delivery import outbox_deliver_due
from kedai.notifications.models import Message
from kedai.reports.exceptions import ReportsError
from kedai.reports.models import StockAlert
from kedai.reports.selectors import low_stock_list, variant_stock_list
from kedai.reports.services import low_stock_digest_send as send
from kedai.reports.services import stock_alert_set
from tests.factories import make_product
from tests.reports.conftest import kl
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(settings):
    """Seven variants around the shop's threshold of 5."""
    settings.KEDAI_LOW_STOCK_THRESHOLD = 5
    settings.KEDAI_LOW_STOCK_DIGEST_HOUR = 8
    settings.KEDAI_OWNER_EMAIL = "owner@kedai.example.my"
    settings.KEDAI_SITE_URL = "https://kedai.example.my"
    batik = make_product(name="Batik shirt", variants=[
        {"sku": "BTK-S", "option1": "S", "stock": 0},
        {"sku": "BTK-M", "option1": "M", "stock": 5},
        {"sku": "BTK-L", "option1": "L", "stock": 6},
        {"sku": "BTK-XL", "option1": "XL", "stock": 8},
        {"sku": "BTK-XXL", "option1": "XXL", "stock": 2},
        {"sku": "BTK-OLD", "option1": "Old", "stock": 0, "is_active": False},
    ])
    make_product(name="Retired songket", is_active=False,
                 variants=[{"sku": "SGK-1", "stock": 1}])
    variants = {v.sku: v for v in batik.variants.all()}
    StockAlert.objects.create(variant=variants["BTK-XL"], threshold=10)
    StockAlert.objects.create(variant=variants["BTK-XXL"], threshold=1)
    return variants


def skus(rows) -> list[str]:
    return [v.sku for v in rows]


def test_low_means_at_or_below_the_own_or_shop_threshold(stock):
    rows = list(low_stock_list())
    assert skus(rows) == ["BTK-S", "BTK-M", "BTK-XL"]
    assert [(v.threshold, v.override) for v in rows] == [(5, None), (5, None),
                                                         (10, 10)]


@pytest.mark.parametrize(("show", "query", "expected"), [
    ("out", "", ["BTK-S"]),
    ("all", "", ["BTK-S", "BTK-XXL", "BTK-M", "BTK-L", "BTK-XL"]),
    ("all", "btk-x", ["BTK-XXL", "BTK-XL"]),
    ("low", "batik", ["BTK-S", "BTK-M", "BTK-XL"]),
    ("low", "songket", []),
])
def test_filters(stock, show, query, expected):
    assert skus(variant_stock_list(show=show, query=query)) == expected


def test_the_shop_threshold_comes_from_settings(stock, settings):
    settings.KEDAI_LOW_STOCK_THRESHOLD = 0
    assert skus(low_stock_list()) == ["BTK-S", "BTK-XL"]


def test_an_override_is_set_changed_and_removed(stock):
    stock_alert_set(variant=stock["BTK-L"], threshold=6)
    assert "BTK-L" in skus(low_stock_list())
    stock_alert_set(variant=stock["BTK-L"], threshold=3)
    assert StockAlert.objects.get(variant=stock["BTK-L"]).threshold == 3
    assert "BTK-L" not in skus(low_stock_list())
    stock_alert_set(variant=stock["BTK-XL"], threshold=None)
    assert not StockAlert.objects.filter(variant=stock["BTK-XL"]).exists()
    assert "BTK-XL" not in skus(low_stock_list())  # 8 > the shop's 5


def test_a_negative_override_is_refused_and_changes_nothing(stock):
    with pytest.raises(ReportsError):
        stock_alert_set(variant=stock["BTK-XL"], threshold=-1)
    assert StockAlert.objects.get(variant=stock["BTK-XL"]).threshold == 10


def test_the_digest_goes_to_the_owner_once_a_day(stock):
    morning = kl(2026, 3, 15, 8, 0)
    outcome = send(now=morning)
    assert (outcome.status, outcome.count) == ("sent", 3)
    message = Message.objects.get()
    assert message.to_email == "owner@kedai.example.my"
    assert message.kind == "low_stock_digest"
    assert message.dedupe_key == "low_stock_digest:2026-03-15"
    assert message.subject == "Low stock: 3 variants on 15 Mar 2026"
    assert "Batik shirt (S), SKU BTK-S: 0 left (threshold 5)" in message.body_text
    assert "Batik shirt (XL), SKU BTK-XL: 8 left (threshold 10)" in message.body_text
    assert "https://kedai.example.my/office/reports/low-stock/" in message.body_text
    assert "BTK-M" in message.body_html

    # The sweep runs every few minutes: later the same day, nothing more.
    assert send(now=kl(2026, 3, 15, 8, 5)).status == "already_sent"
    assert send(now=kl(2026, 3, 15, 23, 59)).status == "already_sent"
    assert Message.objects.filter(dedupe_key__startswith="low_stock_digest:2026-03-15"
                                  ).count() == 1
    # The next shop day (from local midnight, not UTC) gets its own digest.
    assert send(now=kl(2026, 3, 16, 9, 0)).status == "sent"
    assert Message.objects.filter(kind="low_stock_digest",
                                  reference__startswith="2026-03-1").count() == 2


def test_the_command_sends_todays_digest_once(stock, settings):
    settings.KEDAI_LOW_STOCK_DIGEST_HOUR = 0
    out = io.StringIO()
    call_command("low_stock_digest", stdout=out)
    call_command("low_stock_digest", stdout=out)
    assert out.getvalue().splitlines() == [
        "low-stock digest: sent (3 variants)", "low-stock digest: already_sent"]
    assert Message.objects.filter(kind="low_stock_digest").count() == 1


def test_no_digest_before_the_hour_or_when_nothing_is_low(stock, settings):
    assert send(now=kl(2026, 3, 15, 7, 59)).status == "too_early"
    for variant in stock.values():
        stock_alert_set(variant=variant, threshold=None)
    settings.KEDAI_LOW_STOCK_THRESHOLD = 0
    stock["BTK-S"].stock = 3
    stock["BTK-S"].save()
    assert send(now=kl(2026, 3, 15, 9, 0)).status == "nothing_low"
    assert not Message.objects.exists()


def test_no_owner_address_means_no_message(stock, settings):
    settings.KEDAI_OWNER_EMAIL = ""
    assert send(now=kl(2026, 3, 15, 9, 0)).status == "no_recipient"
    assert not Message.objects.exists()


def test_the_digest_reaches_a_real_mail_server(stock, settings):
    with SMTPServer() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        send(now=kl(2026, 3, 15, 9, 0))
        send(now=kl(2026, 3, 15, 10, 0))
        assert outbox_deliver_due().sent == 1
        assert outbox_deliver_due().sent == 0
    [mail] = smtp.inbox.messages
    assert mail["To"] == "owner@kedai.example.my"
    assert mail["Subject"] == "Low stock: 3 variants on 15 Mar 2026"
    assert "BTK-XL" in mail.get_body(("plain",)).get_content()
    assert "<td style=\"padding:4px 8px\">BTK-S</td>" in \
        mail.get_body(("html",)).get_content()
