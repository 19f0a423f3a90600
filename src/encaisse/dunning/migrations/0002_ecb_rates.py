"""Ship the ECB main refinancing rate history of DOMAIN-FR §4.1 (value dates, fractions)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

RATES = [
    (date(2016, 3, 16), "0.0000"),
    (date(2022, 7, 27), "0.0050"),
    (date(2022, 9, 14), "0.0125"),
    (date(2022, 11, 2), "0.0200"),
    (date(2022, 12, 21), "0.0250"),
    (date(2023, 2, 8), "0.0300"),
    (date(2023, 3, 22), "0.0350"),
    (date(2023, 5, 10), "0.0375"),
    (date(2023, 6, 21), "0.0400"),
    (date(2023, 8, 2), "0.0425"),
    (date(2023, 9, 20), "0.0450"),
    (date(2024, 6, 12), "0.0425"),
    (date(2024, 9, 18), "0.0365"),
    (date(2024, 10, 23), "0.0340"),
    (date(2024, 12, 18), "0.0315"),
    (date(2025, 2, 5), "0.0290"),
    (date(2025, 3, 12), "0.0265"),
    (date(2025, 4, 23), "0.0240"),
    (date(2025, 6, 11), "0.0215"),
]


def load(apps, schema_editor):
    EcbRate = apps.get_model("dunning", "EcbRate")
    for effective, rate in RATES:
        EcbRate.objects.update_or_create(effective=effective, defaults={"rate": Decimal(rate)})


def unload(apps, schema_editor):
    apps.get_model("dunning", "EcbRate").objects.filter(
        effective__in=[r[0] for r in RATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("dunning", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
