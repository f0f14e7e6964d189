"""``manage.py purge_idempotency``: forget old Idempotency-Key answers."""

from django.core.management.base import BaseCommand

from kedai.api.idempotency import idempotency_purge


class Command(BaseCommand):
    help = ("Delete Idempotency-Key records older than "
            "KEDAI_IDEMPOTENCY_RETENTION_HOURS (run hourly; the scheduler does).")

    def handle(self, *args, **options):
        deleted = idempotency_purge()
        if options["verbosity"] > 1 or deleted:
            self.stdout.write(f"Deleted {deleted} idempotency record(s).")
