"""iCalendar feeds: a group's meetings, every group's, and one meeting.

Each answers conditional requests: the ETag and Last-Modified come first (one aggregate
query, ``turnout.feeds.ical_feeds.validators``); a matching If-None-Match or an
If-Modified-Since not older than the last change gets 304 with no body. Headers that
make no sense (garbage, a huge one) simply match nothing: a normal 200.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from turnout.events.selectors import public_event, robots_headers
from turnout.feeds import ical_feeds
from turnout.groups.models import Group

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendars poll; a short shared cache time keeps them from hammering the server.
CACHE_CONTROL = "public, max-age=300"


def _answer(request: HttpRequest, found: ical_feeds.Validators, build, filename: str):
    headers = {"ETag": found.etag, "Cache-Control": CACHE_CONTROL}
    if found.last_modified:
        headers["Last-Modified"] = http_date(found.last_modified.timestamp())
    stub = HttpResponse(headers=headers)
    last_modified = int(found.last_modified.timestamp()) if found.last_modified else None
    not_modified = get_conditional_response(
        request, etag=found.etag, last_modified=last_modified, response=stub
    )
    if not_modified is not stub:
        return not_modified  # 304 (or 412 for a failed If-Match on a GET: never here)
    response = HttpResponse(build(), content_type=CONTENT_TYPE, headers=headers)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def event_ics(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = public_event(group_slug=group, event_slug=event)
    if found is None:
        raise Http404
    response = _answer(
        request,
        ical_feeds.event_validators(found),
        lambda: ical_feeds.event_calendar(found),
        f"{found.slug}.ics",
    )
    for name, value in robots_headers(found).items():
        response[name] = value
    return response


@require_safe
def group_ics(request: HttpRequest, group: str) -> HttpResponse:
    found = get_object_or_404(Group, slug=group)
    validators = ical_feeds.validators(
        ical_feeds.feed_events(group=found), scope=ical_feeds.group_scope(found)
    )
    return _answer(
        request, validators, lambda: ical_feeds.group_calendar(found), f"{found.slug}.ics"
    )


@require_safe
def site_ics(request: HttpRequest) -> HttpResponse:
    validators = ical_feeds.validators(ical_feeds.feed_events(), scope="site")
    return _answer(request, validators, ical_feeds.site_calendar, "events.ics")
