"""Requests for a place, on meetings whose organisers approve each one
(``Event.approval_required``).

A request takes no seat and no waitlist place: ``Event.seats_taken`` and ``seats_held``
never count it. Approving gives it a seat by the same conditional UPDATE as any
registration (``seats.take_seats``), under the event's lock, or, when the meeting is
full, the back of the waitlist; declining ends it with a neutral email. Both are
recorded in the group's audit log (the organiser, the meeting, the party's size). A
request lapses when its meeting starts: ``approve`` refuses it from then on, and the
periodic job cancels it (``seats.lapse_requests``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.events.models import Event
from turnout.groups import audit
from turnout.rsvp.models import Registration
from turnout.rsvp.services.emails import email_attendee
from turnout.rsvp.services.seats import lock_event, take_seats, waitlist_position_at_back

Status = Registration.Status
Action = audit.Action


class NotPending(ValidationError):
    """The registration is not a request an organiser can answer now; the message says why."""


def request_confirmed(registration: Registration, event: Event) -> None:
    """The person confirmed the email of their request (locked): it now waits for the
    organisers, and the person is told so."""
    registration.status, registration.hold_expires_at = Status.REQUESTED, None
    registration.save(update_fields=["status", "hold_expires_at"])
    registration.event = event
    email_attendee(registration)


def _pending(registration: Registration) -> tuple[Registration, Event]:
    """Lock the event, then the registration (the order every change takes); the two as
    they are now, or NotPending saying why the request cannot be answered."""
    lock_event(registration.event_id)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    event = Event.objects.select_related("group").get(pk=current.event_id)
    name = current.display_name
    if current.anonymised_at or current.status == Status.CANCELLED:
        raise NotPending(_("This request was withdrawn, or it lapsed; nothing was changed."))
    if current.status == Status.DECLINED:
        raise NotPending(_("%(name)s’s request was declined.") % {"name": name})
    if current.status == Status.REQUEST_UNCONFIRMED:
        raise NotPending(
            _(
                "%(name)s has not confirmed their email address yet: their request can be "
                "approved once they have."
            )
            % {"name": name}
        )
    if current.status != Status.REQUESTED:
        raise NotPending(_("%(name)s’s request was approved already.") % {"name": name})
    if event.is_cancelled:
        raise NotPending(_("This meeting was cancelled; nothing was changed."))
    if event.has_started:
        raise NotPending(_("This request lapsed when the meeting started; nothing was changed."))
    return current, event


def _record(event: Event, by, action: str, count: int) -> None:
    if by is not None:
        audit.record(group=event.group, actor=by, action=action, subject=event.title, count=count)


def approve(*, registration: Registration, by) -> Registration:
    """An organiser (``by``) approves a request: confirmed with its seats if the whole
    party fits, else on the waitlist at its back (promoted in turn like anyone waiting).
    Either way the person gets the usual email for it. Twice approves once: NotPending."""
    with transaction.atomic():
        current, event = _pending(registration)
        now = timezone.now()
        if take_seats(event.pk, current.seats):
            current.status, current.confirmed_at = Status.CONFIRMED, now
        else:
            current.status = Status.WAITLISTED
            current.waitlist_position = waitlist_position_at_back(event.pk)
        current.save(update_fields=["status", "confirmed_at", "waitlist_position"])
        current.event = event
        email_attendee(current)
        _record(event, by, Action.REQUEST_APPROVED, current.seats)
    return current


def decline(*, registration: Registration, by) -> Registration:
    """An organiser (``by``) declines a request: the person gets a neutral email that gives
    no reason, and may ask again from the meeting's page (a new request)."""
    with transaction.atomic():
        current, event = _pending(registration)
        current.status = Status.DECLINED
        current.save(update_fields=["status"])
        current.event = event
        email_attendee(current)
        _record(event, by, Action.REQUEST_DECLINED, current.seats)
    return current
