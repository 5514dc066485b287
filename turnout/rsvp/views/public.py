"""The attendee's own page, reached by the secret token in every email to them.

Opening it changes nothing (mail scanners open links); only its buttons' POSTs act.
The RSVP form's POST belongs to the meeting page (``turnout.pages.views.meeting``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from turnout.rsvp import privacy, selectors, services
from turnout.rsvp.forms import DetailsForm
from turnout.rsvp.links import check_in_qr_data_uri
from turnout.rsvp.messages import messages_for
from turnout.rsvp.models import Registration


def _link_not_working(request: HttpRequest) -> HttpResponse:
    return render(request, "rsvp/link_not_working.html", status=404)


def _found(token: str) -> Registration | None:
    return selectors.registration_for_token(token=token)


@require_GET
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    registration = _found(token)
    if registration is None:
        return _link_not_working(request)
    return _page(request, registration, token, _details_form(registration))


def _details_form(registration: Registration, data=None) -> DetailsForm:
    return DetailsForm(data, registration=registration, full=registration.event.is_full)


def _page(request, registration: Registration, token: str, form: DetailsForm, status=200):
    event, Status = registration.event, Registration.Status
    # A hold past its expiry, or a request whose meeting started, shows as what it is
    # about to become (the periodic job cancels it).
    lapsed = registration.status == Status.REQUESTED and event.has_started
    cancelled = registration.status == Status.CANCELLED or lapsed
    cancelled = cancelled or services.hold_expired(registration)
    gone = cancelled or registration.status == Status.DECLINED
    context = {
        "registration": registration,
        "shown_status": Status.CANCELLED if cancelled else registration.status,
        "is_request": registration.status in Registration.PENDING_REQUEST,
        "event": event,
        "group": event.group,
        "token": token,
        "details_form": form,
        "waitlist_place": selectors.waitlist_place(registration=registration),
        "organiser_messages": messages_for(registration),
        # Waiting only because the seats left are held for people yet to confirm.
        "held_back": event.capacity is None
        or event.capacity - event.seats_taken >= registration.seats,
        "can_change": not (gone or event.is_cancelled or event.has_started),
        "check_in_image": check_in_qr_data_uri(registration)
        if registration.status == Status.CONFIRMED and not (event.is_cancelled or event.is_past)
        else "",
        "register_again": gone and not services.closed_reason(event),
        # Erasing cancels a place first, until the meeting is over (turnout.rsvp.privacy).
        "erase_frees_place": not (gone or event.is_past or event.is_cancelled),
    }
    return render(request, "rsvp/registration.html", context, status=status)


def _act(request: HttpRequest, token: str, action) -> HttpResponse:
    """Run ``action(registration)``, which says what it did; back to the page with that
    or with the reason it failed."""
    registration = _found(token)
    if registration is None:
        return _link_not_working(request)
    try:
        done = action(registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("rsvp:registration", token=token)


def _confirm(registration: Registration) -> str:
    status = services.confirm(registration=registration).status
    if status == Registration.Status.CONFIRMED:
        return _("Thank you: your place is confirmed.")
    if status == Registration.Status.REQUESTED:
        return _("Thank you: your email is confirmed, and your request is with the organisers.")
    return _("Thank you: your email is confirmed, and you are on the waitlist.")


def _cancel(registration: Registration) -> str:
    services.cancel(registration=registration)
    return _("Done: your registration is cancelled. Thank you for letting us know.")


@require_POST
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _act(request, token, _confirm)


@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    return _act(request, token, _cancel)


@require_POST
def change_details(request: HttpRequest, token: str) -> HttpResponse:
    registration = _found(token)
    if registration is None:
        return _link_not_working(request)
    form = _details_form(registration, request.POST)
    if form.is_valid():
        guests = form.cleaned_data.get("guests", registration.guests)
        try:
            services.change_details(
                registration=registration, name=form.cleaned_data["name"], guests=guests
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # about the registration: its page has no form
                messages.error(request, " ".join(exc.messages))
                return redirect("rsvp:registration", token=token)
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("rsvp:registration", token=token)
    return _page(request, registration, token, form, status=400)


@require_POST
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """The second step of "Erase my details": the link dies with it, so the answer is
    a page of its own, not a redirect back to the registration."""
    registration = _found(token)
    if registration is None:
        return _link_not_working(request)
    event = registration.event
    privacy.erase_registration(registration=registration)
    return render(request, "rsvp/erased.html", {"event": event, "group": event.group})


@require_GET
def calendar_file(request: HttpRequest, token: str) -> HttpResponse:
    registration = _found(token)
    if registration is None:
        return _link_not_working(request)
    response = HttpResponse(
        services.calendar_file(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return response
