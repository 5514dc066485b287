"""The upgrade (events 0007, rsvp 0005) counts the seats held unconfirmed at that moment,
so that confirming or cancelling those holds afterwards keeps the counter right."""

import datetime as dt

from django.utils import timezone

from tests.migrations import migrate

BEFORE = [("events", "0006_event_addresses"), ("rsvp", "0004_reminders_privacy_change_notices")]
AFTER = [("events", "0007_seats_held"), ("rsvp", "0005_count_seats_held")]


def test_the_upgrade_counts_the_seats_held_now(latest_schema_after):
    old = migrate(BEFORE)
    Group, Event = old.get_model("groups", "Group"), old.get_model("events", "Event")
    Registration = old.get_model("rsvp", "Registration")
    group = Group.objects.create(name="UIG", slug="uig", contact_email="g@example.org")
    start = timezone.now() + dt.timedelta(days=7)
    agm = Event.objects.create(
        group=group, slug="agm", title="AGM", start_date=start.date(), start_time=dt.time(19),
        end_date=start.date(), end_time=dt.time(21), time_zone="Europe/London", language="en",
        starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=10, seats_taken=6,
    )  # fmt: skip
    expires = start - dt.timedelta(days=1)
    for n, (status, guests) in enumerate([("held", 2), ("held", 0), ("confirmed", 1)]):
        Registration.objects.create(
            event=agm, name=f"P{n}", email=f"p{n}@example.org", guests=guests, status=status,
            token_hash=f"{n:064d}", hold_expires_at=expires if status == "held" else None,
            confirmed_at=start if status == "confirmed" else None,
        )  # fmt: skip

    new = migrate(AFTER)

    event = new.get_model("events", "Event").objects.get(pk=agm.pk)
    assert (event.seats_taken, event.seats_held) == (6, 4)
