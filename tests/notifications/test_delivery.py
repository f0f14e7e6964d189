"""Delivery over a real SMTP server: retries, faults, exactly-once."""

import socket
import threading
from datetime import timedelta

import pytest
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.utils import timezone

from kedai.notifications.attachments import Attachment, attachment_source_register
from kedai.notifications.delivery import (
    backoff,
    claim_due,
    message_deliver,
    outbox_deliver_due,
)
from kedai.notifications.models import AttemptOutcome, Message, MessageStatus
from kedai.notifications.services import message_queue, message_resend
from tests.notifications.conftest import free_port, use_smtp

pytestmark = pytest.mark.django_db

attachment_source_register(source="tests.text",
                           loader=lambda key: f"attachment {key}".encode())


def queue(to="siti@example.my", **overrides) -> Message:
    fields = {"kind": "test", "to": to, "subject": "Invois INV-2026-000001",
              "body_text": "Terima kasih, Siti.",
              "body_html": "<p>Terima kasih, <b>Siti</b>.</p>"}
    return message_queue(**{**fields, **overrides})


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def test_message_arrives_with_text_html_and_attachment(smtp):
    message = queue(attachments=[Attachment("INV-1.txt", "text/plain",
                                            "tests.text", "INV-1")])

    report = outbox_deliver_due()

    assert report.sent == 1
    assert smtp.handler.envelopes == [("kedai@example.my", ["siti@example.my"])]
    received = smtp.messages[0]
    assert received["Subject"] == "Invois INV-2026-000001"
    assert received["Message-ID"] == message.message_id
    assert received.get_body(("plain",)).get_content().strip() == "Terima kasih, Siti."
    assert "<b>Siti</b>" in received.get_body(("html",)).get_content()
    [part] = list(received.iter_attachments())
    assert part.get_filename() == "INV-1.txt"
    assert part.get_content() == "attachment INV-1"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at
    assert [a.outcome for a in message.delivery_attempts.all()] == ["sent"]


def test_sent_message_is_never_sent_again(smtp):
    queue()
    outbox_deliver_due()
    outbox_deliver_due(now=later(10 ** 6))
    message_deliver(message_id=Message.objects.get().pk)
    assert len(smtp.messages) == 1


def test_wake_up_after_commit_delivers_through_the_task(
        smtp, django_capture_on_commit_callbacks):
    """The task (inline backend in tests) runs after the event commits."""
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    assert len(smtp.messages) == 1
    assert Message.objects.get().status == MessageStatus.SENT


def test_connection_refused_waits_and_goes_out_when_the_server_returns(smtp_down):
    """FLT-10: the server is down at order time and comes back later."""
    first, second = queue(), queue(to="owner@example.my")

    report = outbox_deliver_due()

    assert report.retrying == 2 and report.sent == 0
    first.refresh_from_db()
    assert first.status == MessageStatus.PENDING and first.attempts == 1
    assert "unreachable" in first.last_error or "unavailable" in first.last_error
    assert first.next_attempt_at >= later(backoff(1).total_seconds() - 5)
    # Not due yet: nothing is tried before the backoff has passed.
    assert outbox_deliver_due().claimed == 0

    smtp_down.start()
    report = outbox_deliver_due(now=later(backoff(1).total_seconds() + 1))

    assert report.sent == 2
    assert sorted(m["To"] for m in smtp_down.messages) == [
        "owner@example.my", "siti@example.my"]
    second.refresh_from_db()
    assert [a.outcome for a in second.delivery_attempts.all()] == ["retry", "sent"]


def test_server_stopped_and_restarted_mid_run(smtp):
    queue()
    outbox_deliver_due()
    smtp.stop()
    queue(to="ahmad@example.my")
    assert outbox_deliver_due().retrying == 1
    smtp.start()
    assert outbox_deliver_due(now=later(3600)).sent == 1
    assert [m["To"] for m in smtp.messages] == ["siti@example.my", "ahmad@example.my"]


def test_timeout_is_retried(settings):
    """A server that accepts the connection and never answers."""
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(8)
    try:
        use_smtp(settings, blackhole.getsockname()[1], timeout=1)
        message = queue()
        report = outbox_deliver_due()
    finally:
        blackhole.close()
    assert report.retrying == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert "timed out" in message.last_error.lower()


def test_temporary_rejection_is_retried_with_backoff_then_delivered_once(smtp):
    """FLT-11: 451 twice, then accepted."""
    smtp.handler.data_replies = ["451 4.3.0 Try again later"] * 2
    message = queue()
    assert outbox_deliver_due().retrying == 1
    assert outbox_deliver_due(now=later(backoff(1).total_seconds() + 1)).retrying == 1
    assert outbox_deliver_due(now=later(backoff(2).total_seconds() + 1)).sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 3
    assert [(a.outcome, a.smtp_code) for a in message.delivery_attempts.all()] == [
        ("retry", 451), ("retry", 451), ("sent", None)]
    assert len(smtp.messages) == 1


