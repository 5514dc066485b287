from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0004_move_messages_to_core"),
    ]

    operations = [
        migrations.DeleteModel(name="Message"),
    ]
