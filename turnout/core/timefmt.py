"""Event times the way people say them: "Tuesday 11 June, 7pm – 9pm", and for a meeting
that lasts all day "Saturday 5 December, all day"."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _


def clock(moment: dt.datetime) -> str:
    """ "7pm", "7:30pm" in English; the language's own time format otherwise."""
    if (get_language() or "en").startswith("en"):
        suffix = "am" if moment.hour < 12 else "pm"
        hour = moment.hour % 12 or 12
        return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment:%M}{suffix}"
    return date_format(moment, "TIME_FORMAT")


def day(moment: dt.datetime, *, with_year: bool) -> str:
    if with_year:
        return date_format(moment, pgettext("weekday, day, month and year", "l j F Y"))
    return date_format(moment, pgettext("weekday, day and month", "l j F"))


def moment(value: dt.datetime, zone: str) -> str:
    """One instant in a zone: "Tuesday 1 December, 7pm"."""
    local = value.astimezone(ZoneInfo(zone))
    return f"{day(local, with_year=local.year != timezone.now().year)}, {clock(local)}"


def when(start: dt.datetime, end: dt.datetime, *, zone_label: str = "") -> str:
    """Start and end in the event's own zone, both already localised."""
    with_year = start.year != timezone.now().year
    text = f"{day(start, with_year=with_year)}, {clock(start)} – "
    if end.date() != start.date():
        text += f"{day(end, with_year=with_year)}, "
    text += clock(end)
    if zone_label:
        text += f" ({zone_label})"
    return text


def all_day(first: dt.date, end: dt.date) -> str:
    """An all-day meeting from ``first`` to ``end`` (exclusive, as stored and as iCalendar's
    DTEND;VALUE=DATE): "Saturday 5 December, all day", or a range of days."""
    last = max(first, end - dt.timedelta(days=1))
    with_year = first.year != timezone.localdate().year
    days = day(first, with_year=with_year)
    if last != first:
        days = pgettext("a range of days", "%(first)s – %(last)s") % {
            "first": days,
            "last": day(last, with_year=with_year or last.year != first.year),
        }
    return _("%(days)s, all day") % {"days": days}
