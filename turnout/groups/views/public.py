from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from turnout.events import selectors as events
from turnout.groups.models import Group

PAST_EVENTS_SHOWN = 10


def group_page(request: HttpRequest, group: str) -> HttpResponse:
    found = get_object_or_404(Group, slug=group)
    return render(
        request,
        "groups/group.html",
        {
            "group": found,
            "upcoming": events.upcoming_events(group=found),
            "past": events.past_events(group=found)[:PAST_EVENTS_SHOWN],
        },
    )
