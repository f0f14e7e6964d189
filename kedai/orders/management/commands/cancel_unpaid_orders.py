"""``manage.py cancel_unpaid_orders``: release stock of orders not paid in time."""

from django.core.management.base import BaseCommand

from kedai.orders.services import order_cancel_unpaid_expired


class Command(BaseCommand):
    help = "Cancel unpaid orders past KEDAI_UNPAID_HOLD_HOURS (run every few minutes)."

    def handle(self, *args, **options):
        count = order_cancel_unpaid_expired()
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"Cancelled {count} unpaid order(s).")
