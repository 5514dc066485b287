"""The pages for finding meetings: "/" with its filters and search, every group
(/groups/), and the archives of past meetings (/past/, /<group>/past/)."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from turnout.core import pagecache
from turnout.events import browse
from turnout.events import selectors as events
from turnout.groups.models import Group

EVENTS_PER_PAGE = 20
UNBOUNDED = {"q", "from", "to"}  # filters that take too many values to be cached
FIRST = (None, "", "1")  # the page numbers that ask for the first page, as written
GROUPS_PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings of every group, a page at a time, filtered as the visitor asks.

    The plain list and its page numbers go through the page cache (anonymous visitors
    may get a copy a few seconds old, ``turnout.core.pagecache``), and so does the first
    page of one filter (``_filtered``); the key is made of the page number shown and the
    filter's checked value, never the query string, so that no query string can add
    pages to the cache beyond those few."""
    asked = request.GET.get("page")
    if browse.asks_to_filter(request.GET):
        return _filtered(request, asked)

    def key() -> str:
        # The page number that would be shown ("abc" is the first page, too far the
        # last), so that made-up numbers cannot fill the cache.
        if asked in FIRST:  # most visits: nothing to count
            return "home:1"
        count = pagecache.recent(
            "upcoming-count",
            lambda: events.upcoming_events().count(),
            follows=[pagecache.LISTINGS],
        )
        return f"home:{Paginator(range(count), EVENTS_PER_PAGE).get_page(asked).number}"

    def render_page(extra: dict) -> str:
        offered = SimpleLazyObject(_choices)  # read only if the filters are not kept
        return _home(request, asked, offered, browse.parse(QueryDict(), choices=offered), extra)

    return pagecache.anonymous_page(request, key, render_page, follows=[pagecache.LISTINGS])


def _filtered(request: HttpRequest, asked) -> HttpResponse:
    """A filtered "/". The first page of one filter whose value applied (a town, a group,
    a topic, a language, online or in person) is cached under that value: one key for
    each value the choices offer. Anything else (a search, dates, several filters, a
    later page, a value that did not apply) is built for the request and never kept."""
    offered = _choices()
    chosen = browse.parse(request.GET, choices=offered)
    if len(chosen.params) != 1 or not _kept(chosen) or asked not in FIRST:
        return HttpResponse(_home(request, asked, offered, chosen))
    return pagecache.anonymous_page(
        request,
        f"home:{chosen.params.urlencode()}",
        lambda extra: _home(request, None, offered, chosen, extra),
        follows=[pagecache.LISTINGS],
    )


def _choices() -> browse.Choices:
    """The filters' towns, groups and topics, kept as long as the pages' fragments: a town
    whose last meeting has just ended may be offered that much longer (and finds none)."""
    return pagecache.lasting("browse-choices", browse.choices, follows=[pagecache.LISTINGS])


def _kept(chosen: browse.Browse) -> bool:
    """Whether what ``chosen`` finds may be kept under its filter's value: no filter, or
    one whose value applied and takes few values."""
    params = chosen.params
    return not chosen.problems and len(params) <= 1 and not set(params) & UNBOUNDED


def _page(chosen: browse.Browse, asked) -> Page:
    """The page of meetings ``chosen`` finds. Their count, which reads every upcoming
    meeting that matches, is kept as long as a fragment where the filter allows
    (``_kept``): it may still count a meeting that ended since, so a page found empty
    beyond the first is counted again."""
    found = browse.meetings(chosen).only(*events.CARD_FIELDS)
    paginator = Paginator(found, EVENTS_PER_PAGE)
    if not _kept(chosen):
        return paginator.get_page(asked)
    key = f"home-count:{chosen.params.urlencode()}"
    paginator.count = pagecache.lasting(key, found.count, follows=[pagecache.LISTINGS])
    page = paginator.get_page(asked)
    if page.number > 1 and not page.object_list:
        page = Paginator(found, EVENTS_PER_PAGE).get_page(asked)
    return page


def _home(request: HttpRequest, asked, offered, chosen, extra: dict | None = None) -> str:
    filters = _filters(request, offered, chosen)
    context = {"page": _page(chosen, asked), "filters": filters, "chosen": chosen, **(extra or {})}
    return render_to_string("pages/home.html", context, request)


def _filters(request: HttpRequest, offered, chosen: browse.Browse) -> str:
    """The filters' links and form (pages/_browse.html), kept as a fragment under the
    filter's value where it may be kept (``_kept``): a page built for a request then
    reads no choices (hundreds of towns and groups on a big site)."""

    def render() -> str:
        context = {"choices": offered, "chosen": chosen}
        return render_to_string("pages/_browse.html", context, request)

    if not _kept(chosen):  # a search, dates, or a value that did not apply: shown as typed
        return render()
    key = f"filters:{chosen.params.urlencode()}"
    html = pagecache.fragment(key, render, follows=[pagecache.LISTINGS])
    return mark_safe(html)  # noqa: S308 (rendered by the template, escaped there)


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
