"""Reading an iCalendar file for import: what it holds, and what cannot be imported.

``parse_calendar`` refuses a file that is not iCalendar, is too big or holds too many
events (``ImportRejected``, nothing stored), and lists each event it can import with
its times in its own zone, or the reason it skips it (see ``turnout.feeds.imports``
for the rules as the organiser sees them).
"""

import datetime as dt
import hashlib
import re
import zoneinfo

import icalendar
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from turnout.core import fetch
from turnout.core.formats import grouped
from turnout.core.timezones import available_time_zones, to_aware
from turnout.events.models import DESCRIPTION_MAX_LENGTH

MAX_BYTES = fetch.MAX_BYTES
MAX_EVENTS = 1000
TITLE_MAX = 150
LOCATION_MAX = 500
FIRST_YEAR, LAST_YEAR = 1900, 2999

_VEVENT = re.compile(rb"^BEGIN:VEVENT[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_VALUE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MIDNIGHT = dt.time(0, 0)


class ImportRejected(Exception):
    """The calendar cannot be imported at all; ``message`` says why. Nothing changed."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code


# --- parsing ---


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return _CONTROL.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()


def one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_URL = URLValidator(schemes=["http", "https"])


def _web_url(text: str) -> str:
    """An http(s) link the Event's URL field accepts, or "" (anything else is dropped)."""
    text = text.strip()
    if len(text) > 500:
        return ""
    try:
        _URL(text)
    except ValidationError:
        return ""
    return text


class _Skip(Exception):
    pass


def _moment(prop, *, what: str, default_zone: str):
    """(local datetime or date, zone or None for a date, was_utc) of a DTSTART/DTEND."""
    if isinstance(prop, list):
        prop = prop[0]
    raw = prop.to_ical().decode("utf-8", "replace") if hasattr(prop, "to_ical") else str(prop)
    match = _VALUE.match(raw.strip())
    if not match:
        raise _Skip(_("its %(what)s is not a date or time (“%(value)s”)") % {
            "what": what, "value": raw[:40]})  # fmt: skip
    y, mo, d, h, mi, s, utc = match.groups()
    try:
        day = dt.date(int(y), int(mo), int(d))
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError
        if h is None:
            return day, None
        local = dt.datetime.combine(day, dt.time(int(h), int(mi), min(int(s), 59)))
    except ValueError:
        raise _Skip(_("its %(what)s is not a real date (“%(value)s”)") % {
            "what": what, "value": raw[:40]}) from None  # fmt: skip
    if utc:
        aware = local.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(default_zone))
        return aware.replace(tzinfo=None), default_zone
    tzid = str(prop.params.get("TZID", "")).strip().strip('"') if hasattr(prop, "params") else ""
    if not tzid:
        return local, default_zone  # floating time: the group's zone
    if tzid not in available_time_zones():
        raise _Skip(
            _("its time zone “%(zone)s” is not a known IANA time zone (like Europe/Kyiv)")
            % {"zone": tzid[:80]}
        )
    return local, tzid


def _convert(local: dt.datetime, zone: str, to_zone: str) -> dt.datetime:
    if zone == to_zone:
        return local
    aware = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return aware.astimezone(zoneinfo.ZoneInfo(to_zone)).replace(tzinfo=None)


def _when(vevent, default_zone: str) -> dict:
    """The event's local start and end in one zone, or _Skip with the reason."""
    start, zone = _moment(vevent["DTSTART"], what="DTSTART", default_zone=default_zone)
    notes = []
    if "DTEND" in vevent:
        end, end_zone = _moment(vevent["DTEND"], what="DTEND", default_zone=default_zone)
        if (zone is None) != (end_zone is None):
            raise _Skip(_("its start and end mix a date with a date and time"))
        if zone is not None:
            end = _convert(end, end_zone, zone)
    elif "DURATION" in vevent:
        try:
            duration = vevent["DURATION"].dt
            if not isinstance(duration, dt.timedelta):
                raise TypeError
        except (AttributeError, TypeError, ValueError):
            raise _Skip(_("its DURATION is not a duration")) from None
        end = start + (dt.timedelta(days=duration.days) if zone is None else duration)
    elif zone is None:
        end = start + dt.timedelta(days=1)
    else:
        end = start + dt.timedelta(hours=1)
        notes.append(_("No end time in the source: shown as one hour."))
    if zone is None:
        if end <= start:
            raise _Skip(_("it ends (DTEND) before it starts (DTSTART)"))
        return {
            "all_day": True, "time_zone": default_zone, "notes": notes,
            "start_date": start.isoformat(), "start_time": MIDNIGHT.isoformat(),
            "end_date": end.isoformat(), "end_time": MIDNIGHT.isoformat(),
        }  # fmt: skip
    if to_aware(end.date(), end.time(), zone) <= to_aware(start.date(), start.time(), zone):
        raise _Skip(_("it ends (DTEND) before it starts (DTSTART)"))
    if not FIRST_YEAR <= end.year <= LAST_YEAR:
        raise _Skip(_("its end is not a real date"))
    return {
        "all_day": False, "time_zone": zone, "notes": notes,
        "start_date": start.date().isoformat(), "start_time": start.time().isoformat(),
        "end_date": end.date().isoformat(), "end_time": end.time().isoformat(),
    }  # fmt: skip


