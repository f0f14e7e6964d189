"""``manage.py purge_carts``: delete carts idle past KEDAI_CART_TTL_DAYS."""

from django.core.management.base import BaseCommand

from kedai.cart.services import cart_purge_expired


class Command(BaseCommand):
    help = "Delete expired carts (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        count = cart_purge_expired()
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"Deleted {count} expired cart(s).")
