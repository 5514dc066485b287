"""The organiser's side of events: create, publish, duplicate (editing and cancelling
show what rsvp says of the people registered: ``turnout.pages.views.organise``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from turnout.events import selectors
from turnout.events import services as events
from turnout.events.forms import EventForm
from turnout.events.views import organise_venue as meeting_venue
from turnout.groups import selectors as groups


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    if meeting_venue.BUTTON in request.POST:
        return meeting_venue.to_new_venue(request, group=found)
    typed = meeting_venue.restored(request, group=found)
    form = EventForm(request.POST or None, group=found, typed=typed)
    preview = "preview" in request.POST  # the description shown rendered; nothing saved
    if request.method == "POST" and not preview and form.is_valid():
        try:
            event = events.create_event(group=found, allow_past_start=False, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("organise:event_edit", group=found.slug, event=event.slug)
    context = {"form": form, "group": found, "preview": preview}
    return render(request, "events/organise/event_form.html", context)


def _published_message(event) -> str:
    if event.unlisted:
        return _("Published. It is unlisted: only people you give its link to can find it.")
    return _("Published: the meeting is now on the public pages.")


@login_required
@require_POST
def event_publish(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = selectors.event_for_organiser(user=request.user, group_slug=group, event_slug=event)
    try:
        events.publish_event(event=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _published_message(found))
        # The next step: its link, share buttons, poster, the followers (turnout.pages).
        return redirect("organise:event_spread", group=found.group.slug, event=found.slug)
    return redirect("organise:event_edit", group=found.group.slug, event=found.slug)


@login_required
@require_POST
def event_duplicate(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = selectors.event_for_organiser(user=request.user, group_slug=group, event_slug=event)
    copy = events.duplicate_event(event=found)
    messages.success(
        request,
        _("A draft copy for %(date)s is ready to check and publish.")
        % {"date": copy.start_date.isoformat()},
    )
    return redirect("organise:event_edit", group=copy.group.slug, event=copy.slug)
