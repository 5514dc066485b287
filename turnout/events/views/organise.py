"""The organiser's side of events: create, edit, publish, cancel, duplicate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from turnout.events import services as events
from turnout.events.forms import EventForm
from turnout.events.models import Event
from turnout.groups import selectors as groups
from turnout.rsvp import notices


def _event_for_organiser(request: HttpRequest, group: str, event: str) -> Event:
    found = groups.group_for_organiser(user=request.user, slug=group)
    events_of_group = Event.objects.select_related("group", "venue").filter(group=found)
    return get_object_or_404(events_of_group, slug=event)


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    form = EventForm(request.POST or None, group=found)
    if request.method == "POST" and form.is_valid():
        try:
            event = events.create_event(group=found, allow_past_start=False, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("organise:event_edit", group=found.slug, event=event.slug)
    return render(request, "events/organise/event_form.html", {"form": form, "group": found})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = _event_for_organiser(request, group, event)
    unsaved = Event.objects.get(pk=found.pk)  # the form may change it before it is rejected
    form = EventForm(request.POST or None, instance=unsaved, group=found.group)
    if request.method == "POST" and form.is_valid():
        try:
            found = events.update_event(event=found, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            found.refresh_from_db()  # the page shows the meeting as it still is
        else:
            messages.success(request, _("Meeting saved."))
            if found.change_notice:  # people are registered: offer to tell them
                return _to_notice(found)
            return redirect("organise:event_edit", group=found.group.slug, event=found.slug)
    context = {
        "form": form,
        "group": found.group,
        "event": found,
        "notice": notices.pending_notice(event=found),
    }
    return render(request, "events/organise/event_form.html", context)


@login_required
@require_POST
def event_publish(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = _event_for_organiser(request, group, event)
    try:
        events.publish_event(event=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published: the meeting is now on the public pages."))
    return redirect("organise:event_edit", group=found.group.slug, event=found.slug)


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """GET asks "are you sure?"; the POST from that page cancels."""
    found = _event_for_organiser(request, group, event)
    if request.method == "GET":
        told = notices.recipients(event=found).count()
        context = {"event": found, "group": found.group, "registered": told}
        return render(request, "events/organise/event_cancel.html", context)
    events.cancel_event(event=found, by=request.user)
    messages.success(request, _("The meeting is marked as cancelled on its public page."))
    if found.change_notice:  # people are registered: offer to tell them
        return _to_notice(found)
    return redirect("organise:event_edit", group=found.group.slug, event=found.slug)


def _to_notice(event: Event) -> HttpResponse:
    return redirect("organise:change_notice", group=event.group.slug, event=event.slug)


@login_required
@require_POST
def event_duplicate(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = _event_for_organiser(request, group, event)
    copy = events.duplicate_event(event=found)
    messages.success(
        request,
        _("A draft copy for %(date)s is ready to check and publish.")
        % {"date": copy.start_date.isoformat()},
    )
    return redirect("organise:event_edit", group=copy.group.slug, event=copy.slug)
