"""Reads for the organiser's pages that show several apps at once: the dashboard
(/organise/) and a group's page. Each is one query whatever the number of meetings."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from turnout.events.models import Event
from turnout.groups.models import Group, User
from turnout.mailing.models import Announcement
from turnout.rsvp import selectors as rsvp

NEXT_SHOWN = 20  # meetings on the dashboard
ANNOUNCEMENTS_SHOWN = 5


def _organised_by(user: User) -> QuerySet[Group]:
    """The groups ``user`` organises or owns (any membership), as a subquery."""
    return Group.objects.filter(memberships__user=user).values("pk")


def _local_today(event: Event, now: dt.datetime) -> dt.date:
    return timezone.localtime(now, ZoneInfo(event.time_zone)).date()


def _mark(event: Event, now: dt.datetime) -> Event:
    """Sets ``still_on`` (not ended, or ended earlier today where it takes place: the
    organiser still counts the room) and ``on_the_day`` (it starts today or has begun)."""
    today = _local_today(event, now)
    event.still_on = event.ends_at > now or event.end_date >= today
    event.on_the_day = event.still_on and event.start_date <= today
    return event


def next_meetings(*, user: User) -> list[Event]:
    """The published meetings of every group ``user`` organises still to come (or
    today's), soonest first, each with its numbers (``rsvp.with_numbers``)."""
    now = timezone.now()
    found = rsvp.with_numbers(
        Event.objects.filter(
            group__in=_organised_by(user),
            status=Event.Status.PUBLISHED,
            ends_at__gte=now - dt.timedelta(days=1),  # today's everywhere on Earth
        )
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    # Some of those fetched ended yesterday where they took place; fetch a margin more.
    marked = (_mark(event, now) for event in found[: NEXT_SHOWN * 2])
    return [event for event in marked if event.still_on][:NEXT_SHOWN]


def drafts_waiting(*, user: User) -> QuerySet[Event]:
    """Drafts of ``user``'s groups whose date has not passed, soonest first."""
    return (
        Event.objects.filter(
            group__in=_organised_by(user),
            status=Event.Status.DRAFT,
            ends_at__gte=timezone.now(),
        )
        .select_related("group")
        .order_by("starts_at", "pk")
    )


def last_announcements(*, user: User) -> QuerySet[Announcement]:
    """The latest few announcements of ``user``'s groups, newest first."""
    return (
        Announcement.objects.filter(group__in=_organised_by(user))
        .select_related("group")
        .order_by("-created_at", "-pk")[:ANNOUNCEMENTS_SHOWN]
    )


def group_meetings(*, group: Group) -> tuple[list[Event], list[Event]]:
    """The group's meetings, drafts and cancelled ones included, each with its numbers:
    (those still to come or today's, soonest first; the past ones, most recent first)."""
    now = timezone.now()
    found = rsvp.with_numbers(
        Event.objects.filter(group=group).select_related("group").order_by("starts_at", "pk")
    )
    upcoming, past = [], []
    for event in found:
        (upcoming if _mark(event, now).still_on else past).append(event)
    return upcoming, past[::-1]
