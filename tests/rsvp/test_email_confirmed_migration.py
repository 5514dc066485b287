"""The upgrade (rsvp 0006) counts as confirmed the addresses that went through the emailed
link before the field existed, and only those: their emails keep their details."""

import datetime as dt

from django.utils import timezone

from tests.migrations import migrate

BEFORE = [("events", "0007_seats_held"), ("rsvp", "0005_count_seats_held")]
AFTER = [("rsvp", "0006_email_confirmed_at")]


def test_the_upgrade_marks_the_addresses_confirmed_through_the_link(latest_schema_after):
    old = migrate(BEFORE)
    Group, Event = old.get_model("groups", "Group"), old.get_model("events", "Event")
    Registration = old.get_model("rsvp", "Registration")
    group = Group.objects.create(name="UIG", slug="uig", contact_email="g@example.org")
    start = timezone.now() + dt.timedelta(days=7)
    made = {}
    for n, confirming in enumerate([True, False]):
        event = Event.objects.create(
            group=group, slug=f"m{n}", title="AGM", start_date=start.date(),
            start_time=dt.time(19), end_date=start.date(), end_time=dt.time(21),
            time_zone="Europe/London", language="en", starts_at=start,
            ends_at=start + dt.timedelta(hours=2), confirmation_required=confirming,
        )  # fmt: skip
        for status, source in [("confirmed", "form"), ("waitlisted", "form"), ("held", "form"),
                               ("confirmed", "organiser"), ("cancelled", "form")]:  # fmt: skip
            made[(confirming, status, source)] = Registration.objects.create(
                event=event, name="P", email=f"{status}-{source}-{n}@example.org",
                status=status, source=source, token_hash=f"{len(made):064d}",
                confirmed_at=start if status == "confirmed" else None,
                waitlist_position=1 if status == "waitlisted" else None,
                hold_expires_at=start if status == "held" else None,
                cancelled_at=start if status == "cancelled" else None,
            ).pk  # fmt: skip

    new = migrate(AFTER)

    confirmed = set(
        new.get_model("rsvp", "Registration")
        .objects.filter(email_confirmed_at__isnull=False)
        .values_list("pk", flat=True)
    )
    assert confirmed == {made[(True, "confirmed", "form")], made[(True, "waitlisted", "form")]}
