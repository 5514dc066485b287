"""What organisers do with registrations: add people, remove them, export, and the door.

What an organiser does with attendees' data (an export, the door list, a check-in by
override, a removal) goes into the group's audit log in the same transaction, naming
the organiser (``by``), the meeting and a count, never the attendee. ``by`` is None
when no organiser acted (the attendee erasing their own registration, a script):
nothing is recorded then.
"""

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.core import bidi
from turnout.core.csvexport import csv_lines
from turnout.core.validators import normalise_email
from turnout.events.models import Event
from turnout.groups import audit
from turnout.groups.models import AuditEntry
from turnout.rsvp import selectors
from turnout.rsvp.links import new_link
from turnout.rsvp.models import (
    EMAIL_MAX_LENGTH,
    TAKING_SEATS,
    AttendeeExport,
    Registration,
)
from turnout.rsvp.services.attendee import cancel_registration
from turnout.rsvp.services.emails import email_attendee
from turnout.rsvp.services.registration import clean_guests, clean_name
from turnout.rsvp.services.seats import (
    add_seats_over_capacity,
    hold_confirmed,
    lock_event,
    take_seats,
)

Status = Registration.Status
Action = audit.Action
# The door page comes back after every check-in: its opening is recorded once in this
# long, per organiser and meeting, so the log says who had the list, not every tap.
DOOR_LIST_NOTED_EVERY = dt.timedelta(hours=1)


def _record(event: Event, by, action: str, count: int) -> None:
    if by is not None:
        audit.record(group=event.group, actor=by, action=action, subject=event.title, count=count)


# --- the organisers' additions ---

ORGANISER_GUESTS_LIMIT = 50


def remove(*, registration: Registration, by) -> Registration:
    """An organiser (``by``) removes a registration, at any time: as a cancellation, freed
    seats go to the waitlist. Twice is harmless (and recorded once, with the party's size)."""
    with transaction.atomic():
        lock_event(registration.event_id)
        was = Registration.objects.values_list("status", flat=True).get(pk=registration.pk)
        removed = cancel_registration(registration, by_attendee=False)
        if was != Status.CANCELLED:
            _record(registration.event, by, Action.REGISTRATION_REMOVED, removed.seats)
    return removed


def add_by_organiser(
    *, event: Event, name: str, email: str = "", guests=0, by, walk_in: bool = False
) -> Registration:
    """An organiser adds someone (who phoned, or a walk-in at the door): confirmed at once.

    If the party does not fit, it is given its seats over the capacity, on purpose, and
    the registration records that (``over_capacity``). The email address is optional;
    with one, the person gets the confirmation with their page's link. A walk-in is
    checked in as they are added.
    """
    errors = {}
    name = clean_name(name, errors)
    guests = clean_guests(guests, errors)
    if guests is not None and not 0 <= guests <= ORGANISER_GUESTS_LIMIT:
        errors["guests"] = _("Give between 0 and %(max)s guests.") % {"max": ORGANISER_GUESTS_LIMIT}
    email = str(email).strip()
    if len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = _("An email address can be at most %(max)s characters.") % {
            "max": EMAIL_MAX_LENGTH
        }
    elif email:
        try:
            email = normalise_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    cancelled = ValidationError(_("This meeting was cancelled; nobody can be added."))
    if event.is_cancelled:
        raise cancelled
    now = timezone.now()
    with transaction.atomic():
        lock_event(event.pk)
        if Event.objects.filter(pk=event.pk, status=Event.Status.CANCELLED).exists():
            raise cancelled  # a moment ago, in another request
        existing = None
        if email:
            existing = Registration.objects.filter(event=event, email=email).first()
            if existing is not None and existing.status != Status.CANCELLED:
                raise ValidationError(
                    {
                        "email": _("This address is registered already: %(status)s.")
                        % {"status": existing.get_status_display()}
                    }
                )
        registration = existing or Registration(event=event, email=email)
        seats = 1 + guests
        registration.over_capacity = not take_seats(event.pk, seats)
        if registration.over_capacity:
            add_seats_over_capacity(event.pk, seats)
        new_link(registration)
        registration.name, registration.guests, registration.access_needs = name, guests, ""
        registration.status, registration.waitlist_position = Status.CONFIRMED, None
        registration.created_at = registration.confirmed_at = now
        registration.hold_expires_at = registration.cancelled_at = None
        registration.source = (
            Registration.Source.WALK_IN if walk_in else Registration.Source.ORGANISER
        )
        registration.added_by = by
        registration.attended_at = now if walk_in else None
        registration.save()
        if email:
            email_attendee(registration)
    return registration


