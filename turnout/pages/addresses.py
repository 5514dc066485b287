"""Old addresses lead to the new ones: the fallback at 404 time in the URL layer.

A group or meeting that changes its address keeps the old one for good (turnout.groups.
addresses, turnout.events.addresses), because flyers printed with a QR code to it cannot
be recalled. Any URL of the site whose pattern takes a ``group`` slug (and a meeting's
``event`` slug) answers, where it would have answered 404 and an old address is in it,
a redirect to the same URL under the current addresses, query string kept: the meeting
page, its flyer and calendar file, the group page, its feeds, widget and comparison
tables, and whatever URL is added later. One redirect goes straight to the current
address, however many times it changed.

GET and HEAD get 301 (moved for good); other methods get 308, which keeps the method and
body, so an RSVP posted from a page loaded before the change still arrives. Browsers keep
a 301 only for ``REDIRECT_MAX_AGE`` seconds, so that a group taking its old address back
does not meet a stale redirect looping to the address it left.
"""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseRedirectBase
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from turnout.events import addresses as event_addresses
from turnout.groups import addresses as group_addresses

REDIRECT_MAX_AGE = 3600


class PermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    status_code = 308


def current_url(request: HttpRequest) -> str | None:
    """The URL ``request`` asked for, under the current addresses of the group and meeting
    named in it; None when there is nothing old in it (or nothing known)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if "group" not in match.kwargs:
        return None
    group = group_addresses.group_at(slug=match.kwargs["group"])
    if group is None:
        return None
    kwargs = {**match.kwargs, "group": group.slug}
    if "event" in kwargs:
        event = event_addresses.event_at(group=group, slug=kwargs["event"])
        if event is None:  # no such meeting, or one whose address must stay unknown
            return None
        kwargs["event"] = event.slug
    if kwargs == match.kwargs:
        return None
    try:
        url = reverse(match.view_name, kwargs=kwargs)
    except NoReverseMatch:  # a slug the pattern would not take: leave the 404 alone
        return None
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


class OldAddressMiddleware:
    """Turns a 404 under an old group or meeting address into a redirect to the new one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        url = current_url(request)
        if url is None:
            return response
        if request.method in ("GET", "HEAD"):
            moved = HttpResponsePermanentRedirect(url)
        else:
            moved = PermanentRedirectKeepingMethod(url)
        moved["Cache-Control"] = f"max-age={REDIRECT_MAX_AGE}"
        return moved
