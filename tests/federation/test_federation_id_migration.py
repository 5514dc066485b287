"""The upgrade (groups 0015, events 0014) gives every existing group and meeting a
federation id of its own: distinct, so that no two share an ActivityPub identity."""

import datetime as dt

from django.utils import timezone

from tests.migrations import migrate

BEFORE = [("groups", "0014_organiser_notifications"), ("events", "0013_picture")]
AFTER = [("groups", "0015_federation_id"), ("events", "0014_federation_id")]


def test_the_upgrade_gives_each_group_and_meeting_its_own_federation_id(latest_schema_after):
    old = migrate(BEFORE)
    Group, Event = old.get_model("groups", "Group"), old.get_model("events", "Event")
    start = timezone.now() + dt.timedelta(days=7)
    for n in range(2):
        group = Group.objects.create(name=f"G{n}", slug=f"g{n}", contact_email="g@example.org")
        for m in range(2):
            Event.objects.create(
                group=group, slug=f"m{m}", title="Meeting", start_date=start.date(),
                start_time=dt.time(19), end_date=start.date(), end_time=dt.time(21),
                time_zone="Europe/London", language="en", starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
            )  # fmt: skip

    new = migrate(AFTER)

    groups = new.get_model("groups", "Group").objects.values_list("federation_id", flat=True)
    events = new.get_model("events", "Event").objects.values_list("federation_id", flat=True)
    assert None not in {*groups, *events}
    assert len(set(groups)) == 2 and len(set(events)) == 4