def export_attendees(*, event: Event, by) -> Iterator[str]:
    """The event's registrations as CSV lines, streamed; the export is recorded (who,
    when) for the group's organisers to see, and in the audit log for its owners."""
    with transaction.atomic():
        AttendeeExport.objects.create(event=event, exported_by=by, kind=AttendeeExport.Kind.CSV)
        _record(event, by, Action.EXPORT, event.registrations.count())
    return csv_lines(selectors.EXPORT_HEADER, selectors.attendee_rows(event=event))


# --- the door ---


def open_door_list(*, event: Event, by) -> None:
    """An organiser opened the door list: recorded, with how many people it holds, unless
    they opened this meeting's list within the hour (``DOOR_LIST_NOTED_EVERY``)."""
    if by is None:
        return
    recently = AuditEntry.objects.filter(
        group_id=event.group_id,
        actor=by,
        action=Action.DOOR_LIST,
        subject=event.title,
        created_at__gt=timezone.now() - DOOR_LIST_NOTED_EVERY,
    )
    if not recently.exists():
        _record(event, by, Action.DOOR_LIST, selectors.door_list(event=event).count())


def check_in(*, registration: Registration, by, override: bool = False) -> Registration:
    """Mark the person as here (the check-in time). Twice changes nothing.

    A held place is confirmed as they arrive. Someone waitlisted or cancelled is
    checked in only when the organiser (``by``) overrides, which is recorded on the
    registration and in the audit log; their status and the seats stay as they are.
    """
    with transaction.atomic():
        lock_event(registration.event_id)  # a held place's seats change: event first
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.attended_at:
            return current
        allowed = current.status in TAKING_SEATS
        if not allowed and not override:
            raise ValidationError(
                _(
                    "%(name)s is not confirmed (%(status)s). "
                    "Check them in anyway if you let them in."
                )
                % {"name": current.display_name, "status": current.get_status_display()}
            )
        now = timezone.now()
        current.attended_at, current.check_in_override = now, not allowed
        fields = ["attended_at", "check_in_override"]
        if current.status == Status.HELD:
            current.status, current.confirmed_at, current.hold_expires_at = (
                Status.CONFIRMED,
                now,
                None,
            )
            fields += ["status", "confirmed_at", "hold_expires_at"]
            hold_confirmed(current.event_id, current.seats)
        current.save(update_fields=fields)
        if current.check_in_override:
            _record(registration.event, by, Action.CHECK_IN_OVERRIDE, current.seats)
    return current


def undo_check_in(*, registration: Registration) -> Registration:
    """A check-in made by mistake: the person is no longer marked as here."""
    Registration.objects.filter(pk=registration.pk).update(
        attended_at=None, check_in_override=False
    )
    registration.refresh_from_db()
    return registration


def attendee_list_pdf(*, event: Event, by) -> bytes:
    """The people expected (confirmed or held), alphabetical, with boxes to tick: for a
    door without signal. An export of attendee data, so it is recorded like the CSV, and
    in the audit log as the door list printed."""
    from weasyprint import HTML  # heavy to import; only organisers print

    rows = sorted(  # anonymised ones (no name) after the names
        event.registrations.filter(status__in=TAKING_SEATS),
        key=lambda r: (r.anonymised_at is not None, r.name.casefold()),
    )
    html = render_to_string("rsvp/print/attendees.html", {"event": event, "rows": rows})
    with transaction.atomic():
        AttendeeExport.objects.create(event=event, exported_by=by, kind=AttendeeExport.Kind.PDF)
        _record(event, by, Action.DOOR_LIST_PRINTED, len(rows))
    return HTML(string=bidi.for_pdf(html), base_url=settings.BASE_URL).write_pdf()
