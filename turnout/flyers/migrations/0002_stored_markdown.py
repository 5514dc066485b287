"""Store the rendering of the Statement's Markdown beside it (turnout.core.rendered)."""

from django.db import migrations

from turnout.core.rendered import add_stored_markdown


class Migration(migrations.Migration):
    dependencies = [("flyers", "0001_blocks")]

    operations = add_stored_markdown("flyers", "Statement", "body")
