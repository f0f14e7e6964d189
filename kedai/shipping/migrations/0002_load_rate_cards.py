"""Load the sample Pos Laju and Skynet rate cards of kedai/shipping/data."""

from dataclasses import asdict

from django.db import migrations

# Frozen copy of the loader's rule (kedai.shipping.services.rate_cards_load):
# the Skynet card has illustrative prices only and is loaded switched off.
FILES = ("ratecard-poslaju-2009.csv", "ratecard-skynet-sample.csv")
INACTIVE = {"skynet"}


def load(apps, schema_editor):
    from kedai.shipping.ratecards import DATA_DIR, card_file_read

    RateCard = apps.get_model("shipping", "RateCard")
    RateBand = apps.get_model("shipping", "RateBand")
    for name in FILES:
        card_file = card_file_read(DATA_DIR / name)
        if RateCard.objects.filter(carrier=card_file.carrier,
                                   version=card_file.version).exists():
            continue
        card = RateCard.objects.create(
            carrier=card_file.carrier, version=card_file.version,
            source=card_file.source, effective_date=card_file.effective_date,
            is_active=card_file.carrier not in INACTIVE, created_by="migration",
            **asdict(card_file.terms))
        RateBand.objects.bulk_create([RateBand(card=card, **asdict(band))
                                      for band in card_file.bands])


def unload(apps, schema_editor):
    RateCard = apps.get_model("shipping", "RateCard")
    RateCard.objects.filter(created_by="migration").delete()


class Migration(migrations.Migration):
    dependencies = [("shipping", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
