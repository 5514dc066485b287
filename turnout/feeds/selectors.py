"""Reads for ICS imports: allied events for a group's page, and import sources."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from turnout.core import timefmt
from turnout.core.timezones import to_aware
from turnout.feeds.models import AlliedEvent, ImportSource
from turnout.groups.models import Group

ALLIED_SHOWN = 20


def when_text(
    *,
    start_date: dt.date,
    start_time: dt.time,
    end_date: dt.date,
    end_time: dt.time,
    time_zone: str,
    all_day: bool,
    group_zone: str,
) -> str:
    """ "Tuesday 11 June, 7pm – 9pm (Europe/Kyiv)", or the days of an all-day event."""
    if all_day:
        return timefmt.all_day(start_date, end_date)
    label = time_zone.replace("_", " ") if time_zone != group_zone else ""
    return timefmt.when(
        to_aware(start_date, start_time, time_zone),
        to_aware(end_date, end_time, time_zone),
        zone_label=label,
    )


def allied_events(*, group: Group, limit: int = ALLIED_SHOWN) -> list[AlliedEvent]:
    """Upcoming allied events of ``group``, soonest first, each with ``.when`` (one query).

    For the group page: ``{% include "feeds/_allied.html" with allied=allied_events %}``.
    """
    found = list(
        AlliedEvent.objects.filter(group=group, ends_at__gt=timezone.now())
        .select_related("source")
        .order_by("starts_at", "pk")[:limit]
    )
    for event in found:
        event.when = when_text(
            start_date=event.start_date,
            start_time=event.start_time,
            end_date=event.end_date,
            end_time=event.end_time,
            time_zone=event.time_zone,
            all_day=event.all_day,
            group_zone=group.time_zone,
        )
    return found


def import_sources(*, group: Group) -> QuerySet[ImportSource]:
    return ImportSource.objects.filter(group=group).defer("found").order_by("-created_at")
