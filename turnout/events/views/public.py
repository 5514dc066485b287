from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from turnout.events import selectors
from turnout.rsvp import views as rsvp

EVENTS_PER_PAGE = 20


def home(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.upcoming_events(), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "events/home.html", {"page": page})


@require_http_methods(["GET", "POST"])
def event_page(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """The event, with the RSVP form; its POST registers (``turnout.rsvp.views``)."""
    found = selectors.public_event(group_slug=group, event_slug=event)
    if found is None:
        raise Http404
    if request.method == "POST":
        return rsvp.register(request, found)
    context = {"event": found, "group": found.group, **rsvp.rsvp_panel(found)}
    return render(request, "events/event.html", context)
