"""What a change notice tells: the time, venue or online link of a meeting, before and
after, kept as plain values and written out for each reader in their own language.

A notice is read by attendees in the language they registered in and by organisers in
theirs, so what is stored (``ChangeNotice.changes``) is language-free: for each change
its field and the old and new values (the time's fields, the venue's name and address
lines, the link). ``described`` turns them into (label, old, new) text in the language
active when it is called: the worker's, writing an email; the organiser's, on a page.
"""

import datetime as dt

from django.utils.translation import gettext as _

from turnout.core.timefmt import event_when
from turnout.events.models import Event

WHEN, VENUE, ONLINE = "when", "venue", "online_url"  # the "field" of each change, in order
CANCELLED = "cancelled"  # the new "when" of a cancelled meeting
TIME_FIELDS = ("start_date", "start_time", "end_date", "end_time", "time_zone", "all_day")


def values(event: Event) -> dict:
    """The values a notice keeps of the event, by field, as JSON."""
    venue = event.venue if event.venue_id else None
    return {
        WHEN: {
            name: value.isoformat() if isinstance(value, dt.date | dt.time) else value
            for name in TIME_FIELDS
            for value in [getattr(event, name)]
        },
        VENUE: {
            "lines": [venue.name, *venue.address_lines] if venue else [],
            "online": bool(event.online_url),
        },
        ONLINE: event.online_url,
    }


def _when_text(value, event: Event) -> str:
    if value == CANCELLED:
        return _("Cancelled")
    fields = {
        "start_date": dt.date.fromisoformat(value["start_date"]),
        "start_time": dt.time.fromisoformat(value["start_time"]),
        "end_date": dt.date.fromisoformat(value["end_date"]),
        "end_time": dt.time.fromisoformat(value["end_time"]),
        "time_zone": value["time_zone"],
        "all_day": value["all_day"],
    }
    return event_when(Event(group=event.group, **fields))


def _text(field: str, value, event: Event) -> str:
    if field == WHEN:
        return _when_text(value, event)
    if field == VENUE:
        if value["lines"]:
            return ", ".join(value["lines"])
        return _("Online only") if value["online"] else _("No venue yet")
    return value or _("No online link")


def _label(field: str) -> str:
    return {WHEN: _("When"), VENUE: _("Where"), ONLINE: _("Online link")}[field]


def described(changes: list[dict], event: Event) -> list[dict]:
    """The changes as text in the active language: each with ``label``, ``old`` and
    ``new`` (``hidden`` ones, which this reader may not see, keep them empty).

    A notice recorded before the values were kept (with ``label``) is shown as it was
    written then, in the meeting's language.
    """
    shown = []
    for change in changes:
        field = change["field"]
        if "label" in change or change.get("hidden"):
            shown.append({"label": _label(field), **change})
            continue
        texts = {key: _text(field, change[key], event) for key in ("old", "new")}
        shown.append({**change, "label": _label(field), **texts})
    return shown
