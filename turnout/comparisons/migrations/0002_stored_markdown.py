"""Store the rendering of the Comparison's Markdown beside it (turnout.core.rendered)."""

from django.db import migrations

from turnout.core.rendered import add_stored_markdown


class Migration(migrations.Migration):
    dependencies = [("comparisons", "0001_initial")]

    operations = add_stored_markdown("comparisons", "Comparison", "introduction")
