"""A capture issues the charge receipt and a refund the credit note, in
the same transaction as the payment change."""

import pytest

from kedai.core.money import Money
from kedai.invoicing.models import Document, DocumentKind
from kedai.notifications.models import Message
from kedai.payments.exceptions import RefundError
from kedai.payments.refunds import payment_refund
from kedai.payments.services import payment_mark_received
from tests.payments.conftest import ALL_METHODS, place_order

pytestmark = pytest.mark.django_db


def test_receipt_once_on_capture_and_credit_notes_per_refund(settings):
    settings.KEDAI_PAYMENT_METHODS = ALL_METHODS
    settings.KEDAI_OWNER_EMAIL = "owner@kedai.example"
    order = place_order(method="bank_transfer").order
    payment = payment_mark_received(order=order, amount=Money("100.00"),
                                    reference="MBB-778899", actor="owner")
    receipt = Document.objects.get(kind=DocumentKind.RECEIPT)
    assert receipt.order == order and receipt.number.startswith("RCT-")
    assert "MBB-778899" in str(receipt.data) and "Bank transfer" in str(receipt.data)
    assert set(Message.objects.filter(dedupe_key__startswith=receipt.number)
               .values_list("to_email", flat=True)) == {"siti@example.my",
                                                        "owner@kedai.example"}

    payment_refund(payment=payment, amount=Money("30.00"), reason="Damaged jar",
                   actor="owner")
    with pytest.raises(RefundError):
        payment_refund(payment=payment, amount=Money("70.01"), reason="Too much",
                       actor="owner")
    payment_refund(payment=payment, amount=Money("70.00"), reason="Rest",
                   actor="owner")
    notes = list(Document.objects.filter(kind=DocumentKind.CREDIT_NOTE)
                 .order_by("number"))
    assert [n.amount for n in notes] == [Money("30.00").amount, Money("70.00").amount]
    assert Document.objects.filter(kind=DocumentKind.RECEIPT).count() == 1
