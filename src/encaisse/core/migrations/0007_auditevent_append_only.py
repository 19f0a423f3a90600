"""The audit trail becomes append-only: triggers refuse UPDATE and DELETE of its rows (issue 13).

A user named in the trail can no longer be deleted (deleting it would blank the actor, an
update): PROTECT instead of SET_NULL, which changes no column.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from encaisse.core import append_only


def forwards(apps, schema_editor):
    append_only.install(schema_editor.connection)


def backwards(apps, schema_editor):
    append_only.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
