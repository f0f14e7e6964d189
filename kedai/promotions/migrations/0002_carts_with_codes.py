"""Mark the carts that already hold codes (``Cart.has_codes``, which the
cart page reads instead of a cached list of each cart's codes)."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def mark(apps, schema_editor):
    Cart = apps.get_model("cart", "Cart")
    CartCode = apps.get_model("promotions", "CartCode")
    Cart.objects.filter(Exists(CartCode.objects.filter(cart=OuterRef("pk")))) \
        .update(has_codes=True)


class Migration(migrations.Migration):

    dependencies = [
        ("cart", "0002_has_codes"),
        ("promotions", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
