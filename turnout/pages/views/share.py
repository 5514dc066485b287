"""The Share panel's Mastodon form: the visitor types their server once, and is sent to
its page for a new post with the meeting's line and link (turnout.events.sharing).

The server is remembered in a cookie (HttpOnly, SameSite=Lax, Secure over https, a
year). The meeting page is cached for every anonymous visitor (turnout.core.pagecache),
so its copy of the form is always empty and never holds the cookie's value; instead,
the field left empty means "the server I typed last time", which this view reads from
the cookie, and this view's own GET is a small page with the form filled in from the
cookie, never cached (``Vary: Cookie``, ``Cache-Control: private``). A mistake shows that
page again with the reason, as a 400, and sets nothing.

The visitor is sent on by a page that forwards at once (``<meta http-equiv="refresh">``,
and a link to click), not by a redirect: the site's Content-Security-Policy allows
forms to submit to the site only (``form-action 'self'``), and browsers hold a form's
redirect to another site to that rule, so a 302 to the Mastodon server would be
blocked. Loosening the policy would let a form injected into any page send its data
anywhere; a forwarding page keeps it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.core import ratelimit
from turnout.core.views import too_many_requests
from turnout.events import selectors as events
from turnout.events import sharing

COOKIE = "turnout_mastodon"
YEAR = 365 * 24 * 60 * 60
PAGE = "pages/share_mastodon.html"
FORWARD = "pages/share_forward.html"


@require_http_methods(["GET", "POST"])
def share_mastodon(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = events.public_event(group_slug=group, event_slug=event)
    if found is None:
        raise Http404
    remembered = request.COOKIES.get(COOKIE, "")
    if request.method == "GET":
        return _page(request, found, server=remembered)
    rule = ("share-mastodon", settings.TURNOUT_SHARE_PER_CLIENT, 60)
    if ratelimit.over_limit(request, rule, ratelimit.client_address(request)):
        message = _("Too many requests from your connection. Wait a minute and try again.")
        return too_many_requests(request, message, rule[2])
    typed = request.POST.get("server", "")
    try:
        server = sharing.mastodon_server(typed=typed, remembered=remembered)
    except ValidationError as exc:
        return _page(request, found, server=typed, error=exc.messages[0], status=400)
    context = {
        "event": found,
        "server": server,
        "target": sharing.mastodon_share_url(found, server=server),
    }
    response = render(request, FORWARD, context)
    patch_cache_control(response, private=True, no_store=True)
    response.set_cookie(
        COOKIE, server, max_age=YEAR, httponly=True, samesite="Lax", secure=request.is_secure()
    )
    return response


def _page(request, event, *, server: str, error: str = "", status: int = 200) -> HttpResponse:
    context = {"event": event, "group": event.group, "server": server, "error": error}
    response = render(request, PAGE, context, status=status)
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, private=True, no_cache=True)
    return response
