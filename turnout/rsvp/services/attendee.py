"""The attendee's own changes from their page: cancel, guests, a corrected name."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.events.models import Event
from turnout.rsvp import notify
from turnout.rsvp.models import (
    Registration,
)
from turnout.rsvp.services.registration import clean_guests, clean_name, guests_limit_message
from turnout.rsvp.services.seats import (
    cancel_locked,
    free_seats,
    lock_event,
    promote_waitlist,
    take_seats,
)

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
            now = timezone.now()
            if cancel_locked([current], now):
                promote_waitlist(event=registration.event)
                if by_attendee:  # a place given up: late, the organisers may want to know
                    notify.late_cancellation(registration.event, now)
            current.refresh_from_db()
    return current


def _check_not_started(event: Event) -> None:
    if event.has_started:
        raise ValidationError(_("This meeting has started; the registration can no longer change."))


def _more_guests_error(current: Registration, guests: int) -> str | None:
    """Why ``guests`` cannot come with this party, or None when they can: the seats are
    then taken here, by the same conditional statement as any seat (``take_seats``)."""
    event = current.event
    if guests > event.max_guests:
        return guests_limit_message(event)
    if not current.takes_seats:  # more would pass the people waiting, or the organisers
        return _("While you wait, you can bring fewer guests, not more.")
    more = guests - current.guests
    if not take_seats(current.event_id, more, hold=current.status == Status.HELD):
        return _("The meeting is full: there is no free seat for another guest.")
    return None


def change_details(*, registration: Registration, name: str, guests) -> Registration:
    """The attendee corrects their name, or changes how many guests they bring: fewer
    free seats for the waitlist; more take free seats, up to the meeting's limit, only
    for a party that has its seats (someone waiting adding guests would pass others)."""
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
        if guests is not None and guests < 0:
            errors["guests"] = _("The number of guests cannot be negative.")
        elif guests is not None and guests > current.guests:
            current.event = registration.event
            refused = _more_guests_error(current, guests)
            if refused:
                errors["guests"] = refused
        if errors:
            raise ValidationError(errors)
        fewer = max(current.guests - guests, 0)
        current.name, current.guests = name, guests
        current.save(update_fields=["name", "guests"])
        if fewer and current.takes_seats:
            free_seats(current.event_id, fewer, held=fewer if current.status == Status.HELD else 0)
        if fewer and current.status in (Status.CONFIRMED, Status.HELD, Status.WAITLISTED):
            promote_waitlist(event=registration.event)  # seats freed, or a smaller party fits
            current.refresh_from_db()
    return current
