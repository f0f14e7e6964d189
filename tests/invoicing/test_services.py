"""Entry points: documents with gap-free numbers and their outbox rows."""

from decimal import Decimal

import pytest
from django.db import transaction

from kedai.core.money import Money
from kedai.invoicing import services
from kedai.invoicing.exceptions import DocumentImmutable, InvoicingError
from kedai.invoicing.models import Document, DocumentKind
from kedai.invoicing.pdf import render_pdf
from kedai.notifications.models import Message, MessageStatus
from kedai.notifications.rendering import message_render
from tests.invoicing.conftest import pdf_text, place_order

pytestmark = pytest.mark.django_db


def test_order_placed_issues_invoice_and_queues_customer_and_owner_mail(placed):
    order = placed.order
    invoice = services.order_placed(order)

    assert invoice.kind == DocumentKind.INVOICE
    assert invoice.number.startswith("INV-") and invoice.number.endswith("-000001")
    assert invoice.amount == order.total == Decimal("67.90")
    messages = {m.kind: m for m in Message.objects.all()}
    assert set(messages) == {"invoice:customer", "invoice:owner"}
    assert messages["invoice:customer"].to_email == "siti@example.my"
    assert messages["invoice:owner"].to_email == "owner@kedai.example.my"
    assert messages["invoice:customer"].attachments == [
        {"filename": f"{invoice.number}.pdf", "mimetype": "application/pdf",
         "source": "invoicing.document", "key": invoice.number}]
    # The text is made when the message is sent, outside the order's
    # transaction.
    customer, owner = (message_render(messages["invoice:customer"]),
                       message_render(messages["invoice:owner"]))
    assert customer.subject == (f"Invoice {invoice.number} for your order "
                                f"{order.number}")
    assert owner.subject.startswith(f"New order {order.number}: RM67.90")
    assert "KOPI-1" in customer.body_text and "RM67.90" in customer.body_text
    assert "<td" in customer.body_html


def test_snapshot_holds_everything_printed(placed, seller):
    data = services.order_placed(placed.order).data
    assert data["seller"]["legal_name"] == "Kedai Nusantara Sdn. Bhd."
    assert data["seller"]["sst_number"] == "W10-1808-32000123"
    assert data["buyer"]["name"] == "Siti Aminah"
    assert [(x["sku"], x["quantity"], x["total"]) for x in data["lines"]] == [
        ("KOPI-1", 2, "44.00"), ("KUIH-1", 1, "15.90")]
    assert data["tax_breakdown"] == [{"kind": "sales", "rate": "10",
                                      "label": "Sales tax 10%", "taxable": "40.00",
                                      "tax": "4.00"}]
    assert data["totals"] == {"subtotal": "59.90", "net": "55.90", "shipping": "8.00",
                              "tax": "4.00", "rounding": "0.00",
                              "total": "67.90", "tax_included": True}
    # The seller changing details later does not change an issued document.
    seller.legal_name = "Renamed Sdn. Bhd."
    seller.save()
    document = Document.objects.get()
    assert document.data["seller"]["legal_name"] == "Kedai Nusantara Sdn. Bhd."


def test_same_event_twice_issues_one_document_and_one_mail_per_recipient(placed):
    first = services.order_placed(placed.order)
    second = services.order_placed(placed.order)
    assert first.pk == second.pk
    assert Message.objects.count() == 2


def test_numbers_are_gap_free_per_series_even_after_a_rollback(db, seller):
    one = place_order(key="a").order
    two = place_order(key="b").order
    services.order_placed(one)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.order_placed(two)
        raise RuntimeError("the order's transaction failed")
    assert not Document.objects.filter(order=two).exists()
    assert not Message.objects.filter(reference=two.number).exists()
    again = services.order_placed(two)
    assert again.number.endswith("-000002")
    receipt = services.payment_captured(one, amount=Money("67.90"),
                                        method_label="FPX (Billplz)",
                                        reference="BP-123")
    assert receipt.number.startswith("RCT-") and receipt.number.endswith("-000001")


