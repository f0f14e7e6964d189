"""Queue today's low-stock digest to the owner (cron, the demo's sweep)."""

from django.core.management.base import BaseCommand

from kedai.reports.services import low_stock_digest_send


class Command(BaseCommand):
    help = ("Email the owner the variants at or below their low-stock threshold; "
            "at most once a day, from KEDAI_LOW_STOCK_DIGEST_HOUR (shop time).")

    def handle(self, *args, **options) -> None:
        outcome = low_stock_digest_send()
        if options["verbosity"] >= 1:
            count = f" ({outcome.count} variants)" if outcome.count else ""
            self.stdout.write(f"low-stock digest: {outcome.status}{count}")
