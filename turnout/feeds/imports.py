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
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.core import fetch, uploads
from turnout.core.timezones import to_aware
from turnout.events import services as events
from turnout.events.models import DESCRIPTION_MAX_LENGTH, Event
from turnout.feeds import selectors
from turnout.feeds.ics_reader import (
    MAX_BYTES,
    ImportRejected,
    one_line,
    parse_calendar,
)
from turnout.feeds.models import AlliedEvent, ImportSource
from turnout.groups.models import Group

ALLIED_DESCRIPTION_MAX = 5000
SYNC_EVERY = dt.timedelta(hours=6)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


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
    limit = uploads.limit_bytes(MAX_BYTES)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ImportRejected(
            _("The file is larger than %(mb)s MB. Import a smaller calendar.")
            % {"mb": uploads.limit_mb(MAX_BYTES)},
            code="too_large",
        )
    return data


@transaction.atomic
def create_from_file(*, group: Group, file, mode: str, by=None) -> ImportSource:
    """Parse an uploaded calendar at once; ImportRejected (nothing stored) when unusable."""
    found = parse_calendar(_read_upload(file), default_zone=group.time_zone)
    return ImportSource.objects.create(
        group=group,
        filename=one_line(str(getattr(file, "name", "") or ""), 255),
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
    url = url.strip()
    if ImportSource.objects.filter(group=group, url=url).exists():
        raise ImportRejected(
            _("This calendar is already imported: open it in the list to fetch it again."),
            code="duplicate",
        )
    source = ImportSource.objects.create(
        group=group, url=url, mode=mode, subscribed=subscribed, created_by=by
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
