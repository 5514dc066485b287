"""Every event gets its federation id, a UUID of its own that never changes (three steps,
so that existing rows get different ones)."""

import uuid

from django.db import migrations, models


def give_each_its_own(apps, schema_editor):
    model = apps.get_model("events", "Event")
    for pk in model.objects.filter(federation_id__isnull=True).values_list("pk", flat=True):
        model.objects.filter(pk=pk).update(federation_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("events", "0013_picture")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="federation_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_its_own, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="federation_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
