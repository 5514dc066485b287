"""The public pages that list meetings from several apps: "/" and a group's page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from turnout.core import pagecache
from turnout.events import selectors as events
from turnout.feeds import selectors as feeds
from turnout.groups.models import Group

EVENTS_PER_PAGE = 20
PAST_EVENTS_SHOWN = 10


def home(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings of every group, a page at a time; anonymous visitors may get a
    copy a few seconds old (``turnout.core.pagecache``)."""
    asked = request.GET.get("page")

    def key() -> str:
        # The page number that would be shown ("abc" is the first page, too far the
        # last), so that made-up numbers cannot fill the cache.
        count = pagecache.recent("upcoming-count", lambda: events.upcoming_events().count())
        return f"home:{Paginator(range(count), EVENTS_PER_PAGE).get_page(asked).number}"

    def render_page(extra: dict) -> str:
        page = Paginator(events.upcoming_events(), EVENTS_PER_PAGE).get_page(asked)
        return render_to_string("pages/home.html", {"page": page, **extra}, request)

    return pagecache.anonymous_page(request, key, render_page)


def group_page(request: HttpRequest, group: str) -> HttpResponse:
    """About the group, its meetings, its allies' and its follow form; anonymous visitors
    may get a copy a few seconds old (``turnout.core.pagecache``)."""

    def render_page(extra: dict) -> str:
        found = get_object_or_404(Group.objects.select_related("picture"), slug=group)
        context = {
            "group": found,
            "upcoming": events.upcoming_events(group=found),
            "past": events.past_events(group=found)[:PAST_EVENTS_SHOWN],
            "allied": feeds.allied_events(group=found),
            **extra,
        }
        return render_to_string("pages/group.html", context, request)

    return pagecache.anonymous_page(request, f"group:{group}", render_page)
