"""The pages for finding meetings: "/" with its filters and search, every group
(/groups/), and the archives of past meetings (/past/, /<group>/past/)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from turnout.core import pagecache
from turnout.events import browse
from turnout.events import selectors as events
from turnout.groups.models import Group

EVENTS_PER_PAGE = 20
GROUPS_PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings of every group, a page at a time, filtered as the visitor asks.

    The plain list and its page numbers go through the page cache (anonymous visitors
    may get a copy a few seconds old, ``turnout.core.pagecache``); a filtered or searched
    page never does, so no query string can add a page to the cache."""
    asked = request.GET.get("page")
    if browse.asks_to_filter(request.GET):
        return HttpResponse(_home(request, asked, filtered=True))

    def key() -> str:
        # The page number that would be shown ("abc" is the first page, too far the
        # last), so that made-up numbers cannot fill the cache.
        count = pagecache.recent("upcoming-count", lambda: events.upcoming_events().count())
        return f"home:{Paginator(range(count), EVENTS_PER_PAGE).get_page(asked).number}"

    return pagecache.anonymous_page(
        request, key, lambda extra: _home(request, asked, filtered=False, **extra)
    )


def _home(request: HttpRequest, asked, *, filtered: bool, **extra) -> str:
    offered = browse.choices()
    chosen = browse.parse(request.GET if filtered else QueryDict(), choices=offered)
    page = Paginator(browse.meetings(chosen), EVENTS_PER_PAGE).get_page(asked)
    context = {"page": page, "choices": offered, "chosen": chosen, **extra}
    return render_to_string("pages/home.html", context, request)


def groups(request: HttpRequest) -> HttpResponse:
    """Every group, by name, with its next listed meeting."""
    page = Paginator(events.groups_with_next_meeting(), GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "rows": events.next_meetings(page.object_list), "params": QueryDict()}
    return render(request, "pages/groups.html", context)


def past(request: HttpRequest) -> HttpResponse:
    """The archive of every group's past meetings, latest first."""
    page = Paginator(events.past_events(), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "pages/past.html", {"page": page, "params": QueryDict()})


def group_past(request: HttpRequest, group: str) -> HttpResponse:
    """The archive of one group's past meetings, latest first."""
    found = get_object_or_404(Group, slug=group)
    page = Paginator(events.past_events(group=found), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "group": found, "params": QueryDict()}
    return render(request, "pages/past.html", context)
