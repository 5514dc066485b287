""" "Add to calendar" links for Google Calendar and Outlook.com, beside the ``.ics`` file
(turnout.events.ical) that Apple's and every other calendar open.

Both services take the meeting in their URL: its UTC instants (an all-day meeting as
days, the end being the day after the last, as in iCalendar), its title, the place and
a few lines of details ending with the meeting page's link. The text is the meeting's
own, in its language, as the calendar file gives it.

The caller says which place to give (``turnout.events.places``): the public place on
public pages, the attendee's on their page and in their emails. The online meeting's
link never goes into these URLs (they are kept in the services' and browsers' history):
an online meeting is "Online", and its link reaches confirmed attendees in the calendar
file and on their page.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.utils import translation
from django.utils.translation import gettext as _

from turnout.core.links import absolute_url
from turnout.events.ical import plain
from turnout.events.models import Event
from turnout.events.places import Place

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook: str


def _query(params: dict[str, str]) -> str:
    """Percent-encoded, spaces as %20; "/" and ":" kept, as the services write them."""
    return urlencode(params, safe="/:", quote_via=quote)


def _days(event: Event) -> tuple[dt.date, dt.date]:
    """An all-day meeting's first day and the day after its last."""
    return event.start_date, max(event.end_date, event.start_date) + dt.timedelta(days=1)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _text(event: Event, place: Place | None) -> tuple[str, str, str]:
    """The title, details and location, in the meeting's language."""
    page = absolute_url("public:event", group=event.group.slug, event=event.slug)
    with translation.override(event.language):
        location = place.text if place else (_("Online") if event.online_url else "")
    details = "\n\n".join(part for part in (plain(event.tagline), page) if part)
    return plain(event.title), details, plain(location)


def calendar_links(event: Event, *, place: Place | None) -> CalendarLinks:
    """The meeting's Google Calendar and Outlook.com links, with ``place`` as its location."""
    title, details, location = _text(event, place)
    if event.all_day:
        first, after = _days(event)
        dates = f"{first:%Y%m%d}/{after:%Y%m%d}"
        outlook_times = {"startdt": first.isoformat(), "enddt": after.isoformat(), "allday": "true"}
    else:
        start, end = _utc(event.starts_at), _utc(event.ends_at)
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
        outlook_times = {
            "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
        }
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": dates,
        "details": details,
        "location": location,
    }
    outlook = {
        "subject": title,
        **outlook_times,
        "body": details,
        "location": location,
    }
    return CalendarLinks(
        google=f"{GOOGLE}?{_query(google)}",
        outlook=f"{OUTLOOK}?{_query(outlook)}",
    )
