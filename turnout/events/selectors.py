"""Reads of events that span relations, shaped for the pages that show them."""

import datetime as dt

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from turnout.core import pagecache
from turnout.events.models import Event
from turnout.groups import selectors as groups
from turnout.groups.models import Group, User

PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)


def public_events(*, group: Group | None = None) -> QuerySet[Event]:
    """The meetings public listings show (``Event.objects.listed()``: never a draft nor an
    unlisted meeting): "/", group pages, the widget, the feeds."""
    events = Event.objects.listed().select_related("group", "venue", "picture")
    return events.filter(group=group) if group else events


def feed_events(*, group: Group | None = None) -> QuerySet[Event]:
    """The meetings calendar feeds carry (``Event.objects.in_feeds()``): the listed ones,
    and unpublished ones that were once published (as cancelled).

    A group's feed reads its meetings' venues and pictures by their keys, a query each:
    joined, PostgreSQL hashed every venue of the site for the few dozen meetings of a
    group (bench/scale.py, 100,000 meetings). The site's feed joins them, a row each."""
    events = Event.objects.in_feeds().select_related("group")
    if group is None:
        return events.select_related("venue", "picture")
    return events.filter(group=group).prefetch_related("venue", "picture")


# What a meeting's card shows (events/_event_card.html): a list of cards reads these
# columns only, a third of the meeting's, its group's, venue's and picture's.
CARD_FIELDS = (
    *("slug", "title", "tagline", "status", "language", "unlisted", "online_url"),
    *("start_date", "start_time", "end_date", "end_time", "all_day", "time_zone"),
    *("starts_at", "ends_at", "address_private", "address_area", "group__slug", "group__name"),
    *(f"venue__{name}" for name in ("name", "address_line1", "address_line2", "city")),
    *(f"venue__{name}" for name in ("postcode", "country", "accessibility")),
    *("venue__latitude", "venue__longitude", "venue__group_id"),
    *(f"picture__{name}" for name in ("alt_text", "small", "small_width", "small_height")),
)


def upcoming_events(*, group: Group | None = None) -> QuerySet[Event]:
    events = public_events(group=group).filter(ends_at__gt=timezone.now())
    since = earliest_upcoming_start()
    if since is not None:  # the same rows, read from the start's index from there on
        events = events.filter(starts_at__gte=since)
    return events.order_by("starts_at")


def earliest_upcoming_start() -> dt.datetime | None:
    """When the earliest listed meeting not yet ended started, as the page cache keeps it
    (``pagecache.lasting``, following the listings); None where nothing keeps it, rather
    than a query for each list.

    A bound that lets a list of upcoming meetings read the start's index from there, not
    from the oldest meeting: on a site of 100,000 meetings, a third of them past, "/"
    walked 33,000 past ones for its first 20 (bench/scale.py). A kept value stays a
    right bound: a meeting that ends only raises the true one, and a meeting's every save
    gives the listings a new version (turnout.pages.receivers), so it is read again."""
    if not pagecache.keeps_lasting():
        return None
    return pagecache.lasting("upcoming-since", _earliest_start, follows=[pagecache.LISTINGS])


def _earliest_start() -> dt.datetime | None:
    upcoming = Event.objects.listed().filter(ends_at__gt=timezone.now())
    return upcoming.aggregate(since=Min("starts_at"))["since"]


def past_events(*, group: Group | None = None) -> QuerySet[Event]:
    """The archive: listed meetings that have ended, cancelled ones too, latest first."""
    return public_events(group=group).filter(ends_at__lte=timezone.now()).order_by("-starts_at")


def groups_with_next_meeting() -> QuerySet[Group]:
    """Every group by name, each with ``next_event_id``: its soonest listed upcoming
    meeting's, or None (``next_meetings`` fetches them for a page of groups)."""
    soonest = upcoming_events().filter(group=OuterRef("pk")).values("pk")[:1]
    return Group.objects.order_by("name", "pk").annotate(next_event_id=Subquery(soonest))


def next_meetings(groups) -> list[tuple[Group, Event | None]]:
    """Each group of ``groups_with_next_meeting`` with its next meeting: one query."""
    groups = list(groups)
    ids = [group.next_event_id for group in groups if group.next_event_id]
    found = Event.objects.select_related("group", "venue").in_bulk(ids)
    return [(group, found.get(group.next_event_id)) for group in groups]


def public_event(*, group_slug: str, event_slug: str) -> Event | None:
    """The meeting at this address for anyone who has the link, unlisted ones included."""
    try:
        found = Event.objects.reachable().select_related("group", "venue", "picture")
        return found.get(group__slug=group_slug, slug=event_slug)
    except Event.DoesNotExist:
        return None


def robots_headers(event: Event) -> dict[str, str]:
    """Headers for a public page or file of ``event``: an unlisted meeting's ask search
    engines not to index it (its page says so in a ``<meta>`` too)."""
    return {"X-Robots-Tag": "noindex"} if event.unlisted else {}


def events_for_organisers(*, group: Group) -> QuerySet[Event]:
    return Event.objects.filter(group=group).select_related("venue").order_by("-starts_at")


def event_for_organiser(*, user: User, group_slug: str, event_slug: str) -> Event:
    """The event, with its group and venue, if ``user`` organises its group; 404
    otherwise, so outsiders learn nothing."""
    group = groups.group_for_organiser(user=user, slug=group_slug)
    try:
        found = Event.objects.select_related("group", "venue", "picture")
        return found.get(group=group, slug=event_slug)
    except Event.DoesNotExist:
        raise Http404 from None
