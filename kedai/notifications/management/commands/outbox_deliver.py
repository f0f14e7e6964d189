"""Deliver every due outbox message (cron, the demo's sweep)."""

from django.core.management.base import BaseCommand

from kedai.notifications.delivery import outbox_deliver_due


class Command(BaseCommand):
    help = "Send due outbox messages; safe to run in several processes at once."

    def handle(self, *args, **options) -> None:
        report = outbox_deliver_due()
        if report.claimed and options["verbosity"] >= 1:
            self.stdout.write(f"sent {report.sent}, retrying {report.retrying}, "
                              f"failed {report.failed}")
