"""Atom feeds (``/feed.atom``, ``/<group>/feed.atom``) and the embeddable widget."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from turnout.core import pagecache
from turnout.events import places, selectors
from turnout.events.models import Event
from turnout.feeds import atom
from turnout.feeds.jsonld import when_text
from turnout.groups.models import Group

FEED_MAX_AGE = 300  # seconds a reader or proxy may keep a feed without asking
WIDGET_EVENTS = 10


def _atom_response(request: HttpRequest, group: Group | None) -> HttpResponse:
    """The feed, or 304 when the reader's copy (ETag / Last-Modified) is current."""
    etag, latest = atom.fingerprint(group=group)
    modified = int(latest.timestamp()) if latest else None
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        body = atom.render(group=group, events=atom.feed_events(group=group), updated=latest)
        response = HttpResponse(body, content_type=atom.CONTENT_TYPE)
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    return response


@require_safe
def group_atom(request: HttpRequest, group: str) -> HttpResponse:
    return _atom_response(request, get_object_or_404(Group, slug=group))


@require_safe
def site_atom(request: HttpRequest) -> HttpResponse:
    return _atom_response(request, None)


def _widget_row(event: Event) -> dict:
    place = places.public_place(event)
    where = [place.name, place.city] if place else []
    if event.online_url:
        where.append(_("online"))
    return {
        "event": event,
        "when": when_text(event),
        "where": ", ".join(part for part in where if part),
        "url": reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug}),
    }


@require_safe
@xframe_options_exempt
def widget(request: HttpRequest, group: str) -> HttpResponse:
    """The group's next meetings on a small page of its own, for an ``<iframe>`` on
    another site: the one page that may be framed. Cached like the other public pages."""

    def render_page(extra: dict) -> str:
        found = get_object_or_404(Group, slug=group)
        upcoming = selectors.upcoming_events(group=found).filter(status=Event.Status.PUBLISHED)
        context = {
            "group": found,
            "group_url": reverse("public:group", kwargs={"group": found.slug}),
            "rows": [_widget_row(event) for event in upcoming[:WIDGET_EVENTS]],
            **extra,
        }
        return render_to_string("feeds/widget.html", context, request)

    return pagecache.anonymous_page(
        request, f"widget:{group}", render_page, follows=[pagecache.group_scope(group)]
    )
