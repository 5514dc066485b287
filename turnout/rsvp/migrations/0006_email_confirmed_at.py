"""``Registration.email_confirmed_at``: when the attendee confirmed the address.

Registrations made before it through the form of a meeting that asks for confirmation,
and now confirmed or on the waitlist proper, went through the emailed link: they count
as confirmed from when their place was (or, waitlisted, from when they registered).
"""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def mark_confirmed_addresses(apps, schema_editor):
    Registration = apps.get_model("rsvp", "Registration")
    Registration.objects.filter(
        source="form",
        event__confirmation_required=True,
        status__in=["confirmed", "waitlisted"],
    ).update(email_confirmed_at=Coalesce(F("confirmed_at"), F("created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("rsvp", "0005_count_seats_held"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="email_confirmed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_confirmed_addresses, migrations.RunPython.noop),
    ]
