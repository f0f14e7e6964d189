"""Malaysian time and dd/mm/yyyy dates everywhere; method names from one
label table (issue 14, bullet 7)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from kedai.backoffice.orders.export import orders_csv
from kedai.backoffice.orders.pdf import packing_slips_pdf
from kedai.core.labels import (
    PAYMENT_METHODS,
    payment_method_choice_label,
    payment_method_label,
)
from kedai.orders.models import Order
from kedai.payments.registry import method_label, payment_methods
from tests.backoffice.orders.conftest import place

# 00:30 on 5 March 2026 in Kuala Lumpur is still 4 March in UTC.
EARLY_MORNING_UTC = datetime(2026, 3, 4, 16, 30, tzinfo=UTC)


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_the_shop_runs_on_malaysia_time():
    assert settings.TIME_ZONE == "Asia/Kuala_Lumpur"
    assert settings.USE_TZ is True


@pytest.mark.parametrize("language", ["en", "ms"])
def test_dates_read_day_month_year_in_both_languages(language):
    with translation.override(language), timezone.override("Asia/Kuala_Lumpur"):
        local = timezone.localtime(EARLY_MORNING_UTC)
        assert date_format(local, "SHORT_DATE_FORMAT") == "05/03/2026"
        assert date_format(local, "DATE_FORMAT") == "05/03/2026"
        assert date_format(local, "SHORT_DATETIME_FORMAT") == "05/03/2026 00:30"
        rendered = Template('{{ when|date:"SHORT_DATETIME_FORMAT" }}').render(
            Context({"when": EARLY_MORNING_UTC}))
        assert rendered == "05/03/2026 00:30"


@pytest.mark.django_db
def test_packing_slip_of_an_order_at_half_past_midnight_has_its_day():
    order = place()
    Order.objects.filter(pk=order.pk).update(created_at=EARLY_MORNING_UTC)
    order = Order.objects.prefetch_related("lines").get(pk=order.pk)
    text = _pdf_text(packing_slips_pdf([order]))
    assert "05/03/2026" in text
    assert "04/03/2026" not in text and "04 Mar" not in text


@pytest.mark.django_db
def test_order_page_shows_the_local_date(client):
    from kedai.orders.tokens import order_token

    order = place()
    Order.objects.filter(pk=order.pk).update(created_at=EARLY_MORNING_UTC)
    page = client.get(f"/order/{order_token(order.checkout_key)}/")
    assert page.status_code == 200
    assert "placed 05/03/2026 00:30" in page.content.decode()


@pytest.mark.django_db
def test_order_export_has_local_dates_and_method_names():
    order = place(method="cod")
    Order.objects.filter(pk=order.pk).update(created_at=EARLY_MORNING_UTC)
    rows = list(csv.reader(io.StringIO(orders_csv(Order.objects.filter(
        pk=order.pk)))))
    header, row = rows[0], rows[1]
    assert row[header.index("Payment method")] == "Cash on delivery"
    assert "05/03/2026 00:30" in row


@pytest.mark.parametrize(("code", "name"), [
    ("cod", "Cash on delivery"), ("bank_transfer", "Bank transfer"),
    ("ipay88", "iPay88"), ("billplz", "Billplz"), ("senangpay", "senangPay"),
    ("fiuu", "Fiuu"), ("stripe", "Stripe"),
])
@pytest.mark.django_db  # the owner's switches are read for adapters
def test_one_label_table_names_every_payment_method(code, name):
    assert payment_method_label(code) == name
    assert method_label(code) == name  # receipts, emails, PDFs
    rendered = Template("{% load labels %}{{ code|payment_method }}").render(
        Context({"code": code}))
    assert rendered == name


def test_unknown_codes_fall_back_without_error():
    assert payment_method_label("paypal") == "paypal"
    assert payment_method_label("paypal", fallback="PayPal") == "PayPal"


@pytest.mark.django_db
def test_checkout_offers_the_table_names(settings):
    settings.KEDAI_PAYMENT_METHODS = ["bank_transfer", "cod"]
    assert [m.label for m in payment_methods()] == ["Bank transfer",
                                                     "Cash on delivery"]
    assert payment_method_choice_label("ipay88").startswith("iPay88 (")
    assert set(PAYMENT_METHODS) >= {"bank_transfer", "cod", "ipay88"}


@pytest.mark.django_db
def test_invoice_pdf_is_dated_in_malaysian_time():
    from kedai.invoicing.pdf import render_pdf
    from kedai.invoicing.snapshot import order_snapshot

    order = place()
    data = order_snapshot(order=order, kind="invoice", title="Invoice",
                          number="INV-2026-000001", issued_at=EARLY_MORNING_UTC,
                          seller=None)
    assert data["issued_local"] == "05/03/2026 00:30"
    assert data["issued_date"] == "2026-03-05"
    assert "05/03/2026 00:30" in _pdf_text(render_pdf(data).content)
