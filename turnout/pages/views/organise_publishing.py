"""After publishing and taking back: "Now spread it" (the meeting's link, the share panel,
the poster, the followers), unpublish and delete (turnout.events.publishing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from turnout.core.links import absolute_url
from turnout.events import publishing
from turnout.events import selectors as events_selectors
from turnout.events.models import Event


def _event(request: HttpRequest, group: str, event: str) -> Event:
    """The meeting if ``request.user`` organises its group; 404 otherwise."""
    return events_selectors.event_for_organiser(
        user=request.user, group_slug=group, event_slug=event
    )


def _to_edit(event: Event) -> HttpResponse:
    return redirect("organise:event_edit", group=event.group.slug, event=event.slug)


@login_required
@require_GET
def event_spread(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """The step after publishing: where the organiser tells people."""
    found = _event(request, group, event)
    context = {
        "event": found,
        "group": found.group,
        "link": absolute_url("public:event", group=found.group.slug, event=found.slug),
    }
    return render(request, "pages/organise/spread.html", context)


@login_required
@require_POST
def event_unpublish(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = _event(request, group, event)
    try:
        publishing.unpublish_event(event=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Back to draft: only the group’s organisers see it. Calendars that had it "
                "show it as cancelled."
            ),
        )
    return _to_edit(found)


@login_required
@require_http_methods(["GET", "POST"])
def event_delete(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """GET asks "are you sure?"; the POST from that page deletes."""
    found = _event(request, group, event)
    if request.method == "GET":
        context = {"event": found, "group": found.group}
        return render(request, "pages/organise/event_delete.html", context)
    try:
        publishing.delete_event(event=found, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_edit(found)
    messages.success(
        request,
        _("The meeting is deleted. Its web address stays reserved, so no other meeting takes it."),
    )
    return redirect("organise:group", group=found.group.slug)
