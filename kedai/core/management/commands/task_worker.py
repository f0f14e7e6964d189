"""``manage.py task_worker``: django-tasks' ``db_worker`` plus a heartbeat.

Same options as ``db_worker``. While it runs, a thread records a heartbeat
every KEDAI_WORKER_HEARTBEAT_INTERVAL seconds in the shared cache; ``/readyz``
reports the shop not ready when no worker has beaten for
KEDAI_READY_HEARTBEAT_SECONDS. On PostgreSQL several workers take tasks
with ``SELECT … FOR UPDATE SKIP LOCKED``, so each task runs once.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kedai.core.health import heartbeat_write

logger = logging.getLogger(__name__)


def _beat(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            heartbeat_write()
        except Exception:  # a missed beat must not stop the worker
            logger.exception("Could not write the worker heartbeat")
        finally:
            close_old_connections()
        stop.wait(settings.KEDAI_WORKER_HEARTBEAT_INTERVAL)


class Command(DbWorkerCommand):
    help = "Run the background task worker, with a heartbeat for /readyz."

    def handle(self, *args, **options) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=_beat, args=(stop,), daemon=True,
                                  name="heartbeat")
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