def _uid(vevent) -> str:
    uid = one_line(_text(vevent, "UID"), 10_000)
    if len(uid) > 255:  # kept short enough to store, and still the same for the same UID
        uid = "sha256:" + hashlib.sha256(uid.encode()).hexdigest()
    return uid


def _item(vevent, default_zone: str) -> dict:
    if "RECURRENCE-ID" in vevent:
        raise _Skip(_("it changes one date of a repeating event; only the first date is imported"))
    if "DTSTART" not in vevent:
        raise _Skip(_("it has no start (DTSTART)"))
    item = _when(vevent, default_zone)
    if "RRULE" in vevent or "RDATE" in vevent:
        item["notes"].append(_("Repeats in the source: only its first date is imported."))
    status = _text(vevent, "STATUS").upper()
    item.update(
        title=one_line(_text(vevent, "SUMMARY"), TITLE_MAX) or _("Untitled event"),
        description=_text(vevent, "DESCRIPTION")[:DESCRIPTION_MAX_LENGTH],
        location=one_line(_text(vevent, "LOCATION"), LOCATION_MAX),
        url=_web_url(_text(vevent, "URL")),
        status={"CANCELLED": "cancelled", "TENTATIVE": "tentative"}.get(status, "confirmed"),
    )
    return item


def parse_calendar(data: bytes, *, default_zone: str) -> dict:
    """What an ICS calendar holds: {"name", "events": [...], "skipped": [...]}, as JSON.

    ImportRejected when the whole file cannot be used (see the module's rules).
    """
    if len(data) > MAX_BYTES:
        raise ImportRejected(
            _("The file is larger than %(mb)s MB. Import a smaller calendar.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if head != b"BEGIN:VCALENDAR":
        raise ImportRejected(
            _("This is not an iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR."),
            code="not_ics",
        )
    count = len(_VEVENT.findall(data))
    if count > MAX_EVENTS:
        raise ImportRejected(
            _(
                "The calendar holds %(count)s events; at most %(max)s can be imported at once. "
                "Export a shorter period and import that."
            )
            % {"count": grouped(count), "max": grouped(MAX_EVENTS)},
            code="too_many",
        )
    try:
        calendar = icalendar.Calendar.from_ical(data.decode("utf-8", "replace"))
    except Exception:  # icalendar raises many kinds on broken input; all mean the same here
        raise ImportRejected(
            _("This iCalendar file is damaged and could not be read."), code="unreadable"
        ) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise ImportRejected(
            _("This is not an iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR."),
            code="not_ics",
        )
    found, skipped, seen = [], [], set()
    for vevent in (c for c in calendar.subcomponents if c.name == "VEVENT"):
        title = one_line(_text(vevent, "SUMMARY"), TITLE_MAX)
        uid = _uid(vevent)
        try:
            if not uid:
                raise _Skip(_("it has no UID, so a later import could not update it"))
            if uid in seen and "RECURRENCE-ID" not in vevent:
                raise _Skip(_("its UID appears twice in the calendar"))
            item = _item(vevent, default_zone)
        except _Skip as reason:
            skipped.append({"uid": uid[:80], "title": title, "reason": str(reason)})
            continue
        except Exception:  # a property icalendar could not make sense of
            reason = _("part of it could not be read")
            skipped.append({"uid": uid[:80], "title": title, "reason": reason})
            continue
        seen.add(uid)
        found.append({"uid": uid, **item})
    return {
        "name": one_line(_text(calendar, "X-WR-CALNAME"), 200),
        "events": found,
        "skipped": skipped,
    }


# --- what importing would do ---
