"""A group's public page, which shows meetings from several apps; to ActivityPub
clients, the group's actor (turnout.federation.negotiation decides, before the cache)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

from turnout.core import pagecache
from turnout.events import selectors as events
from turnout.federation import negotiation
from turnout.federation import views as federation
from turnout.feeds import selectors as feeds
from turnout.groups.models import Group

PAST_EVENTS_SHOWN = 10
# Then a link to the group's meetings on "/": a page of a bounded size, and a bounded
# query PostgreSQL reads through the group's index (bench/scale.py).
UPCOMING_EVENTS_SHOWN = 50


def group_page(request: HttpRequest, group: str) -> HttpResponse:
    """About the group, its meetings, its allies' and its follow form; anonymous visitors
    may get a copy a few seconds old (``turnout.core.pagecache``). An ActivityPub client
    gets the actor JSON instead, never cached; both vary on Accept, so that no cache on
    the way serves one for the other."""
    if negotiation.wants_activity_json(request):
        found = get_object_or_404(Group.objects.select_related("picture"), slug=group)
        response = federation.group_actor_response(found)
        patch_vary_headers(response, ("Accept",))
        return response

    def render_page(extra: dict) -> str:
        found = get_object_or_404(Group.objects.select_related("picture"), slug=group)
        upcoming = events.upcoming_events(group=found).only(*events.CARD_FIELDS)
        upcoming = list(upcoming[: UPCOMING_EVENTS_SHOWN + 1])
        context = {
            "group": found,
            "upcoming": upcoming[:UPCOMING_EVENTS_SHOWN],
            "more_upcoming": len(upcoming) > UPCOMING_EVENTS_SHOWN,
            "past": events.past_events(group=found).only(*events.CARD_FIELDS)[:PAST_EVENTS_SHOWN],
            "allied": feeds.allied_events(group=found),
            **extra,
        }
        return render_to_string("pages/group.html", context, request)

    response = pagecache.anonymous_page(
        request, f"group:{group}", render_page, follows=[pagecache.group_scope(group)]
    )
    patch_vary_headers(response, ("Accept",))
    return response
