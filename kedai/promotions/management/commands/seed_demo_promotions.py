"""``manage.py seed_demo_promotions``: the demo shop's promotions.

Free delivery above RM150 in Peninsular Malaysia and above RM250 to East
Malaysia (what the demo's announcement promises), a running campaign
with the code SELAMAT10, and a paused "buy 2 get 1" on kuih to try out.
Adds nothing that is already there; run after ``seed_demo``.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kedai.catalog.models import Category
from kedai.promotions.models import (
    AutomaticDiscount,
    Campaign,
    FreeDeliveryThreshold,
    Voucher,
)
from kedai.shipping.zones import Zone

EAST = (Zone.SABAH, Zone.SARAWAK, Zone.LABUAN)


class Command(BaseCommand):
    help = "Add the demo shop's free-delivery thresholds, campaign and voucher."

    @transaction.atomic
    def handle(self, *args, **options):
        if not FreeDeliveryThreshold.objects.exists():
            FreeDeliveryThreshold.objects.create(zone=Zone.PENINSULAR,
                                                 min_subtotal=Decimal("150"))
            for zone in EAST:
                FreeDeliveryThreshold.objects.create(zone=zone,
                                                     min_subtotal=Decimal("250"))
        if not Campaign.objects.exists():
            now = timezone.now()
            sale = Campaign.objects.create(name="Year-end sale", starts_at=now,
                                           ends_at=now + timedelta(days=30))
            Voucher.objects.create(code="SELAMAT10", campaign=sale, kind="percent",
                                   value=Decimal("10"), min_spend=Decimal("100"),
                                   per_customer_limit=1)
            kuih = Category.objects.filter(slug="kuih-snacks").first()
            if kuih is not None:
                deal = AutomaticDiscount.objects.create(
                    name="Kuih: buy 2, get 1 free", kind="buy_x_get_y",
                    buy_quantity=2, get_quantity=1, scope="categories",
                    is_paused=True)
                deal.categories.add(kuih)
        if options["verbosity"]:
            self.stdout.write("Demo promotions ready: free delivery above RM150 "
                              "(Peninsular) and RM250 (East Malaysia), code "
                              "SELAMAT10.")
