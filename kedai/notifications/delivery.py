"""The delivery worker: claim due outbox messages, send them, record it.

Each message goes through three short steps, none holding a lock while
talking to the mail server:

1. **claim** (one transaction): pick due rows with ``SELECT … FOR UPDATE
   SKIP LOCKED`` on PostgreSQL, so concurrent workers take different rows,
   then flip them to ``sending`` with a conditional UPDATE that carries a
   fresh claim token and a lease. On SQLite the IMMEDIATE transaction mode
   serialises claimers and the same conditional UPDATE keeps them apart.
2. **send** over Django's email backend, outside any transaction.
3. **record** (one transaction): the attempt's outcome; ``sent``, or back
   to ``pending`` with exponential backoff, or ``failed`` for permanent
   refusals (SMTP 5xx, bad address) and exhausted attempts.

A worker killed between 1 and 3 leaves the row ``sending``; when its lease
expires another worker claims it again and the old attempt is marked
abandoned. A message recorded as sent is never claimed again. The window
between the server's "250 OK" and step 3 is the one place a duplicate can
happen (at-least-once); the Message-ID header stays the same so such a
copy is recognisable.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from kedai.notifications.attachments import attachment_load
from kedai.notifications.exceptions import MessageObsolete
from kedai.notifications.models import (
    AttemptOutcome,
    DeliveryAttempt,
    Message,
    MessageStatus,
)
from kedai.notifications.rendering import Rendered, message_render, redact

logger = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class DeliveryReport:
    """What one run of the worker did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


@dataclass(frozen=True)
class _Outcome:
    outcome: AttemptOutcome
    error: str = ""
    smtp_code: int | None = None
    connection_down: bool = False  # no point trying the rest of the batch
    rendered: Rendered | None = None  # the text sent (kept redacted)


