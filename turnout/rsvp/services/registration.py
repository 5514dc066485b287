"""Registering: the RSVP form's rules, a place or the waitlist, and confirming the email."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.core import languages
from turnout.core.timefmt import moment
from turnout.core.validators import normalise_email
from turnout.events.models import Event
from turnout.rsvp import notify
from turnout.rsvp.links import new_link
from turnout.rsvp.models import (
    ACCESS_NEEDS_MAX_LENGTH,
    AWAITING_EMAIL,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Registration,
)
from turnout.rsvp.services.emails import email_attendee
from turnout.rsvp.services.limits import check_domain
from turnout.rsvp.services.requests import request_confirmed
from turnout.rsvp.services.seats import (
    expire,
    hold_confirmed,
    hold_expired,
    lock_event,
    next_waitlist_position,
    promote_waitlist,
    take_seats,
    takes_requests,
)

Status = Registration.Status
# A registration in these states may register again, as if new: cancelled (or lapsed),
# or declined by an organiser (a new request, not a silent refusal).
ENDED = (Status.CANCELLED, Status.DECLINED)
HOLD_FOR = dt.timedelta(hours=24)  # an unconfirmed hold lasts this long, never past the start


class RegistrationClosed(ValidationError):
    """The event takes no registrations now (draft, cancelled, started)."""


# --- input ---


def clean_name(name: str, errors: dict) -> str:
    name = " ".join(str(name).split())
    if not name:
        errors["name"] = _("Give your name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("A name can be at most %(max)s characters; this one has %(n)s.") % {
            "max": NAME_MAX_LENGTH,
            "n": len(name),
        }
    return name


def guests_limit_message(event: Event) -> str:
    """Why this many guests cannot come: the meeting's limit per person."""
    if event.max_guests == 0:
        return _("This meeting takes no guests: register each person on their own.")
    return ngettext(
        "Each person may bring at most %(max)s guest.",
        "Each person may bring at most %(max)s guests.",
        event.max_guests,
    ) % {"max": event.max_guests}


def clean_guests(guests, errors: dict) -> int | None:
    """The number of guests; an emptied box means none."""
    try:
        if isinstance(guests, (bool, float)):
            raise ValueError
        text = str(guests).strip()
        return int(text) if text else 0
    except ValueError:
        errors["guests"] = _("Give the number of guests as a whole number, like 0 or 2.")
        return None


def clean_note(note, errors: dict) -> str:
    """How the person knows the group, on one line."""
    note = " ".join(str(note).split())
    if "\x00" in note:
        errors["note"] = _("Null characters are not allowed.")
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _(
            "Say how you know the group in at most %(max)s characters; this has %(n)s."
        ) % {"max": NOTE_MAX_LENGTH, "n": len(note)}
    return note


def _clean(
    *,
    event: Event,
    name: str,
    email: str,
    guests,
    access_needs: str,
    access_consent: bool,
    note: str,
) -> tuple[str, str, int, str, str]:
    """The input as stored, or a ValidationError naming each bad field.

    Access needs are health data: kept only with the person's consent. The note (how
    the person knows the group) is asked, and kept, only where organisers approve.
    """
    errors = {}
    name = clean_name(name, errors)
    note = clean_note(note, errors) if event.approval_required else ""
    access_needs = str(access_needs).strip()
    if access_needs and access_consent is not True:
        errors["access_consent"] = _(
            "Tick this box to share your access needs, or leave that field empty."
        )
    if len(access_needs) > ACCESS_NEEDS_MAX_LENGTH:
        errors["access_needs"] = _("Describe your access needs in at most %(max)s characters.") % {
            "max": ACCESS_NEEDS_MAX_LENGTH
        }
    email = str(email)
    if len(email.strip()) > EMAIL_MAX_LENGTH:
        errors["email"] = _("An email address can be at most %(max)s characters.") % {
            "max": EMAIL_MAX_LENGTH
        }
    else:
        try:
            email = normalise_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages[0]
    guests = clean_guests(guests, errors)
    if guests is not None:
        if guests < 0:
            errors["guests"] = _("The number of guests cannot be negative.")
        elif guests > event.max_guests:
            errors["guests"] = guests_limit_message(event)
    if errors:
        raise ValidationError(errors)
    return name, email, guests, access_needs, note


