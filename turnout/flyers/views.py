"""Flyer downloads: ``flyer.pdf?size=A4|A5`` to print and ``flyer.png`` to post.

Published and cancelled events' flyers are public; a draft's only for its group's
organisers (404 for anyone else, who learns nothing). Files come from the on-disk cache
(``turnout.flyers.cache``) and carry the hash of what they show as their ETag.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from turnout.events import selectors as events
from turnout.events.models import Event
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


def _send(request, event: Event, key: str, content_type: str, make, filename: str):
    etag = f'"{key}"'
    private = event.status not in events.PUBLIC_STATUSES
    cache_control = "private, no-cache" if private else "public, max-age=300"
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(make(), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


@require_safe
def flyer_pdf(request: HttpRequest, group: str, event: str) -> HttpResponse:
    size = request.GET.get("size", "A4")
    found = _event(request, group, event)
    if size not in flyers.SIZES:
        context = {
            "status": 400,
            "title": _("There is no flyer of that size"),
            "message": _("A flyer can be printed in these sizes: %(sizes)s.")
            % {"sizes": ", ".join(flyers.SIZES)},
        }
        return render(request, "core/error.html", context, status=400)
    return _send(
        request,
        found,
        flyers.flyer_pdf_key(found, size),
        "application/pdf",
        lambda: flyers.flyer_pdf(found, size),
        f"{found.slug}-{size}.pdf",
    )


@require_safe
def flyer_png(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = _event(request, group, event)
    return _send(
        request,
        found,
        flyers.flyer_png_key(found),
        "image/png",
        lambda: flyers.flyer_png(found),
        f"{found.slug}.png",
    )
