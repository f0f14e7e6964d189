"""A demo email backend that keeps mail in the database.

Used when no ``EMAIL_URL`` is configured: the owner reads the shop's mail
in the back office (Notifications → Demo mailbox) instead of it being
printed to a console nobody watches. Select it with
``EMAIL_BACKEND = "kedai.notifications.mailbox.MailboxBackend"``.

The mailbox stands in for the recipients' inboxes, so its links must
work, yet it is a table of the shop's database, and a leaked database or
backup must open no cart, order or account. The live links of an outbox
message are therefore stored *sealed* (``[[sealed1.…]]``, see
kedai.notifications.sealing) and opened only when the back office shows
the message (:func:`mailbox_unseal`).
"""

import re
from collections.abc import Sequence
from html import escape

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from kedai.notifications.exceptions import SealError
from kedai.notifications.models import MailboxMessage
from kedai.notifications.rendering import REDACTED
from kedai.notifications.sealing import seal, unseal

_SEALED = re.compile(r"\[\[(sealed1\.[A-Za-z0-9_.-]+)\]\]")


def _seal_secrets(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            marker = f"[[{seal(secret)}]]"
            text = text.replace(secret, marker).replace(escape(secret), marker)
    return text


def mailbox_unseal(text: str, *, html: bool = False) -> str:
    """``text`` with its sealed links opened (for display); a link sealed
    with a key no longer configured shows as removed."""
    def opened(match: re.Match[str]) -> str:
        try:
            link = unseal(match[1])
        except SealError:
            return REDACTED
        return escape(link) if html else link

    return _SEALED.sub(opened, text)


class MailboxBackend(BaseEmailBackend):
    """Store each message as a MailboxMessage row; never touches the network."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        count = 0
        for email in email_messages:
            secrets = tuple(getattr(email, "secrets", ()))
            html = ""
            if isinstance(email, EmailMultiAlternatives):
                html = next((str(content) for content, mimetype in email.alternatives
                             if mimetype == "text/html"), "")
            names = [a[0] if isinstance(a, tuple) else (a.get_filename() or "")
                     for a in email.attachments]
            body_text = _seal_secrets(str(email.body), secrets)
            body_html = _seal_secrets(html, secrets)
            kept = email
            if secrets:
                # The raw copy keeps no live link either: the same message
                # with the sealed text.
                kept = EmailMultiAlternatives(
                    subject=email.subject, body=body_text,
                    from_email=email.from_email, to=email.to,
                    headers=email.extra_headers, attachments=email.attachments)
                if body_html:
                    kept.attach_alternative(body_html, "text/html")
            raw = kept.message()
            MailboxMessage.objects.create(
                from_email=email.from_email,
                to=", ".join(email.recipients()),
                subject=str(email.subject)[:255],
                message_id=str(raw["Message-ID"] or "")[:255],
                body_text=body_text, body_html=body_html,
                attachment_names=names, raw=raw.as_bytes(),
            )
            count += 1
        return count