def closed_reason(event: Event, now: dt.datetime | None = None) -> str:
    """Why the event takes no registrations now, or "" when it does."""
    now = now or timezone.now()
    if event.status == Event.Status.DRAFT:
        return _("This meeting is not published yet; registration is closed.")
    if event.status == Event.Status.CANCELLED:
        return _("This meeting was cancelled; registration is closed.")
    if event.starts_at <= now:
        return _("This meeting has already started; registration is closed.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration opens on %(when)s.") % {
            "when": moment(event.registration_opens_at, event.time_zone)
        }
    if event.registration_closes <= now:
        return _("Registration closed on %(when)s.") % {
            "when": moment(event.registration_closes, event.time_zone)
        }
    return ""


def _check_open(event: Event, now: dt.datetime) -> None:
    reason = closed_reason(event, now)
    if reason:
        raise RegistrationClosed(reason)


def _place(event: Event, seats: int, now: dt.datetime) -> tuple[str, int | None, bool]:
    """Take seats (held, with email confirmation on) or a waitlist place for a party, or,
    where organisers approve each place, make it a request that takes neither;
    (status, waitlist position, whether it waits only because the seats left are held
    for people yet to confirm: the hold cap).

    Whether organisers approve is read again by the database (``event`` may be a few
    seconds old): the statements that take a seat or a waitlist place refuse a meeting
    that asks for approval. RegistrationClosed if the database finds registration
    closed after all.
    """
    if event.approval_required:
        if takes_requests(event.pk, now):
            return _request_status(event), None, False
        event = Event.objects.get(pk=event.pk)  # closed, or approval turned off since read
        if event.approval_required:
            raise RegistrationClosed(closed_reason(event, now) or _("Registration is closed."))
    hold = event.confirmation_required
    # A meeting full a few seconds ago (``event`` is that copy) is most likely full still:
    # its waitlist's counter is asked first, which says under the row's lock how many
    # seats are free; a seat is tried first otherwise. Either way the database decides.
    if event.is_full or not take_seats(event.pk, seats, hold=hold, registering_at=now):
        # The counter's UPDATE holds the row for this transaction from here on.
        position, free = next_waitlist_position(event.pk, now)
        if position is None:
            fresh = Event.objects.get(pk=event.pk)
            if fresh.approval_required:  # turned on since ``event`` was read
                return _place(fresh, seats, now)
            raise RegistrationClosed(closed_reason(fresh, now) or _("Registration is closed."))
        # Seats freed since (or not yet taken when ``event`` was read) would stay nobody's
        # otherwise; a seat taken now leaves its waitlist position unused (a gap).
        if (free is not None and free < seats) or not take_seats(event.pk, seats, hold=hold):
            if hold:
                return Status.WAITLIST_UNCONFIRMED, position, free is None or free >= seats
            return Status.WAITLISTED, position, False
    return (Status.HELD if hold else Status.CONFIRMED), None, False


def _request_status(event: Event) -> str:
    """A request for a place takes no seat; with email confirmation on, it reaches the
    organisers once the email is confirmed."""
    return Status.REQUEST_UNCONFIRMED if event.confirmation_required else Status.REQUESTED


def register(
    *,
    event: Event,
    name: str,
    email: str,
    guests: int = 0,
    access_needs: str = "",
    access_consent: bool = False,
    note: str = "",
    language: str = "",
) -> tuple[Registration, bool]:
    """Register a person and their guests: seats if the whole party fits, else the waitlist;
    where organisers approve each place, a request without a seat instead (``note``: how
    the person knows the group, for the organisers; see ``services.requests``).
    ``language``: of the page they registered from, which every email about the
    registration is written in (one not offered, or none: the meeting's).

    Returns the registration and whether it was made now. An email that already has a
    registration for this event changes nothing and gets its page's link emailed
    again, so whoever typed the address learns nothing from what they see.
    """
    name, email, guests, access_needs, note = _clean(
        event=event,
        name=name,
        email=email,
        guests=guests,
        access_needs=access_needs,
        access_consent=access_consent,
        note=note,
    )
    now = timezone.now()
    _check_open(event, now)
    language = language if language in languages.offered() else event.language
    return _register(event, name, email, guests, (access_needs, note, language), now)


