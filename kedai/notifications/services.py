"""Writing to the outbox: queue a message, resend one.

``message_queue`` runs inside the caller's transaction: the row and the
wake-up of the delivery task commit (or roll back) with the event. Nothing
here talks to a mail server; ``kedai.notifications.delivery`` does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from kedai.notifications.attachments import Attachment
from kedai.notifications.models import Message, MessageStatus

logger = logging.getLogger(__name__)


# Outbound webhooks travel through the outbox too (docs/api.md): ``to_email``
# holds the URL, ``from_email`` "webhook:<endpoint id>", ``subject`` the event
# type and ``body_text`` the JSON body. KEDAI_WEBHOOK_SENDER posts them.
WEBHOOK_KIND = "webhook"


def address_problem(address: str) -> str:
    """Why ``address`` cannot receive mail, or "" when it looks deliverable."""
    if not address:
        return "No recipient address."
    if any(ch in address for ch in "\r\n,;<>"):
        return f"Not a single email address: {address!r}."
    try:
        validate_email(address)
    except ValidationError:
        return f"Not a valid email address: {address!r}."
    return ""


def _one_line(text: str) -> str:
    # A newline in a header is refused by Django (BadHeaderError) and would
    # otherwise allow header injection through a product or shop name.
    return " ".join(text.split())[:255]


def message_queue(*, kind: str, to: str, subject: str, body_text: str = "",
                  body_html: str = "", attachments: Iterable[Attachment] = (),
                  reference: str = "", dedupe_key: str | None = None,
                  from_email: str = "", render_source: str = "",
                  render_args: dict[str, Any] | None = None) -> Message:
    """Put one email to ``to`` in the outbox; return its row.

    The text is either given (``body_text``, ``body_html``) or, with
    ``render_source``, made by that source's renderer when the message is
    sent (kedai.notifications.rendering), in the language active now,
    from ``render_args``: JSON
    references, never a live link. ``subject`` is then provisional, for the
    outbox list, and replaced by the rendered one once sent.

    Must be called inside the transaction of the event that causes the
    message: the row commits with it and a delivery task is woken after
    commit. Never sends mail itself. With ``dedupe_key``, a second call
    for the same key returns the first message instead of a duplicate. A
    syntactically bad address does not raise: the message is stored as
    failed with the reason, so the owner sees it and can correct it.
    """
    to = to.strip()
    if dedupe_key:
        existing = Message.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    problem = address_problem(to)
    domain = settings.KEDAI_OUTBOX_MESSAGE_ID_DOMAIN or None
    message = Message(
        kind=kind, reference=reference[:60], dedupe_key=dedupe_key or None,
        to_email=to[:254], from_email=from_email, subject=_one_line(subject),
        body_text=body_text, body_html=body_html,
        # The language active now (the shopper's, in a storefront
        # request) is the one the text is rendered in when it is sent.
        render=({"source": render_source, "args": dict(render_args or {}),
                 "language": translation.get_language() or settings.LANGUAGE_CODE}
                if render_source else {}),
        attachments=[a.as_json() for a in attachments],
        message_id=make_msgid(domain=domain),
        status=MessageStatus.FAILED if problem else MessageStatus.PENDING,
        next_attempt_at=None if problem else timezone.now(),
        last_error=problem,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if dedupe_key:
            # Raced with another writer of the same event; theirs counts.
            return Message.objects.get(dedupe_key=dedupe_key)
        raise
    if problem:
        logger.warning("outbox: message %s not queued: %s", message.pk, problem)
    else:
        _wake_after_commit(message.pk)
    return message


def webhook_queue(*, url: str, endpoint: str, event: str, body: str,
                  reference: str = "", dedupe_key: str | None = None) -> Message:
    """Put one webhook POST in the outbox, like :func:`message_queue` an
    email: call it inside the event's transaction; delivered after commit,
    retried with backoff, every attempt recorded."""
    if dedupe_key:
        existing = Message.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    message = Message.objects.create(
        kind=WEBHOOK_KIND, reference=reference[:60], dedupe_key=dedupe_key or None,
        to_email=url[:254], from_email=endpoint, subject=_one_line(event),
        body_text=body, message_id=make_msgid(
            domain=settings.KEDAI_OUTBOX_MESSAGE_ID_DOMAIN or None),
        status=MessageStatus.PENDING, next_attempt_at=timezone.now())
    _wake_after_commit(message.pk)
    return message


def message_resend(*, message: Message, to: str | None = None) -> Message:
    """Send ``message`` again; return the row that will be delivered.

    A failed message is put back in the queue with a fresh attempt budget
    (its attempt history stays); ``to`` replaces a wrong address. A sent
    message gets a new copy (``resent_from``), so the history of the first
    delivery is kept. A message still pending or being sent is returned as
    it is: it will go out anyway. Joins the caller's transaction, if any
    (the admin's change form runs in one).
    """
    with transaction.atomic(savepoint=False):
        current = Message.objects.select_for_update().get(pk=message.pk)
        address = (to if to is not None else current.to_email).strip()
        problem = ("" if current.kind == WEBHOOK_KIND
                   else address_problem(address))
        if current.status == MessageStatus.FAILED:
            current.to_email = address
            current.last_error = problem
            if not problem:
                current.status = MessageStatus.PENDING
                current.attempts = 0
                current.next_attempt_at = timezone.now()
            current.save(update_fields=["to_email", "last_error", "status",
                                        "attempts", "next_attempt_at",
                                        "updated_at"])
            result = current
        elif current.status == MessageStatus.SENT:
            result = Message.objects.create(
                kind=current.kind, reference=current.reference, to_email=address,
                from_email=current.from_email, subject=current.subject,
                body_text=current.body_text, body_html=current.body_html,
                render=current.render, attachments=current.attachments,
                message_id=make_msgid(
                    domain=settings.KEDAI_OUTBOX_MESSAGE_ID_DOMAIN or None),
                status=MessageStatus.FAILED if problem else MessageStatus.PENDING,
                next_attempt_at=None if problem else timezone.now(),
                last_error=problem, resent_from=current,
            )
        else:
            return current
        if result.status == MessageStatus.PENDING:
            _wake_after_commit(result.pk)
    return result


def _wake_after_commit(message_id: int) -> None:
    transaction.on_commit(lambda: wake_delivery(message_id))


def wake_delivery(message_id: int, *, run_after=None) -> None:
    """Enqueue the delivery task for one message; never raises.

    The task is only a wake-up: if the queue is down or loses it, the
    periodic ``outbox_deliver_due`` still finds the row.
    """
    from kedai.notifications.tasks import deliver_message

    try:
        task = deliver_message
        if run_after is not None and task.get_backend().supports_defer:
            task = task.using(run_after=run_after)
        task.enqueue(message_id=message_id)
    except Exception:
        logger.exception("outbox: could not enqueue delivery of message %s; "
                         "the periodic sweep will send it", message_id)
