"""Rate cards say whether they are samples (issue 15): the cards Kedai
ships are, so the back office warns the owner until theirs is uploaded."""

from django.db import migrations, models

SAMPLE_VERSIONS = {"poslaju": "2009-sample", "skynet": "sample-structure"}


def mark(apps, schema_editor):
    RateCard = apps.get_model("shipping", "RateCard")
    for carrier, version in SAMPLE_VERSIONS.items():
        RateCard.objects.filter(carrier=carrier, version=version).update(
            is_sample=True)


class Migration(migrations.Migration):
    dependencies = [("shipping", "0004_carrier_token")]
    operations = [
        migrations.AddField(
            model_name="ratecard",
            name="is_sample",
            field=models.BooleanField(
                default=False,
                help_text="Illustrative prices shipped with Kedai, not the "
                          "carrier's card: upload yours.",
                verbose_name="sample"),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
