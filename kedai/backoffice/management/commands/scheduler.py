"""``manage.py scheduler``: the shop's periodic jobs in one process.

Runs each job of KEDAI_SCHEDULE (management command name → seconds between
runs) in turn, forever: the first round at start, then each job when its
interval has passed. A job that fails is logged and tried again at its next
turn; it never stops the others. Run exactly one scheduler per shop (every
job is also safe to run twice: they claim rows or are idempotent). The same
jobs may instead run from cron (docs/deploy.md). SIGTERM or Ctrl-C stops it
after the job in progress.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs (purges, unpaid orders, re-queries, outbox)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="Run every job once and exit.")

    def handle(self, *args, once: bool, **options) -> None:
        schedule: dict[str, int] = dict(settings.KEDAI_SCHEDULE)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        due = dict.fromkeys(schedule, 0.0)
        logger.info("Scheduler started: %s", schedule)
        while not stopping:
            for name, every in schedule.items():
                if stopping or time.monotonic() < due[name]:
                    continue
                self._run(name)
                due[name] = time.monotonic() + max(1, every)
            if once:
                return
            close_old_connections()
            # Sleep in short steps so a stop signal is honoured quickly.
            until = min(due.values())
            while not stopping and time.monotonic() < until:
                time.sleep(min(1.0, until - time.monotonic()))

    def _run(self, name: str) -> None:
        started = time.monotonic()
        try:
            call_command(name, verbosity=0)
        except Exception:
            logger.exception("Scheduled job %s failed", name)
        else:
            logger.info("Scheduled job %s done in %.2f s", name,
                        time.monotonic() - started)
        finally:
            close_old_connections()
