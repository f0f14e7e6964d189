"""A demo email backend that keeps mail in the database.

Used when no ``EMAIL_URL`` is configured: the owner reads the shop's mail
in the back office (Notifications → Demo mailbox) instead of it being
printed to a console nobody watches. Select it with
``EMAIL_BACKEND = "kedai.notifications.mailbox.MailboxBackend"``.
"""

from collections.abc import Sequence

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from kedai.notifications.models import MailboxMessage


class MailboxBackend(BaseEmailBackend):
    """Store each message as a MailboxMessage row; never touches the network."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        count = 0
        for email in email_messages:
            html = ""
            if isinstance(email, EmailMultiAlternatives):
                html = next((str(content) for content, mimetype in email.alternatives
                             if mimetype == "text/html"), "")
            names = [a[0] if isinstance(a, tuple) else (a.get_filename() or "")
                     for a in email.attachments]
            raw = email.message()
            MailboxMessage.objects.create(
                from_email=email.from_email,
                to=", ".join(email.recipients()),
                subject=str(email.subject)[:255],
                message_id=str(raw["Message-ID"] or "")[:255],
                body_text=str(email.body), body_html=html,
                attachment_names=names, raw=raw.as_bytes(),
            )
            count += 1
        return count
