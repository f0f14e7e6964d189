"""A real SMTP server (aiosmtpd) that can be told to misbehave."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class ScriptedHandler:
    """Stores messages; refuses recipients or DATA as scripted."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_rcpt: dict[str, str] = {}   # address -> "550 ..." reply
        self.data_replies: list[str] = []       # popped per DATA before "250"
        self.data_delay = 0.0                    # seconds to stall in DATA
        self.data_started = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address,  # noqa: N802
                          rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.data_started.set()
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.data_replies:
            return self.data_replies.pop(0)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content,
                                                policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FaultySMTP:
    """aiosmtpd on a fixed port that can be stopped and started again."""

    def __init__(self):
        self.port = free_port()
        self.handler = ScriptedHandler()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> "FaultySMTP":
        self._controller = Controller(self.handler, hostname="127.0.0.1",
                                      port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def use_smtp(settings, port: int, *, timeout: int = 5) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.KEDAI_OUTBOX_SMTP_TIMEOUT = timeout
    settings.DEFAULT_FROM_EMAIL = "Kedai Nusantara <kedai@example.my>"


@pytest.fixture
def smtp(settings):
    """A running server; Django's SMTP backend points at it."""
    server = FaultySMTP().start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


@pytest.fixture
def smtp_down(settings):
    """A server that is not running yet (``.start()`` it mid-test)."""
    server = FaultySMTP()
    use_smtp(settings, server.port)
    yield server
    server.stop()
