"""Plain factories for tests: each makes exactly what it says, through the services."""

import datetime as dt
import itertools

from django.utils import timezone

from turnout.events import services as events
from turnout.events.models import Event
from turnout.groups import services as groups
from turnout.groups.models import Group, User, Venue

PASSWORD = "correct horse battery staple"
_n = itertools.count(1)


def make_user(*, email: str | None = None, name: str = "Olena Organiser", verified=True) -> User:
    user = User.objects.create_user(
        email=email or f"user{next(_n)}@example.org", name=name, password=PASSWORD
    )
    if verified:
        groups.verify_email(user=user)
    return user


def make_group(*, owner: User | None = None, **fields) -> Group:
    n = next(_n)
    fields.setdefault("name", f"Group {n}")
    fields.setdefault("slug", f"group-{n}")
    fields.setdefault("contact_email", f"group{n}@example.org")
    fields.setdefault("time_zone", "Europe/London")
    return groups.create_group(owner=owner or make_user(), **fields)


def make_venue(*, group: Group, **fields) -> Venue:
    fields.setdefault("name", "Community Centre")
    fields.setdefault("address_line1", "62 Marchmont St")
    fields.setdefault("city", "London")
    fields.setdefault("postcode", "WC1N 1AB")
    return groups.create_venue(group=group, **fields)


def make_event(*, group: Group, published: bool = True, days_ahead: int = 7, **fields) -> Event:
    """A two-hour evening meeting ``days_ahead`` days from today in the group's zone."""
    fields.setdefault("title", f"Meeting {next(_n)}")
    fields.setdefault("start_date", timezone.localdate() + dt.timedelta(days=days_ahead))
    fields.setdefault("start_time", dt.time(19, 0))
    fields.setdefault("end_time", dt.time(21, 0))
    if "venue" not in fields and not fields.get("online_url"):
        fields["venue"] = make_venue(group=group)
    event = events.create_event(group=group, **fields)
    if published:
        events.publish_event(event=event)
    return event
