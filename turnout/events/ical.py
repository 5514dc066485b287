"""One event as iCalendar (RFC 5545), for "add to calendar" and email attachments.

The event keeps its local time and IANA zone, so DTSTART/DTEND carry a TZID with a
matching VTIMEZONE: a calendar shows the meeting at the time it was announced.
"""

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from turnout.core.links import absolute_url
from turnout.events.models import Event

PRODID = "-//Turnout//Turnout//EN"


def event_uid(event: Event) -> str:
    """Stable for the event's whole life: the pk never changes, whatever is edited."""
    return f"event-{event.pk}@{urlsplit(settings.BASE_URL).hostname}"


def event_ics(event: Event, *, online_url: str = "") -> bytes:
    """The event as a calendar file; ``online_url`` only for someone allowed to see it."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    page = absolute_url("public:event", group=event.group.slug, event=event.slug)
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", timezone.now().astimezone(dt.UTC))
    entry.add("dtstart", event.local_start)
    entry.add("dtend", event.local_end)
    entry.add("summary", event.title)
    entry.add("url", page)
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    # Markdown reads as plain text already: it is what DESCRIPTION carries.
    description = [event.tagline, event.description, page]
    if online_url:
        description.insert(0, online_url)
    entry.add("description", "\n\n".join(part for part in description if part))
    if event.venue:
        entry.add("location", ", ".join([event.venue.name, *event.venue.address_lines]))
    elif online_url:
        entry.add("location", online_url)
    entry.add("organizer", f"mailto:{event.group.contact_email}", {"CN": event.group.name})
    calendar.add_component(entry)
    year = event.start_date.year
    calendar.add_missing_timezones(
        first_date=dt.date(year - 1, 1, 1), last_date=dt.date(year + 2, 1, 1)
    )
    return calendar.to_ical()
