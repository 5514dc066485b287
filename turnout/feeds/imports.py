"""Importing events from another group's calendar (ICS): parse, review, import, keep in sync.

The organiser gives a URL (fetched by a task, ``turnout.feeds.tasks``) or uploads a
file (parsed at once). What the calendar holds is stored on its ``ImportSource``
(``found``) and shown for review with what importing would do; one button imports.

Rules, decided here and shown to the organiser:

- A file that is not iCalendar, is over 5 MB, holds more than 1,000 events or cannot
  be read is refused whole; nothing is stored.
- An event without UID or DTSTART, with a TZID that is not an IANA time zone (named
  in the reason; never guessed), ending before it starts, changing one date of a
  repeating event (RECURRENCE-ID), or repeating a UID already seen is skipped, and
  the review lists it with the reason.
- A repeating event (RRULE/RDATE) is imported once, at its first date, with a note.
- Times keep their own zone (TZID) when it is an IANA zone; UTC and floating times
  are shown in the group's zone. All-day events stay all-day.
- Re-importing matches by UID: drafts by ``Event.external_uid`` (per group), allied
  events by UID per source, so nothing is duplicated.
- Drafts: new events become drafts; an event already imported is updated only while
  it is still a draft. Once published or cancelled here it is the group's own and
  an import never changes it. Events that left the source are left alone.
- Allied events mirror the source: added, updated, and removed when they leave it.
- A URL source with "keep in sync" is fetched again by the periodic job
  (``refresh_subscribed``) and applied without review, under the same rules.
"""

import datetime as dt
import hashlib
import re
import zoneinfo
from dataclasses import dataclass

import icalendar
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.core.timezones import available_time_zones, to_aware
from turnout.events import services as events
from turnout.events.models import DESCRIPTION_MAX_LENGTH, Event
from turnout.feeds import fetch, selectors
from turnout.feeds.models import AlliedEvent, ImportSource
from turnout.groups.models import Group

MAX_BYTES = fetch.MAX_BYTES
MAX_EVENTS = 1000
TITLE_MAX = 150
LOCATION_MAX = 500
ALLIED_DESCRIPTION_MAX = 5000
FIRST_YEAR, LAST_YEAR = 1900, 2999
SYNC_EVERY = dt.timedelta(hours=6)

_VEVENT = re.compile(rb"^BEGIN:VEVENT[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_VALUE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")
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


def _one_line(text: str, limit: int) -> str:
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
    uid = _one_line(_text(vevent, "UID"), 10_000)
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
        title=_one_line(_text(vevent, "SUMMARY"), TITLE_MAX) or _("Untitled event"),
        description=_text(vevent, "DESCRIPTION")[:DESCRIPTION_MAX_LENGTH],
        location=_one_line(_text(vevent, "LOCATION"), LOCATION_MAX),
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
            _("The file is larger than 5 MB. Import a smaller calendar."), code="too_large"
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
            % {"count": f"{count:,}", "max": f"{MAX_EVENTS:,}"},
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
        title = _one_line(_text(vevent, "SUMMARY"), TITLE_MAX)
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
        "name": _one_line(_text(calendar, "X-WR-CALNAME"), 200),
        "events": found,
        "skipped": skipped,
    }


# --- what importing would do ---


