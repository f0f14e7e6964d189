"""``manage.py purge_checkouts``: delete abandoned checkouts and dead
sign-in links (both hold a shopper's personal data or access)."""

from django.core.management.base import BaseCommand

from kedai.checkout.services import checkout_purge_stale
from kedai.customers.services import sign_in_tokens_purge_expired


class Command(BaseCommand):
    help = ("Delete checkouts idle past KEDAI_CHECKOUT_TTL_DAYS and expired "
            "sign-in tokens (run daily, e.g. from cron).")

    def handle(self, *args, **options):
        checkouts = checkout_purge_stale()
        tokens = sign_in_tokens_purge_expired()
        if options["verbosity"] > 1 or checkouts or tokens:
            self.stdout.write(f"Deleted {checkouts} abandoned checkout(s) and "
                              f"{tokens} expired sign-in token(s).")
