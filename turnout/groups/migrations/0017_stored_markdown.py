"""Store the rendering of the Group's Markdown beside it (turnout.core.rendered)."""

from django.db import migrations

from turnout.core.rendered import add_stored_markdown


class Migration(migrations.Migration):
    dependencies = [("groups", "0016_manually_approves_followers")]

    operations = add_stored_markdown("groups", "Group", "about")
