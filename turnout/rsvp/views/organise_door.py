"""Door check-in, on a phone: find a name, tap to check in, undo, add a walk-in, or
scan the QR code in someone's confirmation email.

Works without JavaScript (each tap is a form POST that comes back to the page); with
it, the count of people checked in also updates by itself (rsvp/door.js).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from turnout.groups import selectors as groups
from turnout.rsvp import links, selectors, services
from turnout.rsvp.models import Registration
from turnout.rsvp.views.organise import event_for_organiser

SHOWN_AT_ONCE = 50


def _back(request: HttpRequest, event) -> HttpResponse:
    url = reverse("organise:door", kwargs={"group": event.group.slug, "event": event.slug})
    search = request.POST.get("q", "")[:200]
    return redirect(f"{url}?{urlencode({'q': search})}" if search else url)


@login_required
@require_GET
def door(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    search = request.GET.get("q", "")[:200]
    people = selectors.door_list(event=found, search=search)
    services.open_door_list(event=found, by=request.user)
    context = {
        "event": found,
        "group": found.group,
        "search": search,
        "people": people[:SHOWN_AT_ONCE],
        "more": max(people.count() - SHOWN_AT_ONCE, 0) if search else 0,
        **selectors.door_counts(event=found),
    }
    return render(request, "rsvp/organise/door.html", context)


@login_required
@require_GET
def door_counts(request: HttpRequest, group: str, event: str) -> JsonResponse:
    return JsonResponse(selectors.door_counts(event=event_for_organiser(request, group, event)))


def _act(request: HttpRequest, group: str, event: str, registration: int, action) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    target = get_object_or_404(found.registrations, pk=registration)
    try:
        messages.success(request, action(target))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, found)


@login_required
@require_POST
def check_in(request: HttpRequest, group: str, event: str, registration: int) -> HttpResponse:
    override = request.POST.get("override") == "1"

    def act(target) -> str:
        services.check_in(registration=target, by=request.user, override=override)
        return _("%(name)s is checked in.") % {"name": target.display_name}

    return _act(request, group, event, registration, act)


@login_required
@require_POST
def undo(request: HttpRequest, group: str, event: str, registration: int) -> HttpResponse:
    def act(target) -> str:
        services.undo_check_in(registration=target)
        return _("%(name)s is no longer checked in.") % {"name": target.display_name}

    return _act(request, group, event, registration, act)


@login_required
@require_POST
def walk_in(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    try:
        added = services.add_by_organiser(
            event=found, name=request.POST.get("name", ""), by=request.user, walk_in=True
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s is added and checked in.") % {"name": added.display_name}
        )
    return _back(request, found)


@login_required
@require_http_methods(["GET", "POST"])
def scanned(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a confirmation's QR code, opened by an organiser's phone camera.

    For the group's organisers: who it is, and a button to check them in (only the POST
    acts). For anyone else, and for a link that is not one we signed: 404, nothing more.
    """
    pk = links.registration_pk_from_check_in(token)
    registration = get_object_or_404(
        Registration.objects.select_related("event__group"),
        pk=pk,
        event__group__memberships__user=request.user,
    )
    groups.check_two_factor(user=request.user, group=registration.event.group)
    if request.method == "POST":
        try:
            services.check_in(
                registration=registration,
                by=request.user,
                override=request.POST.get("override") == "1",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(name)s is checked in.") % {"name": registration.display_name}
            )
        return redirect("organise:check_in", token=token)
    context = {"registration": registration, "event": registration.event, "token": token}
    return render(request, "rsvp/organise/scanned.html", context)
