"""The demo mailbox backend and the outbox's back-office page."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from kedai.notifications.attachments import Attachment, attachment_source_register
from kedai.notifications.models import MailboxMessage, Message, MessageStatus
from kedai.notifications.rendering import REDACTED, Rendered, renderer_register
from kedai.notifications.services import message_queue

pytestmark = pytest.mark.django_db

attachment_source_register(source="tests.mailbox", loader=lambda key: b"%PDF-1.4")


def test_without_smtp_the_demo_mailbox_keeps_the_mail(settings):
    settings.EMAIL_BACKEND = "kedai.notifications.mailbox.MailboxBackend"
    message_queue(kind="test", to="siti@example.my", subject="Invois INV-1",
                  body_text="Terima kasih.", body_html="<p>Terima kasih.</p>",
                  attachments=[Attachment("INV-1.pdf", "application/pdf",
                                          "tests.mailbox", "1")])
    call_command("outbox_deliver")
    [mail] = MailboxMessage.objects.all()
    assert (mail.to, mail.subject) == ("siti@example.my", "Invois INV-1")
    assert mail.body_html == "<p>Terima kasih.</p>"
    assert mail.attachment_names == ["INV-1.pdf"]
    assert b"Terima kasih." in bytes(mail.raw)
    assert Message.objects.get().status == MessageStatus.SENT


def test_owner_corrects_the_address_of_a_failed_message_in_the_admin(client):
    client.force_login(User.objects.create_superuser("owner", "o@example.my", "pw"))
    message = message_queue(kind="test", to="siti@example", subject="Invois",
                            body_text="Terima kasih.")
    url = reverse("admin:notifications_message_change", args=[message.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Not a valid email address" in page.content.decode()
    response = client.post(url, {"to_email": "siti@example.my",
                                 "delivery_attempts-TOTAL_FORMS": "0",
                                 "delivery_attempts-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.to_email == "siti@example.my" and message.last_error == ""
    mailbox = client.get(reverse("admin:notifications_mailboxmessage_changelist"))
    assert mailbox.status_code == 200


def _link_mail(args):
    url = f"https://shop.example.my/s/{args['token']}/cart/"
    return Rendered(subject="Your cart link", body_text=f"Open {url} to continue.",
                    body_html=f'<a href="{url}">Open</a>', secrets=(url,))


renderer_register(source="tests.link", renderer=_link_mail)


def test_live_links_are_stored_neither_in_the_outbox_nor_in_the_mailbox(
        settings, client):
    """The outbox keeps the sent text with the link redacted; the demo
    mailbox keeps it sealed and opens it only on the owner's page."""
    settings.EMAIL_BACKEND = "kedai.notifications.mailbox.MailboxBackend"
    token = "T" * 32
    message_queue(kind="test", to="siti@example.my", subject="Cart link",
                  render_source="tests.link", render_args={"token": token})
    call_command("outbox_deliver")

    sent = Message.objects.get()
    assert sent.status == MessageStatus.SENT
    assert sent.subject == "Your cart link"
    assert token not in sent.body_text + sent.body_html
    assert REDACTED in sent.body_text
    [mail] = MailboxMessage.objects.all()
    assert token not in mail.body_text + mail.body_html
    assert token.encode() not in bytes(mail.raw)
    client.force_login(User.objects.create_superuser("owner", "o@example.my", "pw"))
    page = client.get(reverse("admin:notifications_mailboxmessage_change",
                              args=[mail.pk]))
    assert f"https://shop.example.my/s/{token}/cart/" in page.content.decode()
