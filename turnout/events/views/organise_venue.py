"""“New venue…” from the meeting form, without JavaScript: the button posts the form
here (``to_new_venue``), what was typed is kept (turnout.events.venue_drafts), a small
venue form follows, and the meeting form comes back with it all and the venue chosen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.events import venue_drafts
from turnout.events.forms import EventForm
from turnout.events.models import Event
from turnout.groups import selectors as groups
from turnout.groups import services as groups_services
from turnout.groups.forms import VenueForm
from turnout.groups.models import Group

# The meeting form's submit button that leads here.
BUTTON = "new_venue"


def to_new_venue(request: HttpRequest, *, group: Group, event: Event | None = None) -> HttpResponse:
    """The meeting form was posted with “New venue…”: nothing is checked or saved."""
    key = venue_drafts.keep(
        request.session,
        user=request.user,
        group=group,
        event_slug=event.slug if event else None,
        data=request.POST,
        fields=EventForm.base_fields,
    )
    return redirect("organise:meeting_venue_new", group=group.slug, key=key)


def restored(request: HttpRequest, *, group: Group, event: Event | None = None):
    """What the meeting form shows again on its return from the venue form (its
    ``typed``), or None; says so when the draft is no longer kept."""
    key = request.GET.get("draft")
    if request.method != "GET" or key is None:
        return None
    event_slug = event.slug if event else None
    draft = venue_drafts.take(
        request.session, key=key, user=request.user, group=group, event_slug=event_slug
    )
    if draft is None:
        messages.warning(request, _gone())
    return draft


def _gone() -> str:
    return _(
        "The meeting form you came from is no longer kept: it is kept in this browser "
        "only, until you are back in it once. Please fill it in again."
    )


def _meeting_form(draft: dict, *, key: str, group: Group) -> str:
    """Where the venue form returns: built from the draft, never from the request."""
    if draft["event"] is None:
        path = reverse("organise:event_new", kwargs={"group": group.slug})
    else:
        path = reverse("organise:event_edit", kwargs={"group": group.slug, "event": draft["event"]})
    return f"{path}?{urlencode({'draft': key})}"


@login_required
@require_http_methods(["GET", "POST"])
def meeting_venue_new(request: HttpRequest, group: str, key: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    draft = venue_drafts.find(request.session, key=key, user=request.user, group=found)
    if draft is None:  # stale, forged, another session's or another group's
        if request.method == "POST":
            messages.error(request, _gone())
            return redirect(request.path)
        context = {"group": found, "gone": _gone()}
        return render(request, "events/organise/meeting_venue.html", context)
    form = VenueForm(request.POST or None)
    back = _meeting_form(draft, key=key, group=found)
    if request.method == "POST" and form.is_valid():
        venue = groups_services.create_venue(group=found, **form.cleaned_data)
        venue_drafts.choose_venue(request.session, key=key, venue=venue)
        messages.success(
            request, _("Venue saved and chosen. The meeting is not saved yet: check it and save.")
        )
        return redirect(back)
    context = {"form": form, "group": found, "title": venue_drafts.title(draft), "back": back}
    return render(request, "events/organise/meeting_venue.html", context)