class OutboxEmail(EmailMultiAlternatives):
    """An outbox message as Django sends it; ``secrets`` are the live links
    in its text, which a backend that keeps mail must not store."""

    secrets: tuple[str, ...] = ()


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: base × 2^(attempts−1), capped."""
    base = settings.KEDAI_OUTBOX_BACKOFF_SECONDS
    cap = settings.KEDAI_OUTBOX_BACKOFF_MAX_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def outbox_deliver_due(*, limit: int | None = None,
                       now: datetime | None = None) -> DeliveryReport:
    """Send every message that is due, in batches; return the counts.

    The periodic safety net (the demo's sweep, cron in production) and the
    bulk path of the worker: it needs no task wake-up, so messages whose
    wake-up was lost still go out. Safe to run in several processes at
    once; each message is claimed by one of them.
    """
    batch = limit or settings.KEDAI_OUTBOX_BATCH_SIZE
    total = DeliveryReport()
    while True:
        claimed = claim_due(limit=batch, now=now)
        if not claimed:
            return total
        report = _send_claimed(claimed)
        total = DeliveryReport(total.sent + report.sent,
                               total.retrying + report.retrying,
                               total.failed + report.failed)
        if limit is not None:
            return total


def message_deliver(*, message_id: int) -> DeliveryReport:
    """Send one message if it is due and nobody else holds it."""
    claimed = claim_due(limit=1, message_ids=[message_id])
    return _send_claimed(claimed) if claimed else DeliveryReport()


def _due(now: datetime) -> Q:
    return (Q(status=MessageStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=MessageStatus.SENDING, lease_until__lt=now))


def claim_due(*, limit: int, message_ids: list[int] | None = None,
              now: datetime | None = None) -> list[Message]:
    """Take up to ``limit`` due messages for this worker (committed claim)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic(durable=True):
        # A worker that died on the last allowed attempt: give up on it.
        _fail_exhausted_leases(now)
        candidates = Message.objects.filter(_due(now))
        if message_ids is not None:
            candidates = candidates.filter(pk__in=message_ids)
        ids = list(candidates.order_by("next_attempt_at", "id")
                   .select_for_update(skip_locked=True)
                   .values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        expired = list(Message.objects.filter(
            pk__in=ids, status=MessageStatus.SENDING).values_list("claim_token",
                                                                  flat=True))
        # Conditional: a row another worker claimed meanwhile no longer
        # matches _due() and is left alone.
        Message.objects.filter(_due(now), pk__in=ids).update(
            status=MessageStatus.SENDING, claim_token=token,
            lease_until=now + timedelta(seconds=settings.KEDAI_OUTBOX_LEASE_SECONDS),
            attempts=F("attempts") + 1, updated_at=now)
        if expired:
            DeliveryAttempt.objects.filter(
                claim_token__in=expired, outcome=AttemptOutcome.IN_PROGRESS,
            ).update(outcome=AttemptOutcome.ABANDONED, finished_at=now,
                     error="The worker stopped before recording the result; "
                           "the lease expired and the message was retried.")
        claimed = list(Message.objects.filter(claim_token=token,
                                              status=MessageStatus.SENDING))
        DeliveryAttempt.objects.bulk_create([
            DeliveryAttempt(message=m, claim_token=token, worker=WORKER,
                            started_at=now)
            for m in claimed
        ])
    return claimed


def _fail_exhausted_leases(now: datetime) -> None:
    stuck = Message.objects.filter(
        status=MessageStatus.SENDING, lease_until__lt=now,
        attempts__gte=settings.KEDAI_OUTBOX_MAX_ATTEMPTS)
    tokens = list(stuck.values_list("claim_token", flat=True))
    if not tokens:
        return
    error = "The worker stopped during the last allowed attempt."
    DeliveryAttempt.objects.filter(
        claim_token__in=tokens, outcome=AttemptOutcome.IN_PROGRESS,
    ).update(outcome=AttemptOutcome.ABANDONED, finished_at=now, error=error)
    stuck.update(status=MessageStatus.FAILED, lease_until=None, last_error=error,
                 updated_at=now)


def _send_claimed(messages: list[Message]) -> DeliveryReport:
    counts = {AttemptOutcome.SENT: 0, AttemptOutcome.RETRY: 0,
              AttemptOutcome.FAILED: 0}
    connection = get_connection(timeout=settings.KEDAI_OUTBOX_SMTP_TIMEOUT)
    down: _Outcome | None = None
    try:
        for message in messages:
            # After a connection failure the rest of the batch is not tried
            # (each would wait for the same timeout); they retry later.
            result = down or _send_one(connection, message)
            if result.connection_down:
                down = result
                _close_quietly(connection)
            final = _record(message, result)
            counts[final] += 1
    finally:
        _close_quietly(connection)
    return DeliveryReport(sent=counts[AttemptOutcome.SENT],
                          retrying=counts[AttemptOutcome.RETRY],
                          failed=counts[AttemptOutcome.FAILED])


def _send_one(connection: BaseEmailBackend, message: Message) -> _Outcome:
    if message.kind == "webhook":
        return _post_webhook(message)
    try:
        rendered = message_render(message)
        email = build_email(message, connection=connection, rendered=rendered)
    except MessageObsolete as exc:
        return _Outcome(AttemptOutcome.FAILED, f"Not sent: {exc}")
    except Exception as exc:  # an attachment that cannot be produced
        logger.exception("outbox: cannot build message %s", message.pk)
        return _Outcome(AttemptOutcome.RETRY, f"Could not build the message: {exc!r}")
    try:
        sent = connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        return _by_code(code, f"Recipient refused: {code} {_decode(text)}")
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
        _close_quietly(connection)
        return _Outcome(AttemptOutcome.RETRY, f"Mail server unavailable: {exc}",
                        connection_down=True)
    except smtplib.SMTPResponseException as exc:
        _close_quietly(connection)
        return _by_code(exc.smtp_code,
                        f"Refused by the mail server: {exc.smtp_code} "
                        f"{_decode(exc.smtp_error)}")
    except ValueError as exc:  # sanitize_address: not an address at all
        return _Outcome(AttemptOutcome.FAILED, f"Bad address: {exc}")
    except (TimeoutError, OSError) as exc:
        _close_quietly(connection)
        return _Outcome(AttemptOutcome.RETRY,
                        f"Mail server unreachable: {type(exc).__name__}: {exc}",
                        connection_down=True)
    except Exception as exc:
        logger.exception("outbox: unexpected error sending message %s", message.pk)
        _close_quietly(connection)
        return _Outcome(AttemptOutcome.RETRY, f"{type(exc).__name__}: {exc}")
    if not sent:
        return _Outcome(AttemptOutcome.RETRY, "The email backend sent nothing.")
    return _Outcome(AttemptOutcome.SENT, rendered=rendered)


def _post_webhook(message: Message) -> _Outcome:
    """POST a webhook through KEDAI_WEBHOOK_SENDER (a callable taking the
    message and returning the HTTP status); any non-2xx answer or network
    error is retried with backoff. The status is kept in ``smtp_code``."""
    try:
        status = import_string(settings.KEDAI_WEBHOOK_SENDER)(message)
    except Exception as exc:
        return _Outcome(AttemptOutcome.RETRY, f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return _Outcome(AttemptOutcome.SENT, smtp_code=status)
    return _Outcome(AttemptOutcome.RETRY, f"The receiver answered HTTP {status}.",
                    smtp_code=status)


def _by_code(code: int, error: str) -> _Outcome:
    outcome = AttemptOutcome.FAILED if code >= 500 else AttemptOutcome.RETRY
    return _Outcome(outcome, error, smtp_code=code)


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def _close_quietly(connection: BaseEmailBackend) -> None:
    # The connection is being dropped anyway.
    with contextlib.suppress(Exception):
        connection.close()


def build_email(message: Message, *, connection: BaseEmailBackend | None = None,
                rendered: Rendered | None = None) -> OutboxEmail:
    """The Django email of an outbox row, text rendered (live links put
    in) and attachments loaded."""
    rendered = rendered or message_render(message)
    email = OutboxEmail(
        # One line: a newline in a header is refused (BadHeaderError).
        subject=" ".join(rendered.subject.split())[:255], body=rendered.body_text,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email], connection=connection,
        headers={"Message-ID": message.message_id,
                 "X-Kedai-Outbox-Id": str(message.pk)},
    )
    email.secrets = rendered.secrets
    if rendered.body_html:
        email.attach_alternative(rendered.body_html, "text/html")
    for item in message.attachments:
        email.attach(item["filename"],
                     attachment_load(source=item["source"], key=item["key"]),
                     item["mimetype"])
    return email


def _record(message: Message, result: _Outcome) -> AttemptOutcome:
    now = timezone.now()
    outcome = result.outcome
    with transaction.atomic(durable=True):
        mine = Message.objects.filter(pk=message.pk, claim_token=message.claim_token,
                                      status=MessageStatus.SENDING)
        if outcome == AttemptOutcome.SENT:
            # Even if the lease ran out meanwhile, the mail went out: record
            # it so nobody sends it again.
            kept = {}
            if message.render and result.rendered is not None:
                # The text as sent, for the owner's history, without the
                # live links (they open a cart, an order or an account).
                sent = result.rendered
                kept = {"subject": sent.subject[:255],
                        "body_text": redact(sent.body_text, sent.secrets),
                        "body_html": redact(sent.body_html, sent.secrets)}
            Message.objects.filter(pk=message.pk).exclude(
                status=MessageStatus.SENT).update(
                status=MessageStatus.SENT, sent_at=now, lease_until=None,
                claim_token="", last_error="", next_attempt_at=None,
                updated_at=now, **kept)
        elif (outcome == AttemptOutcome.RETRY
              and message.attempts < settings.KEDAI_OUTBOX_MAX_ATTEMPTS):
            next_at = now + backoff(message.attempts)
            mine.update(status=MessageStatus.PENDING, next_attempt_at=next_at,
                        lease_until=None, last_error=result.error, updated_at=now)
        else:
            if outcome == AttemptOutcome.RETRY:
                outcome = AttemptOutcome.FAILED
                result = _Outcome(outcome, f"Gave up after {message.attempts} "
                                  f"attempts. Last error: {result.error}",
                                  result.smtp_code)
            mine.update(status=MessageStatus.FAILED, lease_until=None,
                        next_attempt_at=None, last_error=result.error,
                        updated_at=now)
        DeliveryAttempt.objects.filter(
            message_id=message.pk, claim_token=message.claim_token,
        ).update(finished_at=now, outcome=outcome, error=result.error,
                 smtp_code=result.smtp_code)
    if outcome == AttemptOutcome.SENT:
        logger.info("outbox: sent message %s (%s)", message.pk, message.kind)
    elif outcome == AttemptOutcome.RETRY:
        logger.warning("outbox: message %s will be retried: %s", message.pk,
                       result.error)
        from kedai.notifications.services import wake_delivery

        wake_delivery(message.pk, run_after=now + backoff(message.attempts))
    else:
        logger.error("outbox: message %s failed: %s", message.pk, result.error)
    return outcome
