"""The organisers' requests page, on a meeting whose organisers approve each place: who
asked, what they wrote, when; approve or decline each one (``services.requests``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from turnout.rsvp import selectors, services
from turnout.rsvp.models import Registration
from turnout.rsvp.views.organise import event_for_organiser


@login_required
@require_GET
def requests(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    context = {
        "event": found,
        "group": found.group,
        "requests": selectors.pending_requests(event=found),
        **selectors.request_counts(event=found),
    }
    return render(request, "rsvp/organise/requests.html", context)


def _tell(request: HttpRequest, answered: Registration) -> None:
    """What became of the request, as a message to the organiser."""
    name, Status = answered.display_name, Registration.Status
    if answered.status == Status.DECLINED:
        messages.success(
            request,
            _("%(name)s’s request is declined; they are told, without a reason.") % {"name": name},
        )
    elif answered.status == Status.CONFIRMED:
        messages.success(
            request, _("%(name)s is approved: their place is confirmed.") % {"name": name}
        )
    else:
        messages.warning(
            request,
            _(
                "The meeting is full: %(name)s is approved and on the waitlist, at its end. "
                "They get a seat if one frees up."
            )
            % {"name": name},
        )


def _answer(request: HttpRequest, group: str, event: str, registration: int, act) -> HttpResponse:
    """Run ``act(registration)``, then back to the requests page saying what it did, or
    why it did nothing (NotPending)."""
    found = event_for_organiser(request, group, event)
    target = get_object_or_404(found.registrations, pk=registration)
    try:
        _tell(request, act(target))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("organise:registration_requests", group=found.group.slug, event=found.slug)


@login_required
@require_POST
def approve(request: HttpRequest, group: str, event: str, registration: int) -> HttpResponse:
    return _answer(
        request, group, event, registration,
        lambda target: services.approve(registration=target, by=request.user),
    )  # fmt: skip


@login_required
@require_POST
def decline(request: HttpRequest, group: str, event: str, registration: int) -> HttpResponse:
    return _answer(
        request, group, event, registration,
        lambda target: services.decline(registration=target, by=request.user),
    )  # fmt: skip
