"""The cart-link email goes through the outbox to a real SMTP server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kedai.cart import services
from kedai.cart.models import Cart
from kedai.notifications.delivery import outbox_deliver_due
from kedai.notifications.models import Message, MessageStatus
from tests.notifications.conftest import FaultySMTP, use_smtp

pytestmark = pytest.mark.django_db


def test_a_cart_link_waits_in_the_outbox_while_the_mail_server_is_down(
        settings, django_capture_on_commit_callbacks):
    """Issue 13, defect 18: not lost, retried, then delivered with its link."""
    server = FaultySMTP()  # not started: the mail server is down
    use_smtp(settings, server.port)
    cart, token = services.cart_create()
    url = f"https://shop.example.my/s/{token}/cart/"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.cart_email_link(cart=cart, email="nur.aisyah@example.my",
                                     url=url, client="192.0.2.7")
        message = Message.objects.get()
        assert message.status == MessageStatus.PENDING and message.attempts == 1
        assert "unavailable" in message.last_error or "unreachable" in \
            message.last_error

        server.start()
        outbox_deliver_due(now=timezone.now() + timedelta(hours=1))
    finally:
        server.stop()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert server.handler.envelopes == [("kedai@example.my",
                                         ["nur.aisyah@example.my"])]
    mail = server.messages[0]
    assert mail["Subject"] == "Your cart link"
    body = mail.get_content()
    assert url in body
    assert "keep it to yourself" in body
    assert token not in message.body_text  # the kept copy has no live link


def test_a_cart_link_for_a_checked_out_cart_is_not_sent(mailoutbox):
    cart, token = services.cart_create()
    services.cart_email_link(cart=cart, email="siti@example.my",
                             url=f"https://shop.example.my/s/{token}/cart/",
                             client="192.0.2.7")
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.CHECKED_OUT)
    outbox_deliver_due()
    message = Message.objects.get()
    assert message.status == MessageStatus.FAILED and mailoutbox == []
    assert "checked out" in message.last_error
