"""The ECB rate table moves to core (invoices print the rate, dunning claims with it): the
table is renamed and the model leaves dunning's state; core's 0004 takes it over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dunning", "0002_ecb_rates")]

    operations = [
        migrations.AlterModelTable(name="ecbrate", table="core_ecbrate"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EcbRate")], database_operations=[]
        ),
    ]
