"""/office/mailbox/: each message as the customer sees it, and its PDFs."""

from __future__ import annotations

import io

import pytest
from django.core.mail import EmailMultiAlternatives
from pypdf import PdfReader

from kedai.notifications.mailbox import MailboxBackend
from kedai.notifications.models import MailboxMessage
from kedai.shipping.labels import LabelData, Party, thermal_labels_pdf

pytestmark = pytest.mark.django_db
LIST = "/office/mailbox/"
LINK = "https://shop.example/o/secret-order-token/"


def send(*, html: str = "", attachments=()) -> MailboxMessage:
    email = EmailMultiAlternatives(
        subject="Your invoice INV-2026-000001", body=f"Thank you. See {LINK}",
        from_email="shop@example.com", to=["ali@example.com"])
    email.secrets = (LINK,)
    if html:
        email.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    MailboxBackend().send_messages([email])
    return MailboxMessage.objects.latest("id")


def a_pdf() -> bytes:
    return thermal_labels_pdf([LabelData(sender=Party("Shop"),
                                         recipient=Party("Ali"),
                                         order_number="KD-2026-000001")])


def test_owner_only(client, staff):
    message = send()
    for url in (LIST, f"{LIST}{message.pk}/", f"{LIST}{message.pk}/message.html"):
        assert client.get(url).status_code == 302
        assert staff.get(url).status_code == 403


def test_list_and_message_show_text_with_live_links(owner):
    message = send(html="<p>Hi</p>")
    page = owner.get(LIST).content.decode()
    assert "Your invoice INV-2026-000001" in page
    response = owner.get(f"{LIST}{message.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert LINK in page  # unsealed for the owner
    assert LINK not in message.body_text  # stored sealed
    assert f'sandbox="" src="{LIST}{message.pk}/message.html"' in page


def test_html_is_served_sandboxed(owner):
    message = send(html='<p style="color:red">Hi <a href="' + LINK + '">order</a>'
                        "</p><script>alert(1)</script>")
    response = owner.get(f"{LIST}{message.pk}/message.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert "script-src" not in csp and "frame-ancestors 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-store"
    assert LINK in response.content.decode()


def test_message_without_html_has_no_frame(owner):
    message = send()
    assert "<iframe" not in owner.get(f"{LIST}{message.pk}/").content.decode()
    assert owner.get(f"{LIST}{message.pk}/message.html").status_code == 404


def test_pdf_attachments_open(owner):
    pdf = a_pdf()
    message = send(attachments=[("INV-2026-000001.pdf", pdf, "application/pdf"),
                                ("notes.html", b"<script>x</script>", "text/html")])
    page = owner.get(f"{LIST}{message.pk}/").content.decode()
    assert "INV-2026-000001.pdf" in page and "notes.html" in page
    response = owner.get(f"{LIST}{message.pk}/attachments/1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="INV-2026-000001.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == pdf
    assert "KD-2026-000001" in PdfReader(io.BytesIO(response.content)).pages[0] \
        .extract_text()
    # Anything else is a download, never rendered in the office's origin.
    other = owner.get(f"{LIST}{message.pk}/attachments/2/")
    assert other["Content-Type"] == "application/octet-stream"
    assert other["Content-Disposition"].startswith("attachment;")
    assert owner.get(f"{LIST}{message.pk}/attachments/3/").status_code == 404
    assert owner.get(f"{LIST}{message.pk}/attachments/0/").status_code == 404
