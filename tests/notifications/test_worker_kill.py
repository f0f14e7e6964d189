"""A delivery worker process killed with SIGKILL in the middle of a send."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from kedai.notifications.delivery import outbox_deliver_due
from kedai.notifications.models import AttemptOutcome, Message, MessageStatus
from kedai.notifications.services import message_queue

ROOT = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent("""
    import sys
    import django
    django.setup()
    from django.conf import settings
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(sys.argv[1])
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.KEDAI_OUTBOX_SMTP_TIMEOUT = 60
    from kedai.notifications.delivery import outbox_deliver_due
    outbox_deliver_due()
""")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_send_is_retried_once_after_the_lease(smtp, settings,
                                                                monkeypatch):
    """The claim outlives the process; after the lease one copy goes out."""
    monkeypatch.setattr("kedai.notifications.services.wake_delivery",
                        lambda *args, **kwargs: None)
    message = message_queue(kind="test", to="siti@example.my", subject="Invois",
                            body_text="Terima kasih.")
    # The server stalls in DATA and then refuses: the first try never lands.
    smtp.handler.data_delay = 3
    smtp.handler.data_replies = ["451 4.3.0 Connection dropped"]
    env = {**os.environ, "DATABASE_URL": _database_url(),
           "DJANGO_SETTINGS_MODULE": "kedai.conf.settings_test"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(smtp.port)],  # noqa: S603
                              cwd=ROOT, env=env)
    try:
        assert smtp.handler.data_started.wait(60), "the worker never sent DATA"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.attempts == 1
    # Another worker leaves it alone while the dead worker's lease holds.
    assert outbox_deliver_due().claimed == 0

    smtp.handler.data_delay, smtp.handler.data_replies = 0, []
    after_lease = timezone.now() + timedelta(
        seconds=settings.KEDAI_OUTBOX_LEASE_SECONDS + 1)
    assert outbox_deliver_due(now=after_lease).sent == 1

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert [a.outcome for a in message.delivery_attempts.all()] == [
        AttemptOutcome.ABANDONED, AttemptOutcome.SENT]
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id]
    # Known done: never sent again, however late another worker looks.
    assert outbox_deliver_due(now=after_lease + timedelta(days=7)).claimed == 0
    assert len(smtp.messages) == 1
    assert Message.objects.count() == 1
