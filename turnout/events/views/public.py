from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from turnout.events import selectors

EVENTS_PER_PAGE = 20


def home(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.upcoming_events(), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "events/home.html", {"page": page})


def event_page(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = selectors.public_event(group_slug=group, event_slug=event)
    if found is None:
        raise Http404
    return render(request, "events/event.html", {"event": found, "group": found.group})
