"""The organiser's pages that show several apps at once: the dashboard, a group's page
(its meetings) and its settings, and a meeting's page (whether the people registered
have been told of a change)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.events import selectors as events_selectors
from turnout.events import services as events
from turnout.events.forms import EventForm
from turnout.events.models import Event
from turnout.events.views import organise_venue as meeting_venue
from turnout.groups import selectors as groups
from turnout.pages import selectors
from turnout.rsvp import notices
from turnout.rsvp import selectors as rsvp_selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The organiser's week: their next meetings across their groups, drafts waiting,
    the last announcements, and their groups."""
    user = request.user
    context = {
        "next_meetings": selectors.next_meetings(user=user),
        "drafts": selectors.drafts_waiting(user=user),
        "announcements": selectors.last_announcements(user=user),
        "groups": groups.groups_organised_by(user=user),
    }
    return render(request, "pages/organise/dashboard.html", context)


@login_required
def group_home(request: HttpRequest, group: str) -> HttpResponse:
    """A group's page leads with its meetings; its settings are one link away."""
    found = groups.group_for_organiser(user=request.user, slug=group)
    upcoming, past = selectors.group_meetings(group=found)
    context = {"group": found, "upcoming": upcoming, "past": past}
    return render(request, "pages/organise/group.html", context)


@login_required
def group_settings(request: HttpRequest, group: str) -> HttpResponse:
    """Everything about a group but its meetings; owners see their own links too."""
    found = groups.group_for_organiser(user=request.user, slug=group)
    context = {
        "group": found,
        "venues": found.venues.all(),
        "organisers": groups.organisers(group=found),
        "is_owner": groups.is_owner(group=found, user=request.user),
    }
    return render(request, "pages/organise/group_settings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = events_selectors.event_for_organiser(
        user=request.user, group_slug=group, event_slug=event
    )
    if meeting_venue.BUTTON in request.POST:
        return meeting_venue.to_new_venue(request, group=found.group, event=found)
    typed = meeting_venue.restored(request, group=found.group, event=found)
    unsaved = Event.objects.get(pk=found.pk)  # the form may change it before it is rejected
    form = EventForm(request.POST or None, instance=unsaved, group=found.group, typed=typed)
    preview = "preview" in request.POST  # the description shown rendered; nothing saved
    if request.method == "POST" and not preview and form.is_valid():
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
        "preview": preview,
        "group": found.group,
        "event": found,
        "notice": notices.pending_notice(event=found),
        "requests_waiting": rsvp_selectors.request_counts(event=found)["waiting"],
    }
    return render(request, "events/organise/event_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """GET asks "are you sure?"; the POST from that page cancels."""
    found = events_selectors.event_for_organiser(
        user=request.user, group_slug=group, event_slug=event
    )
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
