"""The organisers' view of a meeting's registrations: who is coming, and changes to it.

Every change goes through ``turnout.rsvp.services`` (and the event's capacity through
``turnout.events.services``), so seats and the waitlist stay right. Other people get
404 on every page, as on the rest of /organise/.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from turnout.core.csvexport import csv_download
from turnout.events import selectors as event_selectors
from turnout.events import services as events
from turnout.events.models import Event
from turnout.rsvp import selectors, services
from turnout.rsvp.forms import AddForm, CapacityForm

PER_PAGE = 100
EXPORTS_SHOWN = 10
FILTER_LABELS = {
    "confirmed": pgettext_lazy("registrations shown", "Confirmed"),
    "held": pgettext_lazy("registrations shown", "Held"),
    "waitlisted": pgettext_lazy("registrations shown", "Waitlisted"),
    "requested": pgettext_lazy("registrations shown", "Requested"),
    "declined": pgettext_lazy("registrations shown", "Declined"),
    "cancelled": pgettext_lazy("registrations shown", "Cancelled"),
    "attended": pgettext_lazy("registrations shown", "Attended"),
}
APPROVAL_FILTERS = {"requested", "declined"}  # offered where there are requests to answer


def event_for_organiser(request: HttpRequest, group: str, event: str) -> Event:
    return event_selectors.event_for_organiser(
        user=request.user, group_slug=group, event_slug=event
    )


def _back(event: Event) -> HttpResponse:
    return redirect("organise:registrations", group=event.group.slug, event=event.slug)


def found_exports(event: Event):
    return event.exports.select_related("exported_by")[:EXPORTS_SHOWN]


def _page(request, event: Event, *, add_form=None, capacity_form=None):
    shown = request.GET.get("show", "")
    search = request.GET.get("q", "")[:200]
    found = selectors.registrations_for_organisers(event=event, shown=shown, search=search)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.registration_counts(event=event)
    context = {
        "event": event,
        "group": event.group,
        "page": page,
        "all_count": counts["all"],
        "filters": [
            (name, FILTER_LABELS[name], counts[name])
            for name in selectors.SHOWN
            if counts[name] or event.approval_required or name not in APPROVAL_FILTERS
        ],
        "shown": shown if shown in selectors.SHOWN else "",
        "search": search,
        "add_form": add_form or AddForm(),
        "capacity_form": capacity_form or CapacityForm(initial={"capacity": event.capacity}),
        "exports": found_exports(event),
        "over_by": max(event.seats_taken - event.capacity, 0) if event.capacity is not None else 0,
    }
    return render(request, "rsvp/organise/registrations.html", context)


@login_required
@require_GET
def registrations(request: HttpRequest, group: str, event: str) -> HttpResponse:
    return _page(request, event_for_organiser(request, group, event))


@login_required
@require_POST
def add(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    form = AddForm(request.POST)
    if form.is_valid():
        try:
            added = services.add_by_organiser(event=found, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if added.over_capacity:
                messages.warning(
                    request,
                    _("%(name)s is added, over the capacity (recorded).")
                    % {"name": added.display_name},
                )
            else:
                messages.success(request, _("%(name)s is added.") % {"name": added.display_name})
            return _back(found)
    return _page(request, found, add_form=form)


@login_required
@require_POST
def remove(request: HttpRequest, group: str, event: str, registration: int) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    target = get_object_or_404(found.registrations, pk=registration)
    target.event = found
    services.remove(registration=target, by=request.user)
    messages.success(request, _("%(name)s is removed.") % {"name": target.display_name})
    return _back(found)


@login_required
@require_POST
def capacity(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            found = events.change_capacity(event=found, capacity=form.cleaned_data["capacity"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The capacity is changed."))
            return _back(found)
    return _page(request, found, capacity_form=form)


@login_required
@require_POST
def export(request: HttpRequest, group: str, event: str) -> StreamingHttpResponse:
    """The attendee list as CSV: a POST, because each export is recorded (who, when)."""
    found = event_for_organiser(request, group, event)
    lines = services.export_attendees(event=found, by=request.user)
    return csv_download(lines, f"{found.group.slug}-{found.slug}-registrations.csv")


@login_required
@require_POST
def printable(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """The list to print for the door (PDF). A POST: it is recorded as an export."""
    found = event_for_organiser(request, group, event)
    response = HttpResponse(
        services.attendee_list_pdf(event=found, by=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{found.slug}-attendees.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
