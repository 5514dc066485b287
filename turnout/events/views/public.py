from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from turnout.core import pagecache
from turnout.events import selectors
from turnout.feeds import jsonld
from turnout.flyers import selectors as flyers
from turnout.rsvp.views import attendees as rsvp

EVENTS_PER_PAGE = 20


def home(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings of every group, a page at a time; anonymous visitors may get a
    copy a few seconds old (``turnout.core.pagecache``)."""
    asked = request.GET.get("page")

    def key() -> str:
        # The page number that would be shown ("abc" is the first page, too far the
        # last), so that made-up numbers cannot fill the cache.
        count = pagecache.recent("upcoming-count", lambda: selectors.upcoming_events().count())
        return f"home:{Paginator(range(count), EVENTS_PER_PAGE).get_page(asked).number}"

    def render_page(extra: dict) -> str:
        page = Paginator(selectors.upcoming_events(), EVENTS_PER_PAGE).get_page(asked)
        return render_to_string("events/home.html", {"page": page, **extra}, request)

    return pagecache.anonymous_page(request, key, render_page)


def _event_or_404(group: str, event: str):
    found = selectors.public_event(group_slug=group, event_slug=event)
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def event_page(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """The event, with the RSVP form; its POST registers (``turnout.rsvp.views.attendees``).

    Anonymous visitors may get the page from a few seconds' cache, without a query, and
    the POST may use the event as it was a few seconds ago (``turnout.core.pagecache``).
    """
    if request.method == "POST":
        # The event as the page showed it, up to a few seconds old: the statement that
        # takes a seat checks that registration is still open (turnout.rsvp.services).
        found = pagecache.recent(
            f"event:{group}:{event}",
            lambda: selectors.public_event(group_slug=group, event_slug=event),
        )
        if found is None:
            raise Http404
        return rsvp.register(request, found)

    def render_page(extra: dict) -> str:
        found = _event_or_404(group, event)
        panel = rsvp.rsvp_panel(found)
        # Its schema.org JSON-LD and link preview, from what is loaded already.
        machine = jsonld.page_context(found, panel)
        context = {"event": found, "group": found.group, **panel, **machine, **extra}
        context["blocks"] = flyers.event_blocks(found)
        return render_to_string("events/event.html", context, request)

    return pagecache.anonymous_page(request, f"event:{group}:{event}", render_page)
