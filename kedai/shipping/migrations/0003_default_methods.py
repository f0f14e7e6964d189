"""A new shop ships out of the box: two flat rates and free delivery over
RM150, which the owner edits or switches off in the back office."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = (
    {"name": "Standard delivery", "kind": "flat", "zones": ["peninsular"],
     "eta": "2-4 working days", "charge": Decimal("8.00"), "position": 10},
    {"name": "Standard delivery (East Malaysia)", "kind": "flat",
     "zones": ["sabah", "sarawak", "labuan"], "eta": "4-7 working days",
     "charge": Decimal("15.00"), "position": 20},
    {"name": "Free delivery over RM150", "kind": "free_over",
     "zones": ["peninsular", "sabah", "sarawak", "labuan"],
     "eta": "3-7 working days", "charge": Decimal("15.00"),
     "free_over": Decimal("150.00"), "position": 30, "is_active": False},
)


def create(apps, schema_editor):
    ShippingMethod = apps.get_model("shipping", "ShippingMethod")
    if ShippingMethod.objects.exists():
        return
    for fields in DEFAULTS:
        ShippingMethod.objects.create(**fields)


class Migration(migrations.Migration):
    dependencies = [("shipping", "0002_load_rate_cards")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