def test_rejected_recipient_fails_that_message_only(smtp):
    """FLT-11: 550 for one address; the others are delivered."""
    smtp.handler.refuse_rcpt["nobody@example.my"] = "550 5.1.1 No such user"
    bad, good = queue(to="nobody@example.my"), queue(to="siti@example.my")

    report = outbox_deliver_due()

    assert (report.sent, report.failed) == (1, 1)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == MessageStatus.FAILED and "550" in bad.last_error
    assert good.status == MessageStatus.SENT
    assert [m["To"] for m in smtp.messages] == ["siti@example.my"]
    # Failed is final: the worker leaves it alone until the owner resends.
    assert outbox_deliver_due(now=later(10 ** 6)).claimed == 0


def test_owner_corrects_a_bad_address_and_resends(smtp):
    message = queue(to="siti@example")  # no dot in the domain
    assert message.status == MessageStatus.FAILED
    assert outbox_deliver_due().claimed == 0
    message_resend(message=message, to="siti@example.my")
    assert outbox_deliver_due().sent == 1
    assert smtp.messages[0]["To"] == "siti@example.my"


def test_gives_up_after_max_attempts(smtp_down, settings):
    settings.KEDAI_OUTBOX_MAX_ATTEMPTS = 3
    message = queue()
    for _ in range(5):
        outbox_deliver_due(now=later(10 ** 6))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 3
    assert message.last_error.startswith("Gave up after 3 attempts")


def test_worker_killed_mid_send_is_retried_after_the_lease(smtp, settings):
    """A claimed-but-unfinished message waits for its lease, then goes once."""
    message = queue()
    # A worker claims it and dies before recording anything.
    [claimed] = claim_due(limit=10)
    assert claimed.pk == message.pk

    assert outbox_deliver_due().claimed == 0  # the lease still holds it
    assert smtp.messages == []

    report = outbox_deliver_due(now=later(settings.KEDAI_OUTBOX_LEASE_SECONDS + 1))

    assert report.sent == 1 and len(smtp.messages) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert [a.outcome for a in message.delivery_attempts.all()] == [
        AttemptOutcome.ABANDONED, AttemptOutcome.SENT]
    # Known done: expired leases or wake-ups never send it again.
    outbox_deliver_due(now=later(10 ** 6))
    assert len(smtp.messages) == 1


def test_send_finished_after_the_lease_expired_is_still_recorded_once(smtp, settings):
    """A slow worker whose lease ran out still marks its success."""
    settings.KEDAI_OUTBOX_LEASE_SECONDS = 0
    queue()
    assert outbox_deliver_due().sent == 1
    assert outbox_deliver_due(now=later(60)).claimed == 0
    assert len(smtp.messages) == 1


def test_unknown_attachment_source_is_retried_not_lost(smtp):
    message = queue(attachments=[Attachment("x.pdf", "application/pdf",
                                            "nowhere", "1")])
    assert outbox_deliver_due().retrying == 1
    message.refresh_from_db()
    assert "no attachment loader" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_message(smtp, vendor, monkeypatch):
    """Two workers on their own connections race for 60 messages.

    On PostgreSQL the claim uses SELECT … FOR UPDATE SKIP LOCKED; on SQLite
    the IMMEDIATE transaction mode serialises the claims. Each message must
    arrive exactly once.
    """
    # Wake-ups lost (queue down): only the two workers below send.
    monkeypatch.setattr("kedai.notifications.services.wake_delivery",
                        lambda *args, **kwargs: None)
    ids = {queue(to=f"buyer{i}@example.my").message_id for i in range(60)}
    barrier = threading.Barrier(2)
    claimed_by: dict[str, int] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            barrier.wait()
            while True:
                report = outbox_deliver_due(limit=3)
                claimed_by[name] = claimed_by.get(name, 0) + report.claimed
                if not report.claimed:
                    break
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            db_connection.close()
            get_connection().close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors
    received = [m["Message-ID"] for m in smtp.messages]
    assert len(received) == 60 and set(received) == ids
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 60
    assert all(m.delivery_attempts.count() == 1 for m in Message.objects.all())
    assert sum(claimed_by.values()) == 60
    if vendor == "postgresql":
        # Both really worked (SKIP LOCKED let them proceed side by side).
        assert claimed_by.get("a") and claimed_by.get("b")


def test_refused_port_is_a_temporary_failure(settings):
    use_smtp(settings, free_port())
    message = queue()
    assert outbox_deliver_due().retrying == 1
    message.refresh_from_db()
    assert "refused" in message.last_error.lower()
