"""The cart-link email goes through a real SMTP server."""

import pytest
from django.core.mail import get_connection

from kedai.cart import services
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db


def test_cart_link_email_reaches_a_real_smtp_server(settings,
                                                    django_capture_on_commit_callbacks):
    """Queued after commit, sent by Django's SMTP backend, readable MIME."""
    with SMTPServer() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.DEFAULT_FROM_EMAIL = "Kedai Nusantara <kedai@example.my>"
        cart, token = services.cart_create()
        url = f"https://shop.example.my/s/{token}/cart/"
        with django_capture_on_commit_callbacks(execute=True):
            services.cart_email_link(cart=cart, email="nur.aisyah@example.my",
                                     url=url)
        get_connection().close()

    assert smtp.inbox.envelopes == [("kedai@example.my", ["nur.aisyah@example.my"])]
    message = smtp.inbox.messages[0]
    assert message["Subject"] == "Your cart link"
    assert message["To"] == "nur.aisyah@example.my"
    body = message.get_content()
    assert url in body
    assert "keep it to yourself" in body