def markdown_escaped(text: str) -> str:
    """Plain text that Markdown shows exactly as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _event_fields(item: dict) -> dict:
    """The Event fields an imported item sets (as Python values)."""
    description = markdown_escaped(item["description"])
    if item["location"]:
        where = _("Location: %(place)s") % {"place": markdown_escaped(item["location"])}
        description = f"{where}\n\n{description}".strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        description = description[: DESCRIPTION_MAX_LENGTH - 2].rstrip("\\") + "…"
    return {
        "title": item["title"],
        "description": description,
        "start_date": dt.date.fromisoformat(item["start_date"]),
        "start_time": dt.time.fromisoformat(item["start_time"]),
        "end_date": dt.date.fromisoformat(item["end_date"]),
        "end_time": dt.time.fromisoformat(item["end_time"]),
        "time_zone": item["time_zone"],
        "all_day": item["all_day"],
        "external_url": item["url"],
    }


def _allied_fields(item: dict) -> dict:
    fields = _event_fields(item)
    fields.pop("external_url")
    fields.update(
        description=item["description"][:ALLIED_DESCRIPTION_MAX],
        location=item["location"],
        url=item["url"],
        status=item["status"],
    )
    return fields


def _differs(obj, fields: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in fields.items())


@dataclass
class Row:
    """One event of the calendar and what importing it would do."""

    item: dict
    action: str  # new, update, unchanged, kept, skip
    note: str = ""
    when: str = ""  # in the event's own zone, for the review page

    @property
    def label(self) -> str:
        return {
            "new": _("new"),
            "update": _("update"),
            "unchanged": _("unchanged"),
            "kept": _("kept as it is"),
            "skip": _("not imported"),
        }[self.action]


def plan(*, source: ImportSource) -> list[Row]:
    """What importing ``source`` would do to each event found (two queries)."""
    rows = _plan(source)
    for row in rows:
        fields = _event_fields(row.item)
        row.when = selectors.when_text(
            start_date=fields["start_date"],
            start_time=fields["start_time"],
            end_date=fields["end_date"],
            end_time=fields["end_time"],
            time_zone=fields["time_zone"],
            all_day=fields["all_day"],
            group_zone=source.group.time_zone,
        )
    return rows


def _plan(source: ImportSource) -> list[Row]:
    items = source.found.get("events", [])
    uids = [item["uid"] for item in items]
    rows = []
    if source.mode == ImportSource.Mode.ALLIED:
        existing = {a.uid: a for a in AlliedEvent.objects.filter(source=source, uid__in=uids)}
        for item in items:
            current = existing.get(item["uid"])
            if current is None:
                rows.append(Row(item, "new"))
            else:
                changed = _differs(current, _allied_fields(item))
                rows.append(Row(item, "update" if changed else "unchanged"))
        return rows
    existing = {
        e.external_uid: e for e in Event.objects.filter(group=source.group, external_uid__in=uids)
    }
    for item in items:
        current = existing.get(item["uid"])
        if current is None and item["status"] == "cancelled":
            rows.append(Row(item, "skip", _("Cancelled in the source.")))
        elif current is None:
            rows.append(Row(item, "new"))
        elif current.status != Event.Status.DRAFT:
            note = _("Already published or cancelled here; an import never changes it.")
            rows.append(Row(item, "kept", note))
        else:
            changed = _differs(current, _event_fields(item))
            rows.append(Row(item, "update" if changed else "unchanged"))
    return rows


def removed_allied(*, source: ImportSource) -> int:
    """How many allied events importing ``source`` would remove (they left the calendar)."""
    uids = [item["uid"] for item in source.found.get("events", [])]
    return AlliedEvent.objects.filter(source=source).exclude(uid__in=uids).count()


# --- writes ---


def _read_upload(file) -> bytes:
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRejected(
            _("The file is larger than 5 MB. Import a smaller calendar."), code="too_large"
        )
    return data


@transaction.atomic
def create_from_file(*, group: Group, file, mode: str, by=None) -> ImportSource:
    """Parse an uploaded calendar at once; ImportRejected (nothing stored) when unusable."""
    found = parse_calendar(_read_upload(file), default_zone=group.time_zone)
    return ImportSource.objects.create(
        group=group,
        filename=_one_line(str(getattr(file, "name", "") or ""), 255),
        mode=mode,
        name=found["name"],
        state=ImportSource.State.READY,
        found=found,
        created_by=by,
        fetched_at=timezone.now(),
    )


@transaction.atomic
def create_from_url(*, group: Group, url: str, mode: str, subscribed: bool, by=None):
    """Record a URL source and enqueue its fetch (the task row commits with it).

    ImportRejected at once for an address that is not http(s); where it points is
    checked by the fetch, after DNS resolution."""
    from turnout.feeds import tasks  # tasks call this module

    try:
        fetch.check_url(url)
    except fetch.FetchRefused as exc:
        raise ImportRejected(exc.message, code=exc.code) from None
    source = ImportSource.objects.create(
        group=group, url=url.strip(), mode=mode, subscribed=subscribed, created_by=by
    )
    tasks.fetch_source.enqueue(source.pk)
    return source


@transaction.atomic
def refetch(*, source: ImportSource) -> ImportSource:
    """Fetch a URL source again (the organiser's "try again" or "fetch now")."""
    from turnout.feeds import tasks

    if source.url:
        if source.state != ImportSource.State.IMPORTED:
            source.state = ImportSource.State.FETCHING
            source.save(update_fields=["state"])
        tasks.fetch_source.enqueue(source.pk)
    return source


def fetch_source(*, source_id: int) -> str:
    """Fetch and parse a URL source; a subscribed, already imported one is applied at once.

    Returns a line for the task's result. Safe to run twice."""
    source = ImportSource.objects.select_related("group").filter(pk=source_id).first()
    if source is None or not source.url:
        return "gone"
    try:
        fetched = fetch.fetch(source.url)
        found = parse_calendar(fetched.body, default_zone=source.group.time_zone)
    except (fetch.FetchRefused, ImportRejected) as exc:
        with transaction.atomic():
            source.error, source.fetched_at = exc.message, timezone.now()
            if source.state != ImportSource.State.IMPORTED:
                source.state = ImportSource.State.FAILED
            source.save(update_fields=["error", "fetched_at", "state"])
        return f"failed: {exc.code}"
    with transaction.atomic():
        source.found, source.name, source.error = found, found["name"], ""
        source.fetched_at = timezone.now()
        if source.state != ImportSource.State.IMPORTED:
            source.state = ImportSource.State.READY
        source.save(update_fields=["found", "name", "error", "fetched_at", "state"])
        if source.subscribed and source.state == ImportSource.State.IMPORTED:
            counts = apply_source(source=source)
            return f"synced: {counts}"
    return f"fetched: {len(found['events'])} events"


@transaction.atomic
def apply_source(*, source: ImportSource) -> dict[str, int]:
    """Import what ``source.found`` holds, under the module's rules; counts by action."""
    rows = plan(source=source)
    counts = dict.fromkeys(["new", "update", "unchanged", "kept", "skip", "removed", "failed"], 0)
    if source.mode == ImportSource.Mode.ALLIED:
        _apply_allied(source, rows, counts)
    else:
        _apply_drafts(source, rows, counts)
    now = timezone.now()
    source.state, source.imported_at = ImportSource.State.IMPORTED, source.imported_at or now
    source.synced_at = now
    source.save(update_fields=["state", "imported_at", "synced_at"])
    return counts


def _apply_drafts(source: ImportSource, rows: list[Row], counts: dict) -> None:
    existing = {
        e.external_uid: e
        for e in Event.objects.filter(
            group=source.group, external_uid__in=[row.item["uid"] for row in rows]
        )
    }
    for row in rows:
        fields = _event_fields(row.item)
        try:
            if row.action == "new":
                events.create_event(group=source.group, external_uid=row.item["uid"], **fields)
            elif row.action == "update":
                events.update_event(
                    event=existing[row.item["uid"]], allow_past_start=True, **fields
                )
        except ValidationError:  # a rule of meetings the calendar breaks: not imported
            counts["failed"] += 1
        else:
            counts[row.action] += 1


def _apply_allied(source: ImportSource, rows: list[Row], counts: dict) -> None:
    existing = {a.uid: a for a in AlliedEvent.objects.filter(source=source)}
    now = timezone.now()
    for row in rows:
        counts[row.action] += 1
        if row.action not in {"new", "update"}:
            continue
        fields = _allied_fields(row.item)
        fields["starts_at"] = to_aware(
            fields["start_date"], fields["start_time"], fields["time_zone"]
        )
        fields["ends_at"] = to_aware(fields["end_date"], fields["end_time"], fields["time_zone"])
        if row.action == "new":
            AlliedEvent.objects.create(
                source=source, group=source.group, uid=row.item["uid"], updated_at=now, **fields
            )
        else:
            AlliedEvent.objects.filter(pk=existing[row.item["uid"]].pk).update(
                updated_at=now, **fields
            )
    found = {row.item["uid"] for row in rows}
    gone = [pk for uid, pk in ((a.uid, a.pk) for a in existing.values()) if uid not in found]
    counts["removed"] = AlliedEvent.objects.filter(pk__in=gone).delete()[0]


@transaction.atomic
def set_subscribed(*, source: ImportSource, subscribed: bool) -> ImportSource:
    source.subscribed = bool(subscribed and source.url)
    source.save(update_fields=["subscribed"])
    return source


@transaction.atomic
def delete_source(*, source: ImportSource) -> None:
    """Forget a source and its allied events; drafts it made stay (they are the group's)."""
    source.delete()


def refresh_subscribed() -> int:
    """Periodic: enqueue a fetch of every subscribed source not synced for ``SYNC_EVERY``."""
    from turnout.feeds import tasks

    due = timezone.now() - SYNC_EVERY + dt.timedelta(minutes=5)  # leeway for the job's timing
    sources = ImportSource.objects.filter(
        subscribed=True, state=ImportSource.State.IMPORTED
    ).exclude(fetched_at__gt=due)
    count = 0
    for pk in sources.values_list("pk", flat=True):
        with transaction.atomic():
            tasks.fetch_source.enqueue(pk)
        count += 1
    return count


def summary(counts: dict[str, int]) -> str:
    """ "3 new, 1 updated, 2 unchanged" for the organiser's message."""
    parts = [
        ngettext("%(n)s new", "%(n)s new", counts["new"]) % {"n": counts["new"]},
        ngettext("%(n)s updated", "%(n)s updated", counts["update"]) % {"n": counts["update"]},
        ngettext("%(n)s unchanged", "%(n)s unchanged", counts["unchanged"])
        % {"n": counts["unchanged"]},
    ]
    if counts.get("kept"):
        parts.append(ngettext("%(n)s kept", "%(n)s kept", counts["kept"]) % {"n": counts["kept"]})
    if counts.get("failed"):
        parts.append(
            ngettext(
                "%(n)s could not be imported (its details break a rule for meetings)",
                "%(n)s could not be imported (their details break a rule for meetings)",
                counts["failed"],
            )
            % {"n": counts["failed"]}
        )
    if counts.get("removed"):
        parts.append(
            ngettext("%(n)s removed", "%(n)s removed", counts["removed"]) % {"n": counts["removed"]}
        )
    return ", ".join(parts)
