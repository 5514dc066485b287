"""The upgrade (groups 0007, events 0006) keeps every existing group's and meeting's
current address, so they are protected from the first day."""

import datetime as dt

from django.utils import timezone

from tests.migrations import migrate

BEFORE = [
    ("groups", "0006_audit_entry_more_acts"),
    ("events", "0005_feeds_all_day_sequence_import"),
]
AFTER = [("groups", "0007_group_addresses"), ("events", "0006_event_addresses")]


def test_the_upgrade_keeps_every_current_address(latest_schema_after):
    old = migrate(BEFORE)
    Group, Event = old.get_model("groups", "Group"), old.get_model("events", "Event")
    groups = [
        Group.objects.create(name=slug, slug=slug, contact_email="g@example.org")
        for slug in ("uig", "tenants")
    ]
    start = timezone.now() + dt.timedelta(days=7)
    for group in groups:
        Event.objects.create(
            group=group, slug="agm", title="AGM", start_date=start.date(),
            start_time=dt.time(19), end_date=start.date(), end_time=dt.time(21),
            time_zone="Europe/London", language="en", starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )  # fmt: skip

    new = migrate(AFTER)

    GroupSlug, EventSlug = (
        new.get_model("groups", "GroupSlug"),
        new.get_model("events", "EventSlug"),
    )
    assert sorted(GroupSlug.objects.values_list("slug", "group__slug")) == [
        ("tenants", "tenants"),
        ("uig", "uig"),
    ]
    assert sorted(EventSlug.objects.values_list("group__slug", "slug", "event__slug")) == [
        ("tenants", "agm", "agm"),
        ("uig", "agm", "agm"),
    ]
