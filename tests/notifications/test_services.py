"""Writing to the outbox: same transaction as the event, never lost."""

import pytest
from django.db import transaction

from kedai.notifications.models import Message, MessageStatus
from kedai.notifications.services import message_queue, message_resend

pytestmark = pytest.mark.django_db


def queue(**overrides) -> Message:
    fields = {"kind": "test", "to": "siti@example.my", "subject": "Hello",
              "body_text": "Hi Siti", "reference": "KD-2026-000001"}
    return message_queue(**{**fields, **overrides})


def test_a_message_whose_transaction_rolls_back_never_exists():
    """The row and its wake-up go with the event's transaction."""
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the order failed after queuing its mail")
    assert Message.objects.count() == 0


def test_queued_message_is_pending_and_due_now():
    message = queue()
    assert message.status == MessageStatus.PENDING
    assert message.next_attempt_at is not None and message.attempts == 0
    assert message.message_id.startswith("<") and message.message_id.endswith(">")


def test_same_dedupe_key_gives_the_first_message():
    first = queue(dedupe_key="invoice:INV-1:customer")
    second = queue(dedupe_key="invoice:INV-1:customer", subject="Other")
    assert first.pk == second.pk and Message.objects.count() == 1


@pytest.mark.parametrize("address", ["siti@", "siti at example.my", "",
                                     "a@b.my\nBcc: x@evil.test",
                                     "one@example.my, two@example.my"])
def test_syntactically_bad_address_is_stored_as_failed_with_the_reason(address):
    """Not raised into the order's transaction; visible to the owner."""
    message = queue(to=address)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "address" in message.last_error


def test_subject_newlines_are_flattened():
    assert queue(subject="Invoice\r\nBcc: x@evil.test").subject == (
        "Invoice Bcc: x@evil.test")


def test_resend_of_failed_message_with_corrected_address_requeues_it():
    message = queue(to="siti@")
    again = message_resend(message=message, to="siti@example.my")
    assert again.pk == message.pk
    assert again.status == MessageStatus.PENDING and again.to_email == "siti@example.my"


def test_resend_of_sent_message_makes_a_new_copy():
    message = queue()
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT)
    copy = message_resend(message=message)
    assert copy.pk != message.pk and copy.resent_from_id == message.pk
    assert copy.status == MessageStatus.PENDING
    assert copy.message_id != message.message_id
