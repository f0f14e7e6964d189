"""Sign-in link emails go through the outbox (issue 13, defect 18)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kedai.customers import services
from kedai.customers.models import Customer, SignInToken
from kedai.notifications.delivery import outbox_deliver_due
from kedai.notifications.models import Message, MessageStatus
from tests.notifications.conftest import FaultySMTP, use_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti():
    return Customer.objects.create(number="C-000001", email="siti@example.my",
                                   name="Siti Aminah")


def _send(**overrides):
    services.signin_link_send(**{
        "email": "siti@example.my", "client": "192.0.2.7",
        "build_url": lambda token: f"https://shop.example.my/sign-in/{token}/",
        **overrides})


def test_a_sign_in_link_waits_in_the_outbox_while_the_mail_server_is_down(
        settings, siti, django_capture_on_commit_callbacks):
    server = FaultySMTP()  # not started: the mail server is down
    use_smtp(settings, server.port)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _send()
        message = Message.objects.get()
        assert message.status == MessageStatus.PENDING and message.attempts == 1

        server.start()
        outbox_deliver_due(now=timezone.now() + timedelta(minutes=1))
    finally:
        server.stop()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    body = server.messages[0].get_content()
    link = next(line for line in body.splitlines() if "/sign-in/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert services.signin_link_use(token=token).customer == siti
    assert token not in message.body_text  # the kept copy has no live link


def test_a_used_sign_in_link_is_not_mailed_late(siti, mailoutbox):
    """A link used (or expired) before the mail went out is not sent."""
    _send()
    SignInToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    outbox_deliver_due()
    message = Message.objects.get()
    assert message.status == MessageStatus.FAILED and mailoutbox == []


def test_sign_in_links_are_limited_per_client(siti):
    """Issue 13, defect 12: one client asking for links for many addresses
    is stopped, whether or not they are customers'."""
    outcomes = []
    for n in range(20):
        try:
            _send(email=f"person{n}@example.my", client="198.51.100.1")
            outcomes.append(True)
        except services.CustomerError as exc:
            assert exc.code == "rate_limited"
            outcomes.append(False)
    assert outcomes.count(True) == services.LINKS_PER_CLIENT_PER_HOUR
    _send(client="203.0.113.50")  # another client is not affected
    assert Message.objects.count() == 1  # only siti is a customer
