"""The attendee's own changes from their page: cancel, fewer guests, a corrected name."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.events.models import Event
from turnout.rsvp.models import (
    Registration,
)
from turnout.rsvp.services.registration import clean_guests, clean_name
from turnout.rsvp.services.seats import cancel_locked, free_seats, lock_event, promote_waitlist

Status = Registration.Status


def cancel(*, registration: Registration) -> Registration:
    """Cancel a place or leave the waitlist; freed seats go to the waitlist. Twice is harmless.

    Not once the meeting has started: the registration is then a record of who came.
    """
    return cancel_registration(registration, by_attendee=True)


def cancel_registration(registration: Registration, *, by_attendee: bool) -> Registration:
    with transaction.atomic():
        lock_event(registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if by_attendee:
            _check_not_started(registration.event)
        if current.status != Status.CANCELLED:
            if cancel_locked([current], timezone.now()):
                promote_waitlist(event=registration.event)
            current.refresh_from_db()
    return current


def _check_not_started(event: Event) -> None:
    if event.has_started:
        raise ValidationError(_("This meeting has started; the registration can no longer change."))


def _more_guests_message(guests: int) -> str:
    if guests == 0:
        return _("You registered without guests. To bring someone, cancel and register again.")
    return ngettext(
        "You can lower the number of guests here, from %(n)s guest to none. "
        "To bring more, cancel and register again.",
        "You can lower the number of guests here, from %(n)s guests to none. "
        "To bring more, cancel and register again.",
        guests,
    ) % {"n": guests}


def change_details(*, registration: Registration, name: str, guests) -> Registration:
    """The attendee corrects their name or brings fewer guests; freed seats go to the waitlist.

    More guests cannot be added here: they would pass the people waiting. For that the
    attendee cancels and registers again, or asks the organisers.
    """
    errors = {}
    name = clean_name(name, errors)
    guests = clean_guests(guests, errors)
    with transaction.atomic():
        lock_event(registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_not_started(registration.event)
        if registration.event.is_cancelled:
            raise ValidationError(_("This meeting was cancelled; there is nothing to change."))
        if current.status in (Status.CANCELLED, Status.DECLINED):
            raise ValidationError(_("This registration was cancelled; register again instead."))
        if guests is not None and not 0 <= guests <= current.guests:
            errors["guests"] = _more_guests_message(current.guests)
        if errors:
            raise ValidationError(errors)
        fewer = current.guests - guests
        current.name, current.guests = name, guests
        current.save(update_fields=["name", "guests"])
        if fewer and current.takes_seats:
            free_seats(current.event_id, fewer, held=fewer if current.status == Status.HELD else 0)
        if fewer and current.status in (Status.CONFIRMED, Status.HELD, Status.WAITLISTED):
            promote_waitlist(event=registration.event)  # seats freed, or a smaller party fits
            current.refresh_from_db()
    return current
