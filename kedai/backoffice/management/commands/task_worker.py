"""``manage.py task_worker``: django-tasks-db's ``db_worker`` with a
heartbeat, that outlives a busy or unreachable database.

Same options as ``db_worker``. While it runs, a thread records a heartbeat
every KEDAI_WORKER_HEARTBEAT_INTERVAL seconds in the shared cache;
``/readyz`` reports the shop not ready when no worker has beaten for
KEDAI_READY_HEARTBEAT_SECONDS. On PostgreSQL several workers take tasks
with ``SELECT … FOR UPDATE SKIP LOCKED``, so each task runs once.

``db_worker`` exits on the first "database is locked" it meets outside
its task query (taking the write lock, recording a result), and a shop
without its worker silently stops sending mail. This command runs the
same worker and, when the database is busy or gone, logs it, waits with
exponential backoff (1 s doubling to 60 s) and starts the loop again.
Ctrl-C and SIGTERM stop it as they stop ``db_worker``.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kedai.core.busy import is_database_busy
from kedai.core.health import heartbeat_write

logger = logging.getLogger(__name__)

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0
# A loop that ran this long was healthy: the next failure starts at 1 s.
HEALTHY_RUN_SECONDS = 120.0


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
    help = ("Run the background task worker, with a heartbeat for /readyz; a "
            "busy or unreachable database is waited out with backoff.")

    def handle(self, *args, **options):
        stop = threading.Event()
        threading.Thread(target=_beat, args=(stop,), daemon=True,
                         name="heartbeat").start()
        try:
            return self._run(*args, **options)
        finally:
            stop.set()

    def _run(self, *args, **options):
        backoff = FIRST_BACKOFF_SECONDS
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                    backoff = FIRST_BACKOFF_SECONDS
                kind = "busy" if is_database_busy(exc) else "unavailable"
                logger.warning("database %s (%s); worker retries in %.0f s",
                               kind, exc, backoff)
            # A connection that failed may be unusable: start afresh.
            connections.close_all()
            time.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
