"""Flyer downloads: ``flyer.pdf?size=A4|A5`` to print and ``flyer.png`` to post.

Published and cancelled events' flyers are public; a draft's only for its group's
organisers (404 for anyone else, who learns nothing). Files come from the on-disk cache
(``turnout.flyers.cache``) and carry the hash of what they show as their ETag.

Working out that hash reads the event and its blocks (a comparison table is five
queries). For anonymous visitors each process remembers it for a few seconds
(``turnout.core.pagecache.recent``), so a widely shared link's downloads are a file
read; a change shows within those seconds, as on the event page.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from turnout.core import pagecache
from turnout.events import selectors as events
from turnout.events.models import Event
from turnout.flyers import cache
from turnout.flyers import render as flyers
from turnout.groups import selectors as groups


def _event(request: HttpRequest, group: str, event: str) -> Event:
    found = events.public_event(group_slug=group, event_slug=event)
    if found is None and request.user.is_authenticated:
        organised = groups.group_for_organiser(user=request.user, slug=group)  # or 404
        found = events.events_for_organisers(group=organised).filter(slug=event).first()
    if found is None:
        raise Http404
    return found


def _public_key(group: str, event: str, size: str) -> tuple[str, str, bool] | None:
    """The hash naming a public event's flyer, the event's slug and whether it is
    unlisted; None for no such public event."""
    found = events.public_event(group_slug=group, event_slug=event)
    if found is None:
        return None
    key, _make = flyers.prepare(found, size)
    return key, found.slug, found.unlisted


def _response(
    request, *, key: str, content, private: bool, content_type: str, filename: str, unlisted: bool
):
    """``content()`` as a download, or 304 when the visitor has this version already.
    Shared caches keep no copy of a draft's or an unlisted meeting's, and search engines
    are asked not to index an unlisted meeting's."""
    etag = f'"{key}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content(), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = (
        "private, no-cache" if private or unlisted else "public, max-age=300"
    )
    if unlisted:
        response["X-Robots-Tag"] = "noindex"
    return response


def _filename(slug: str, size: str) -> str:
    return f"{slug}.png" if size == flyers.SOCIAL else f"{slug}-{size}.pdf"


def _send(request: HttpRequest, group: str, event: str, size: str) -> HttpResponse:
    suffix, content_type = (
        ("png", "image/png") if size == flyers.SOCIAL else ("pdf", "application/pdf")
    )
    if pagecache.cacheable(request):
        known = pagecache.recent(
            f"flyer:{group}:{event}:{size}",
            lambda: _public_key(group, event, size),
            follows=[pagecache.group_scope(group)],
        )
        if known is None:
            raise Http404
        key, slug, unlisted = known
        stored = cache.read(key, suffix)
        if stored is not None:
            return _response(
                request,
                key=key,
                content=lambda: stored,
                private=False,
                content_type=content_type,
                filename=_filename(slug, size),
                unlisted=unlisted,
            )
    found = _event(request, group, event)
    key, make = flyers.prepare(found, size)
    return _response(
        request,
        key=key,
        content=make,
        private=found.status not in events.PUBLIC_STATUSES,
        content_type=content_type,
        filename=_filename(found.slug, size),
        unlisted=found.unlisted,
    )


@require_safe
def flyer_pdf(request: HttpRequest, group: str, event: str) -> HttpResponse:
    size = request.GET.get("size", "A4")
    if size not in flyers.SIZES:
        _event(request, group, event)  # a 404 first, for a draft or no such event
        context = {
            "status": 400,
            "title": _("There is no flyer of that size"),
            "message": _("A flyer can be printed in these sizes: %(sizes)s.")
            % {"sizes": ", ".join(flyers.SIZES)},
        }
        return render(request, "core/error.html", context, status=400)
    return _send(request, group, event, size)


@require_safe
def flyer_png(request: HttpRequest, group: str, event: str) -> HttpResponse:
    return _send(request, group, event, flyers.SOCIAL)
