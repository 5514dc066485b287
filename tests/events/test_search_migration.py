"""The upgrade (groups 0011, events 0012) fills the search columns of every existing group
and meeting, so "/" finds them by their words from the first day."""

import datetime as dt

from django.utils import timezone

from tests.migrations import migrate

BEFORE = [("groups", "0010_user_language"), ("events", "0011_approval_required")]
AFTER = [("groups", "0011_browse_search"), ("events", "0012_browse_search")]


def test_the_upgrade_fills_the_search_columns(latest_schema_after):
    old = migrate(BEFORE)
    Group, Event = old.get_model("groups", "Group"), old.get_model("events", "Event")
    group = Group.objects.create(name="Спілка КИЯН", slug="kyiv", contact_email="g@example.org")
    start = timezone.now() + dt.timedelta(days=7)
    Event.objects.create(
        group=group, slug="agm", title="Solidarity AGM", tagline="حقّك في السكن",
        start_date=start.date(), start_time=dt.time(19), end_date=start.date(),
        end_time=dt.time(21), time_zone="Europe/London", language="en", starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )  # fmt: skip

    new = migrate(AFTER)

    assert new.get_model("groups", "Group").objects.get().search_name == " спілка киян"
    event = new.get_model("events", "Event").objects.get()
    assert event.search_text == " solidarity agm حقك في السكن"
