"""The upgrade (events 0018) gives every existing meeting its public town, so "/?city="
finds them from the first day, and never the town of an address kept for attendees."""

import datetime as dt

from django.utils import timezone

from tests.migrations import migrate

BEFORE = [("events", "0017_listed_start_and_group_start")]
AFTER = [("events", "0018_public_city")]


def test_the_upgrade_fills_the_public_town(latest_schema_after):
    old = migrate(BEFORE)
    Group, Venue = old.get_model("groups", "Group"), old.get_model("groups", "Venue")
    Event = old.get_model("events", "Event")
    group = Group.objects.create(name="Спілка", slug="kyiv", contact_email="g@example.org")
    hall = Venue.objects.create(group=group, name="Hall", address_line1="1 Road", city="Київ")
    start = timezone.now() + dt.timedelta(days=7)
    for slug, venue, private in [
        ("open", hall, False),
        ("private", hall, True),
        ("online", None, False),
    ]:
        Event.objects.create(
            group=group, slug=slug, title=slug, start_date=start.date(), start_time=dt.time(19),
            end_date=start.date(), end_time=dt.time(21), time_zone="Europe/Kyiv", language="uk",
            starts_at=start, ends_at=start + dt.timedelta(hours=2), venue=venue,
            address_private=private, address_area="Центр" if private else "",
        )  # fmt: skip

    new = migrate(AFTER)

    towns = dict(new.get_model("events", "Event").objects.values_list("slug", "public_city"))
    assert towns == {"open": "Київ", "private": "", "online": ""}
