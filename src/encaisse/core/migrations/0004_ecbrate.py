"""Core takes over the ECB rate table from dunning (its 0003 renamed the table)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_company_logo_company_payment_methods_and_more"),
        ("dunning", "0003_ecbrate_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EcbRate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("effective", models.DateField(unique=True, verbose_name="from")),
                        (
                            "rate",
                            models.DecimalField(
                                decimal_places=4, max_digits=6, verbose_name="rate"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ECB refinancing rate",
                        "ordering": ["effective"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
