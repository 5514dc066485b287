"""The iCalendar feeds: a group's meetings, every group's, and one meeting.

A feed holds published and cancelled meetings (never drafts) starting at most
``WINDOW_DAYS`` days ago, soonest first, at most ``FEED_LIMIT`` of them: a calendar
that subscribes keeps what it already has, so nothing older is needed, and a bounded
feed stays cheap to build and to download.

Validators first, calendar second: ``validators()`` costs one aggregate query over the
feed's own meetings (count, latest change, sums of SEQUENCEs and of ids) and gives the
ETag and Last-Modified, so a calendar asking "anything new?" gets its 304 without a
calendar being built. Every edit, publish and cancel sets ``updated_at`` and raises
``sequence``, and a meeting leaving the feed changes the count or the ids. What no event
records (a venue's address or the group's name edited on their own) reaches the feed
with the next change to a meeting.

A feed copy is the same bytes for the same ETag: DTSTAMP is the meeting's last change.
"""

import dataclasses
import datetime as dt
import hashlib

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from turnout.core.links import site_host
from turnout.events import ical
from turnout.events.models import Event
from turnout.events.selectors import feed_events as events_in_feeds
from turnout.groups.models import Group

WINDOW_DAYS = 90
FEED_LIMIT = 500
REFRESH_HOURS = 1
FORMAT_VERSION = "1"  # raise when the output changes shape, so every ETag changes


@dataclasses.dataclass(frozen=True)
class Validators:
    etag: str  # quoted, strong
    last_modified: dt.datetime | None


def feed_events(*, group: Group | None = None) -> QuerySet[Event]:
    """What the feed holds: the first ``FEED_LIMIT`` meetings of its window. Its
    validators read these same rows, never the whole window (the start's index gives them
    in order: the site feed costs the same at 100,000 meetings as at 1,000)."""
    since = timezone.now() - dt.timedelta(days=WINDOW_DAYS)
    found = events_in_feeds(group=group).filter(starts_at__gte=since)
    return found.order_by("starts_at", "pk")[:FEED_LIMIT]


def validators(events: QuerySet[Event], *, scope: str) -> Validators:
    """ETag and Last-Modified of a feed from one aggregate query over its events."""
    found = events.aggregate(
        n=Count("pk"), latest=Max("updated_at"), seq=Sum("sequence"), ids=Sum("pk")
    )
    latest = found["latest"]
    key = "|".join(
        str(part)
        for part in (
            FORMAT_VERSION,
            settings.BASE_URL,
            scope,
            found["n"],
            latest.isoformat() if latest else "",
            found["seq"] or 0,
            found["ids"] or 0,  # a full feed whose oldest meeting made way for a new one
        )
    )
    return Validators(f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"', latest)


def group_scope(group: Group) -> str:
    """What of the group shows in its feed, so editing it changes the ETag."""
    return f"group:{group.pk}:{group.slug}:{group.name}:{group.contact_email}:{group.time_zone}"


def calendar_bytes(
    events, *, name: str = "", time_zone: str = "", language: str = "", refresh: bool = True
) -> bytes:
    events = list(events)
    with translation.override(language or settings.LANGUAGE_CODE):
        calendar = ical.new_calendar(
            name=name, time_zone=time_zone, refresh_hours=REFRESH_HOURS if refresh else 0
        )
    for event in events:
        calendar.add_component(ical.vevent(event, dtstamp=event.updated_at))
    ical.add_timezones(calendar, events)
    return ical.to_bytes(calendar)


def group_calendar(group: Group) -> bytes:
    with translation.override(group.language):
        name = _("%(group)s: meetings") % {"group": group.name}
    events = feed_events(group=group)
    return calendar_bytes(events, name=name, time_zone=group.time_zone, language=group.language)


def site_calendar() -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        name = _("Meetings on %(site)s") % {"site": site_host()}
    return calendar_bytes(feed_events(), name=name)


def event_validators(event: Event) -> Validators:
    """One meeting's validators, from the row already loaded: no query."""
    key = "|".join(
        str(part)
        for part in (
            FORMAT_VERSION,
            settings.BASE_URL,
            group_scope(event.group),
            event.pk,
            event.updated_at.isoformat(),
            event.sequence,
            event.status,
        )
    )
    return Validators(f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"', event.updated_at)


def event_calendar(event: Event) -> bytes:
    return calendar_bytes([event], refresh=False)
