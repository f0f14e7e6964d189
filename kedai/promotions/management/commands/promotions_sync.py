"""``manage.py promotions_sync``: campaign banners follow the campaigns.

Discounts need no job (they apply by their dates when an order is
priced); only the front page announcement is switched here.
"""

from django.core.management.base import BaseCommand

from kedai.promotions.office import campaign_banners_sync


class Command(BaseCommand):
    help = "Put up or take down campaign banners (run every minute)."

    def handle(self, *args, **options):
        count = campaign_banners_sync()
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"Front page announcement changed by {count} "
                              "campaign(s).")
