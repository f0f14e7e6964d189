"""Ask the gateways about payments still pending (cron, the demo's sweep)."""

from django.core.management.base import BaseCommand

from kedai.payments.callbacks import payments_requery_pending


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        changed = payments_requery_pending()
        if options["verbosity"]:
            self.stdout.write(f"{changed} payment(s) changed.")