def _register(event, name, email, guests, said, now) -> tuple[Registration, bool]:
    """``said``: the access needs, the note and the language, as cleaned.

    One transaction, with no savepoint of its own when the caller has none open: the
    domain's count, then the registration. The address registered in another tab at
    the same moment rolls it all back; the RSVP is then counted again with the link's
    email, in a transaction of its own."""
    try:
        with transaction.atomic():
            check_domain(event=event, email=email)
            existing_pk = registered(event.pk, email)
            existing = None
            if existing_pk is not None:
                # Locked in the order every writer takes, the event then the registration:
                # two tabs registering a cancelled address again must not both take seats
                # for its one row (the second waits, then finds it registered).
                lock_event(event.pk)
                existing = Registration.objects.select_for_update().get(pk=existing_pk)
            if existing is not None and hold_expired(existing, now):
                # Expire it now, as the periodic job would: the person registers afresh.
                still = Q(pk=existing.pk, status__in=AWAITING_EMAIL, hold_expires_at__lte=now)
                expire(event.pk, still, now)
                existing.refresh_from_db()
            if existing is not None and existing.status not in ENDED:
                _send_link_again(existing)
                return existing, False
            registration = existing or Registration(event=event, email=email)
            status, position, held_back = _place(event, 1 + guests, now)
            new_link(registration)
            registration.name, registration.guests = name, guests
            registration.access_needs, registration.note, registration.language = said
            registration.status, registration.waitlist_position = status, position
            registration.created_at = now
            registration.hold_expires_at = (
                min(now + HOLD_FOR, event.starts_at) if status in AWAITING_EMAIL else None
            )
            registration.confirmed_at = now if status == Status.CONFIRMED else None
            registration.cancelled_at = None
            registration.save()
            email_attendee(registration, held_back=held_back)
            if status == Status.WAITLISTED:
                notify.after_commit(event.pk)
    except IntegrityError:
        # The same address registered in another tab at the same moment: that one won.
        with transaction.atomic():
            check_domain(event=event, email=email)
            existing = Registration.objects.select_related("event").get(event=event, email=email)
            _send_link_again(existing)
        return existing, False
    return registration, True


def registered(event_id: int, email: str) -> int | None:
    """The id of the address's registration for the event, if it has one (one index
    read, no model built: most RSVPs find none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Registration._meta.db_table} "  # noqa: S608 -- our table
            "WHERE event_id = %s AND email = %s",
            [event_id, email],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _send_link_again(registration: Registration) -> None:
    """Email the registration's page link again, as it stands."""
    email_attendee(registration, template="rsvp/email/your_link")


def confirm(*, registration: Registration) -> Registration:
    """The attendee confirmed their email: a hold becomes a confirmed place; a waitlist
    entry joins the queue proper (and is promoted at once if its party fits).

    Confirming again changes nothing. A registration already cancelled (or whose
    hold expired) cannot be confirmed: ValidationError. A confirmed place is emailed
    with the event as a calendar file.
    """
    with transaction.atomic():
        lock_event(registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        now = timezone.now()
        if current.status == Status.CANCELLED or hold_expired(current, now):
            raise ValidationError(
                _(
                    "This registration was cancelled, or not confirmed in time. "
                    "Register again if there is still room."
                )
            )
        if current.email_confirmed_at is None:
            current.email_confirmed_at = now
            current.save(update_fields=["email_confirmed_at"])
        if current.status == Status.HELD:
            current.status, current.confirmed_at, current.hold_expires_at = (
                Status.CONFIRMED,
                now,
                None,
            )
            current.save(update_fields=["status", "confirmed_at", "hold_expires_at"])
            hold_confirmed(current.event_id, current.seats)
            current.event = registration.event
            email_attendee(current)
        elif current.status == Status.REQUEST_UNCONFIRMED:
            request_confirmed(current, registration.event)
        elif current.status == Status.WAITLIST_UNCONFIRMED:
            current.status, current.hold_expires_at = Status.WAITLISTED, None
            current.save(update_fields=["status", "hold_expires_at"])
            promote_waitlist(event=registration.event)
            notify.after_commit(current.event_id)  # one more waiting
            current.refresh_from_db()
    return current
