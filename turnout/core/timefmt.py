"""Dates and times the way each language says them: "Tuesday 11 June, 7pm – 9pm",
"вівторок, 11 червня, 19:00 – 21:00", "الثلاثاء 11 يونيو، 7:00 م – 9:00 م", and for a
meeting that lasts all day "Saturday 5 December, all day".

Every piece is a format the catalogues translate (``msgctxt`` says which), so a
translator decides the whole shape: the day (a Django date format: ``E`` is the month in
the genitive, "8 грудня"), the time of day (a Django format for each half of the day,
on the hour and not, so English says "7pm", Ukrainian "19:00" and Arabic "7:00 م"), how
a day and a time are joined (Arabic's comma is "،"), and the ranges. In these formats
``l`` is the weekday as the language writes it inside a sentence (translated with the
context "weekday inside a date": Ukrainian "вівторок", lower case), not Django's own
name, which is the capitalised one of a calendar's heading.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from turnout.core.timezones import city, offset_name

WEEKDAYS = (
    pgettext_lazy("weekday inside a date", "Monday"),
    pgettext_lazy("weekday inside a date", "Tuesday"),
    pgettext_lazy("weekday inside a date", "Wednesday"),
    pgettext_lazy("weekday inside a date", "Thursday"),
    pgettext_lazy("weekday inside a date", "Friday"),
    pgettext_lazy("weekday inside a date", "Saturday"),
    pgettext_lazy("weekday inside a date", "Sunday"),
)
WEEKDAY_CODE = re.compile(r"(?<!\\)l")


def _format(value: dt.date, pattern: str) -> str:
    """``date_format`` with ``l`` as the weekday written inside a sentence."""
    weekday = "".join("\\" + letter for letter in str(WEEKDAYS[value.weekday()]))
    return date_format(value, WEEKDAY_CODE.sub(lambda _match: weekday, pattern))


def clock(moment: dt.datetime) -> str:
    """ "7pm", "7:30pm" in English; "19:00" in Ukrainian; "7:00 م" in Arabic."""
    if moment.hour < 12:
        pattern = (
            pgettext("time of day before noon, on the hour", "g\\a\\m")
            if moment.minute == 0
            else pgettext("time of day before noon", "g:i\\a\\m")
        )
    else:
        pattern = (
            pgettext("time of day from noon, on the hour", "g\\p\\m")
            if moment.minute == 0
            else pgettext("time of day from noon", "g:i\\p\\m")
        )
    return date_format(moment, pattern)


def day(moment: dt.date, *, with_year: bool) -> str:
    """ "Tuesday 8 December", "вівторок, 8 грудня" (with the year when asked)."""
    if with_year:
        return _format(moment, pgettext("weekday, day, month and year", "l j F Y"))
    return _format(moment, pgettext("weekday, day and month", "l j F"))


def long_date(value: dt.date) -> str:
    """A date with its year and no weekday: "8 December 2026", "8 грудня 2026"."""
    return _format(value, pgettext("day, month and year", "j F Y"))


def at(day_text: str, time_text: str) -> str:
    """A day and a time of it: "Tuesday 8 December, 7pm"."""
    return pgettext("a day and a time", "%(day)s, %(time)s") % {"day": day_text, "time": time_text}


def span(start: str, end: str) -> str:
    """From one time to another: "7pm – 9pm"."""
    return pgettext("from a time to a time", "%(start)s – %(end)s") % {"start": start, "end": end}


def long_date_time(value: dt.datetime) -> str:
    """A date with its year and a time, in ``value``'s own zone: "8 December 2026, 7pm"."""
    return at(long_date(value), clock(value))


def _this_year() -> int:
    return timezone.localdate().year


def moment(value: dt.datetime, zone: str) -> str:
    """One instant in a zone: "Tuesday 1 December, 7pm"."""
    local = value.astimezone(ZoneInfo(zone))
    return at(day(local, with_year=local.year != _this_year()), clock(local))


def when(start: dt.datetime, end: dt.datetime, *, zone_label: str = "") -> str:
    """Start and end in the event's own zone, both already localised: "Tuesday 8 December,
    7pm – 9pm", or both days when it ends on another day. The year is shown on each day
    when either is not this year (a night over the new year names both years)."""
    with_year = {start.year, end.year} != {_this_year()}
    if end.date() == start.date():
        text = at(day(start, with_year=with_year), span(clock(start), clock(end)))
    else:
        text = span(
            at(day(start, with_year=with_year), clock(start)),
            at(day(end, with_year=with_year), clock(end)),
        )
    return zoned(text, zone_label) if zone_label else text


def zoned(text: str, zone_label: str) -> str:
    """A time with the zone it is in: "7pm – 9pm (Europe/Kyiv)"."""
    return pgettext("a time and its time zone", "%(when)s (%(zone)s)") % {
        "when": text,
        "zone": zone_label,
    }


def in_zone(text: str, zone: str) -> str:
    """A time with the zone it is told in, the way people say it: "7pm – 9pm London
    time" ("19:00 – 21:00 (час: London)", "7:00 م – 9:00 م بتوقيت London"); a zone with
    no city by its offset, "7pm (UTC−5)"."""
    place = city(zone)
    if place:
        return pgettext("a time in a city's time zone", "%(time)s %(city)s time") % {
            "time": text,
            "city": place,
        }
    return zoned(text, offset_name(zone))


def in_utc(start: dt.datetime, end: dt.datetime) -> str:
    """Start and end in UTC, after a time in another zone: "(12am – 2am UTC)"."""
    utc = dt.UTC
    return pgettext("the same time in UTC, after the meeting's own", "(%(time)s UTC)") % {
        "time": span(clock(start.astimezone(utc)), clock(end.astimezone(utc)))
    }


def days(first: dt.date, end: dt.date) -> str:
    """The days of an all-day meeting from ``first`` to ``end`` (exclusive, as stored and as
    iCalendar's DTEND;VALUE=DATE): "Saturday 5 December", or a range of days."""
    last = max(first, end - dt.timedelta(days=1))
    with_year = {first.year, last.year} != {_this_year()}
    text = day(first, with_year=with_year)
    if last != first:
        text = pgettext("a range of days", "%(first)s – %(last)s") % {
            "first": text,
            "last": day(last, with_year=with_year),
        }
    return text


def all_day(first: dt.date, end: dt.date) -> str:
    """An all-day meeting: "Saturday 5 December, all day"."""
    return _("%(days)s, all day") % {"days": days(first, end)}


def event_when(event) -> str:
    """The event's time in its own zone, naming it ("Tuesday 8 December, 7pm – 9pm London
    time"); an all-day meeting's days ("Saturday 5 December, all day"), which are the same
    anywhere."""
    if event.all_day:
        return all_day(event.start_date, event.end_date)
    return in_zone(when(event.local_start, event.local_end), event.time_zone)


def event_moment(event, value: dt.datetime) -> str:
    """An instant about the event (registration opens, a hold expires) in the event's zone."""
    return moment(value, event.time_zone)
