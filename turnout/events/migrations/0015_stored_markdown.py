"""Store the rendering of the Event's Markdown beside it (turnout.core.rendered)."""

from django.db import migrations

from turnout.core.rendered import add_stored_markdown


class Migration(migrations.Migration):
    dependencies = [("events", "0014_federation_id")]

    operations = add_stored_markdown("events", "Event", "description")
