"""Fill ``Event.seats_held`` (added by events 0007) from the registrations held now."""

from django.db import migrations
from django.db.models import F, Sum


def count_seats_held(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("rsvp", "Registration")
    held = (
        Registration.objects.filter(status="held")
        .values("event_id")
        .annotate(seats=Sum(F("guests") + 1))
        .order_by()
    )
    for row in held:
        Event.objects.filter(pk=row["event_id"]).update(seats_held=row["seats"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_seats_held"),
        ("rsvp", "0004_reminders_privacy_change_notices"),
    ]

    operations = [migrations.RunPython(count_seats_held, migrations.RunPython.noop)]
