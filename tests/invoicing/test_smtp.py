"""End to end: order events → outbox → a real SMTP server → readable PDFs."""

import pytest

from kedai.core.money import Money
from kedai.invoicing import services
from kedai.notifications.delivery import outbox_deliver_due
from tests.invoicing.conftest import pdf_text, place_order
from tests.notifications.conftest import FaultySMTP, use_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = FaultySMTP().start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


def test_invoice_and_receipt_reach_buyer_and_owner_with_pdfs(smtp, seller):
    order = place_order(name="陈美玲").order
    invoice = services.order_placed(order)
    receipt = services.payment_captured(order, amount=Money("67.90"),
                                        method_label="FPX (Billplz)",
                                        reference="BP-777")

    assert outbox_deliver_due().sent == 4

    by_subject = {m["Subject"]: m for m in smtp.messages}
    assert sorted((m["To"], m["Subject"]) for m in smtp.messages) == sorted([
        ("siti@example.my", f"Invoice {invoice.number} for your order {order.number}"),
        ("owner@kedai.example.my",
         f"New order {order.number}: RM67.90 (seller's copy {invoice.number})"),
        ("siti@example.my",
         f"Receipt {receipt.number}: payment received for order {order.number}"),
        ("owner@kedai.example.my",
         f"Payment received for order {order.number}: RM67.90"),
    ])
    mail = by_subject[f"Invoice {invoice.number} for your order {order.number}"]
    assert "Dear 陈美玲" in mail.get_body(("plain",)).get_content()
    assert "陈美玲" in mail.get_body(("html",)).get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    text = pdf_text(attachment.get_content())
    assert invoice.number in text and "RM67.90" in text and "陈美玲" in text
    receipt_mail = by_subject[
        f"Receipt {receipt.number}: payment received for order {order.number}"]
    text = pdf_text(next(receipt_mail.iter_attachments()).get_content())
    assert receipt.number in text and "BP-777" in text


def test_smtp_down_at_order_time_then_exactly_one_invoice_each(smtp, seller):
    """FLT-10: nothing lost, nothing duplicated."""
    smtp.stop()
    order = place_order().order
    services.order_placed(order)
    assert outbox_deliver_due().retrying == 2
    smtp.start()
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + timedelta(hours=1)
    assert outbox_deliver_due(now=later).sent == 2
    assert outbox_deliver_due(now=later + timedelta(days=1)).claimed == 0
    assert sorted(m["To"] for m in smtp.messages) == [
        "owner@kedai.example.my", "siti@example.my"]