def test_issued_document_cannot_change(placed):
    invoice = services.order_placed(placed.order)
    invoice.amount = Decimal("1.00")
    with pytest.raises(DocumentImmutable):
        invoice.save()
    with pytest.raises(DocumentImmutable):
        invoice.delete()


def test_payment_captured_issues_receipt_once_per_reference(placed):
    invoice = services.order_placed(placed.order)
    receipt = services.payment_captured(placed.order, amount=Money("67.90"),
                                        method_label="FPX (Billplz)",
                                        reference="BP-123")
    again = services.payment_captured(placed.order, amount=Money("67.90"),
                                      method_label="FPX (Billplz)",
                                      reference="BP-123")
    assert receipt.pk == again.pk
    assert receipt.data["payment"] == {"amount": "67.90",
                                       "method_label": "FPX (Billplz)",
                                       "reference": "BP-123"}
    assert receipt.data["invoice_number"] == invoice.number
    assert sorted(Message.objects.filter(kind__startswith="receipt")
                  .values_list("to_email", flat=True)) == [
        "owner@kedai.example.my", "siti@example.my"]
    text = pdf_text(render_pdf(receipt.data).content)
    assert "BP-123" in text and "FPX (Billplz)" in text and "RM67.90" in text


def test_payment_in_another_currency_is_refused(placed):
    with pytest.raises(InvoicingError):
        services.payment_captured(placed.order, amount=Money("10.00", "USD"),
                                  method_label="Card", reference="x")


def test_order_shipped_sends_tracking_links(placed):
    notice = services.order_shipped(placed.order, shipments=[
        ("Pos Laju", "EP123456789MY", "https://track.example/EP123456789MY")])
    message = message_render(Message.objects.get(kind="shipping_notice:customer"))
    assert notice.number.startswith("SHP-")
    assert "https://track.example/EP123456789MY" in message.body_text
    assert 'href="https://track.example/EP123456789MY"' in message.body_html
    assert "EP123456789MY" in pdf_text(render_pdf(notice.data).content)


def test_order_cancelled_notifies_buyer_and_owner(placed):
    notice = services.order_cancelled(placed.order, reason="Not paid within 48 hours")
    assert notice.number.startswith("CXL-")
    assert Message.objects.filter(kind__startswith="cancellation_notice").count() == 2
    assert "Not paid within 48 hours" in pdf_text(render_pdf(notice.data).content)


def test_each_refund_issues_a_credit_note_against_the_invoice(placed):
    invoice = services.order_placed(placed.order)
    first = services.order_refunded(placed.order, amount=Money("10.00"),
                                    reason="Damaged kuih")
    second = services.order_refunded(placed.order, amount=Money("10.00"),
                                     reason="Damaged kuih")
    assert (first.number[-6:], second.number[-6:]) == ("000001", "000002")
    assert first.number.startswith("CN-") and first.invoice_id == invoice.pk
    text = pdf_text(render_pdf(first.data).content)
    assert first.number in text and "RM10.00" in text and invoice.number in text
    assert Message.objects.filter(kind="credit_note:customer").count() == 2


def test_bad_customer_email_is_visible_and_the_order_unaffected(db, seller):
    """The address is stored as given; the message fails with a reason."""
    placed = place_order(email="siti@@example")
    services.order_placed(placed.order)
    customer = Message.objects.get(kind="invoice:customer")
    assert customer.status == MessageStatus.FAILED
    assert "Not a valid email address" in customer.last_error
    assert Message.objects.get(kind="invoice:owner").status == MessageStatus.PENDING


def test_without_owner_address_the_notice_waits_visibly(db, settings):
    settings.KEDAI_OWNER_EMAIL = ""
    services.order_placed(place_order().order)
    owner = Message.objects.get(kind="invoice:owner")
    assert owner.status == MessageStatus.FAILED
    assert owner.last_error == "No recipient address."
