"""Every write to registrations: register, confirm, cancel, expire holds, promote.

Seats are counted in ``Event.seats_taken`` and taken with one conditional UPDATE
on the event row (``SET seats_taken = seats_taken + n WHERE seats_taken + n <=
capacity``): the database checks and writes in one step, so no two transactions
can both take the last seat. On PostgreSQL the UPDATE waits for any other
transaction holding the row and re-checks the condition on the row it committed;
on SQLite every write transaction takes the database lock at BEGIN (IMMEDIATE).

Every other change to an event's registrations (confirm, cancel, expire, promote)
first locks the event row (``select_for_update``), so they run one at a time per
event and always take their locks in the same order: event, then registrations.
"""

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.core.csvexport import csv_lines
from turnout.core.timefmt import moment
from turnout.events.ical import event_ics
from turnout.events.models import Event
from turnout.mailing.outbox import queue_email
from turnout.mailing.services import subscriptions
from turnout.rsvp import selectors
from turnout.rsvp.links import check_in_qr_png, manage_url, new_link
from turnout.rsvp.models import (
    ACCESS_NEEDS_MAX_LENGTH,
    AWAITING_EMAIL,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TAKING_SEATS,
    AttendeeExport,
    Registration,
)

Status = Registration.Status
CHECK_IN_IMAGE = "check-in.png"  # the QR code in a confirmation, inline (cid:)
HOLD_FOR = dt.timedelta(hours=24)  # an unconfirmed hold lasts this long, never past the start
_PROMOTE_BATCH = 500


class RegistrationClosed(ValidationError):
    """The event takes no registrations now (draft, cancelled, started)."""


# --- seats: the only statements that change Event.seats_taken ---


# Registration is open, checked by the database in the same statement that takes a
# seat or a waitlist place: a meeting cancelled or closed a moment ago takes nobody,
# whatever the (possibly few seconds old) Event the request holds says.
_OPEN = (
    "status = 'published' AND starts_at > %s"
    " AND (registration_opens_at IS NULL OR registration_opens_at <= %s)"
    " AND (registration_closes_at IS NULL OR registration_closes_at > %s)"
)


def _run(sql: str, params: list) -> tuple[int, tuple | None]:
    """Run one statement on the events table; (rows changed, the row it returned)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=Event._meta.db_table), params)
        return cursor.rowcount, (cursor.fetchone() if "RETURNING" in sql else None)


def _open_params(now: dt.datetime) -> list:
    value = connection.ops.adapt_datetimefield_value(now)
    return [value, value, value]


def _take_seats(event_id: int, seats: int, *, registering_at: dt.datetime | None = None) -> bool:
    """Take ``seats`` if they fit, in one conditional UPDATE; whether they were taken.

    With ``registering_at``, only while registration is open then (a promotion from
    the waitlist takes seats after registration closed). Written in SQL: it runs for
    every RSVP, and the ORM took longer to build it than the database to run it.
    """
    sql = (
        "UPDATE {table} SET seats_taken = seats_taken + %s "
        "WHERE id = %s AND (capacity IS NULL OR seats_taken + %s <= capacity)"
    )
    params = [seats, event_id, seats]
    if registering_at is not None:
        sql, params = f"{sql} AND {_OPEN}", params + _open_params(registering_at)
    changed, _row = _run(sql, params)
    return changed == 1


def _free_seats(event_id: int, seats: int) -> None:
    if seats:
        Event.objects.filter(pk=event_id).update(seats_taken=F("seats_taken") - seats)


def _next_waitlist_position(event_id: int, now: dt.datetime) -> int | None:
    """The event's next waitlist position from its counter (this locks the event row);
    None if registration is not open."""
    _changed, row = _run(
        f"UPDATE {{table}} SET waitlist_counter = waitlist_counter + 1 "  # noqa: S608 -- constants
        f"WHERE id = %s AND {_OPEN} RETURNING waitlist_counter",
        [event_id, *_open_params(now)],
    )
    return row[0] if row else None


def _lock_event(event_id: int) -> tuple[int | None, int]:
    """Lock the event row for this transaction; its (capacity, seats_taken)."""
    return (
        Event.objects.select_for_update()
        .filter(pk=event_id)
        .values_list("capacity", "seats_taken")
        .get()
    )


# --- input ---


def _clean_name(name: str, errors: dict) -> str:
    name = " ".join(str(name).split())
    if not name:
        errors["name"] = _("Give your name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("A name can be at most %(max)s characters; this one has %(n)s.") % {
            "max": NAME_MAX_LENGTH,
            "n": len(name),
        }
    return name


def _clean_guests(guests, errors: dict) -> int | None:
    """The number of guests; an emptied box means none."""
    try:
        if isinstance(guests, (bool, float)):
            raise ValueError
        text = str(guests).strip()
        return int(text) if text else 0
    except ValueError:
        errors["guests"] = _("Give the number of guests as a whole number, like 0 or 2.")
        return None


def _clean(
    *, event: Event, name: str, email: str, guests, access_needs: str
) -> tuple[str, str, int, str]:
    """The input as stored, or a ValidationError naming each bad field."""
    errors = {}
    name = _clean_name(name, errors)
    access_needs = str(access_needs).strip()
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
            email = subscriptions.normalise_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages[0]
    guests = _clean_guests(guests, errors)
    if guests is not None:
        if guests < 0:
            errors["guests"] = _("The number of guests cannot be negative.")
        elif guests > event.max_guests:
            errors["guests"] = (
                _("This meeting takes no guests: register each person on their own.")
                if event.max_guests == 0
                else ngettext(
                    "Each person may bring at most %(max)s guest.",
                    "Each person may bring at most %(max)s guests.",
                    event.max_guests,
                )
                % {"max": event.max_guests}
            )
    if errors:
        raise ValidationError(errors)
    return name, email, guests, access_needs


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


# --- emails ---


_TEMPLATES = {
    Status.HELD: "rsvp/email/confirm",
    Status.CONFIRMED: "rsvp/email/confirmed",
    Status.WAITLIST_UNCONFIRMED: "rsvp/email/waitlisted",
    Status.WAITLISTED: "rsvp/email/waitlisted",
}


def calendar_file(registration: Registration) -> bytes:
    """The event as iCalendar for this attendee: the online link only once confirmed."""
    event = registration.event
    confirmed = registration.status == Status.CONFIRMED
    return event_ics(event, online_url=event.online_url if confirmed else "")


def email_attendee(
    registration: Registration,
    *,
    template: str | None = None,
    context: dict | None = None,
    check_in_code: bool = True,
) -> None:
    """Email the attendee about their registration, with their page's link; a confirmed
    place comes with the event as a calendar file and a QR code to check in at the door.

    ``template`` defaults to the one for the registration's status; ``context`` adds to
    the template's context; ``check_in_code=False`` leaves out the QR code (a meeting
    that will not take place).
    """
    event = registration.event
    attachments = []
    if registration.status == Status.CONFIRMED:
        attachments.append(("event.ics", calendar_file(registration).decode(), "text/calendar"))
        if check_in_code:
            attachments.append((CHECK_IN_IMAGE, check_in_qr_png(registration), "image/png"))
    queue_email(
        template=template or _TEMPLATES[registration.status],
        to=registration.email,
        group=event.group,
        context={
            "registration": registration,
            "event": event,
            "link": manage_url(registration),
            "needs_confirmation": registration.status in AWAITING_EMAIL,
            "check_in_image": CHECK_IN_IMAGE,
            **(context or {}),
        },
        attachments=attachments,
        registration=registration,
    )


# --- the services ---


def _place(event: Event, seats: int, now: dt.datetime) -> tuple[str, int | None]:
    """Take seats or a waitlist place for a party; (status, waitlist position).

    RegistrationClosed if the database finds registration closed after all.
    """
    if not _take_seats(event.pk, seats, registering_at=now):
        position = _next_waitlist_position(event.pk, now)  # now this transaction holds the row
        if position is None:
            fresh = Event.objects.get(pk=event.pk)
            raise RegistrationClosed(closed_reason(fresh, now) or _("Registration is closed."))
        if not _take_seats(event.pk, seats):  # seats freed meanwhile stay nobody's otherwise
            if event.confirmation_required:
                return Status.WAITLIST_UNCONFIRMED, position
            return Status.WAITLISTED, position
    return (Status.HELD if event.confirmation_required else Status.CONFIRMED), None


def register(
    *,
    event: Event,
    name: str,
    email: str,
    guests: int = 0,
    access_needs: str = "",
    keep_posted: bool = False,
) -> tuple[Registration, bool]:
    """Register a person and their guests: seats if the whole party fits, else the waitlist.

    Returns the registration and whether it was made now. An email that already has a
    registration for this event changes nothing and gets its page's link emailed
    again, so whoever typed the address learns nothing from what they see.
    ``keep_posted`` asks the group's mailing list to email a confirmation link
    (its own double opt-in, whether or not the registration is new).
    """
    name, email, guests, access_needs = _clean(
        event=event, name=name, email=email, guests=guests, access_needs=access_needs
    )
    now = timezone.now()
    _check_open(event, now)
    registration, created = _register(event, name, email, guests, access_needs, now)
    if keep_posted:
        subscriptions.request_subscription(group=event.group, email=email, source="form")
    return registration, created


def _register(event, name, email, guests, access_needs, now) -> tuple[Registration, bool]:
    try:
        with transaction.atomic():
            existing = Registration.objects.filter(event=event, email=email).order_by().first()
            if existing is not None and hold_expired(existing, now):
                # Expire it now, as the periodic job would: the person registers afresh.
                still = Q(pk=existing.pk, status__in=AWAITING_EMAIL, hold_expires_at__lte=now)
                _expire(event.pk, still, now)
                existing.refresh_from_db()
            if existing is not None and existing.status != Status.CANCELLED:
                _send_link_again(existing)
                return existing, False
            registration = existing or Registration(event=event, email=email)
            status, position = _place(event, 1 + guests, now)
            new_link(registration)
            registration.name, registration.guests = name, guests
            registration.access_needs = access_needs
            registration.status, registration.waitlist_position = status, position
            registration.created_at = now
            registration.hold_expires_at = (
                min(now + HOLD_FOR, event.starts_at) if status in AWAITING_EMAIL else None
            )
            registration.confirmed_at = now if status == Status.CONFIRMED else None
            registration.cancelled_at = None
            registration.save()
            email_attendee(registration)
    except IntegrityError:
        # The same address registered in another tab at the same moment: that one won.
        with transaction.atomic():
            existing = Registration.objects.select_related("event").get(event=event, email=email)
            _send_link_again(existing)
        return existing, False
    return registration, True


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
        _lock_event(registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        now = timezone.now()
        if current.status == Status.CANCELLED or hold_expired(current, now):
            raise ValidationError(
                _(
                    "This registration was cancelled, or not confirmed in time. "
                    "Register again if there is still room."
                )
            )
        if current.status == Status.HELD:
            current.status, current.confirmed_at, current.hold_expires_at = (
                Status.CONFIRMED,
                now,
                None,
            )
            current.save(update_fields=["status", "confirmed_at", "hold_expires_at"])
            current.event = registration.event
            email_attendee(current)
        elif current.status == Status.WAITLIST_UNCONFIRMED:
            current.status, current.hold_expires_at = Status.WAITLISTED, None
            current.save(update_fields=["status", "hold_expires_at"])
            promote_waitlist(event=registration.event)
            current.refresh_from_db()
    return current


def _cancel_locked(registrations: list[Registration], now: dt.datetime) -> int:
    """Cancel these (locked) registrations of one event; the seats they freed."""
    freed = sum(r.seats for r in registrations if r.status in TAKING_SEATS)
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        status=Status.CANCELLED, cancelled_at=now, hold_expires_at=None
    )
    return freed


def cancel(*, registration: Registration) -> Registration:
    """Cancel a place or leave the waitlist; freed seats go to the waitlist. Twice is harmless.

    Not once the meeting has started: the registration is then a record of who came.
    """
    return _cancel(registration, by_attendee=True)


def remove(*, registration: Registration) -> Registration:
    """An organiser removes a registration, at any time: as a cancellation, freed seats
    go to the waitlist. Twice is harmless."""
    return _cancel(registration, by_attendee=False)


def _cancel(registration: Registration, *, by_attendee: bool) -> Registration:
    with transaction.atomic():
        _lock_event(registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if by_attendee:
            _check_not_started(registration.event)
        if current.status != Status.CANCELLED:
            freed = _cancel_locked([current], timezone.now())
            if freed:
                _free_seats(current.event_id, freed)
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
    name = _clean_name(name, errors)
    guests = _clean_guests(guests, errors)
    with transaction.atomic():
        _lock_event(registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_not_started(registration.event)
        if registration.event.is_cancelled:
            raise ValidationError(_("This meeting was cancelled; there is nothing to change."))
        if current.status == Status.CANCELLED:
            raise ValidationError(_("This registration was cancelled; register again instead."))
        if guests is not None and not 0 <= guests <= current.guests:
            errors["guests"] = _more_guests_message(current.guests)
        if errors:
            raise ValidationError(errors)
        fewer = current.guests - guests
        current.name, current.guests = name, guests
        current.save(update_fields=["name", "guests"])
        if fewer and current.takes_seats:
            _free_seats(current.event_id, fewer)
        if fewer and current.status in (Status.CONFIRMED, Status.HELD, Status.WAITLISTED):
            promote_waitlist(event=registration.event)  # seats freed, or a smaller party fits
            current.refresh_from_db()
    return current


def expire_holds(*, now: dt.datetime | None = None) -> int:
    """Cancel every hold (and unconfirmed waitlist entry) past its expiry; how many.

    Each event's holds go in one transaction that then promotes its waitlist.
    """
    now = now or timezone.now()
    expired = Q(status__in=AWAITING_EMAIL, hold_expires_at__lte=now)
    event_ids = set(Registration.objects.filter(expired).values_list("event_id", flat=True))
    count = 0
    for event_id in sorted(event_ids):
        with transaction.atomic():
            count += _expire(event_id, expired, now)
    return count


def _expire(event_id: int, expired: Q, now: dt.datetime) -> int:
    """Cancel the event's entries matching ``expired``, then fill their seats; how many.

    Locked and re-checked: one confirmed a moment ago is no longer expired.
    """
    _lock_event(event_id)
    found = list(Registration.objects.select_for_update().filter(expired, event_id=event_id))
    freed = _cancel_locked(found, now)
    if freed:
        _free_seats(event_id, freed)
        promote_waitlist(event=Event.objects.get(pk=event_id))
    return len(found)


def hold_expired(registration: Registration, now: dt.datetime | None = None) -> bool:
    """Past its expiry, though the periodic job may not have cancelled it yet."""
    now = now or timezone.now()
    return registration.status in AWAITING_EMAIL and registration.hold_expires_at <= now


def promote_waitlist(*, event: Event) -> list[Registration]:
    """Fill free seats from the waitlist, in order of joining, straight to confirmed.

    The first waiting party that fits whole is promoted, then the next, and so on:
    a party too big for the seats left is passed over, not the ones behind it.
    Only entries whose email is confirmed wait in this queue. Once the meeting is
    cancelled or has started, nobody is promoted: there is no place left to give.
    """
    promoted = []
    if event.is_cancelled or event.has_started:
        return promoted
    with transaction.atomic():
        capacity, taken = _lock_event(event.pk)
        free = None if capacity is None else capacity - taken
        now = timezone.now()
        while free is None or free > 0:
            waiting = Registration.objects.filter(event_id=event.pk, status=Status.WAITLISTED)
            if free is not None:
                waiting = waiting.filter(guests__lt=free)
            batch = list(
                waiting.order_by("waitlist_position")[: _PROMOTE_BATCH if free is None else free]
            )
            if not batch:
                break
            for registration in batch:
                if free is not None and registration.seats > free:
                    continue
                if not _take_seats(event.pk, registration.seats):  # cannot happen under the lock
                    break
                registration.status, registration.confirmed_at = Status.CONFIRMED, now
                registration.save(update_fields=["status", "confirmed_at"])
                registration.event = event
                email_attendee(registration, template="rsvp/email/promoted")
                promoted.append(registration)
                if free is not None:
                    free -= registration.seats
    return promoted


# --- the organisers' additions ---

ORGANISER_GUESTS_LIMIT = 50


def _add_seats_over_capacity(event_id: int, seats: int) -> None:
    _run("UPDATE {table} SET seats_taken = seats_taken + %s WHERE id = %s", [seats, event_id])


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
    name = _clean_name(name, errors)
    guests = _clean_guests(guests, errors)
    if guests is not None and not 0 <= guests <= ORGANISER_GUESTS_LIMIT:
        errors["guests"] = _("Give between 0 and %(max)s guests.") % {"max": ORGANISER_GUESTS_LIMIT}
    email = str(email).strip()
    if len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = _("An email address can be at most %(max)s characters.") % {
            "max": EMAIL_MAX_LENGTH
        }
    elif email:
        try:
            email = subscriptions.normalise_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    cancelled = ValidationError(_("This meeting was cancelled; nobody can be added."))
    if event.is_cancelled:
        raise cancelled
    now = timezone.now()
    with transaction.atomic():
        _lock_event(event.pk)
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
        registration.over_capacity = not _take_seats(event.pk, seats)
        if registration.over_capacity:
            _add_seats_over_capacity(event.pk, seats)
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
    when) for the group's organisers to see."""
    AttendeeExport.objects.create(event=event, exported_by=by)
    return csv_lines(selectors.EXPORT_HEADER, selectors.attendee_rows(event=event))


# --- the door ---


def check_in(*, registration: Registration, override: bool = False) -> Registration:
    """Mark the person as here (the check-in time). Twice changes nothing.

    A held place is confirmed as they arrive. Someone waitlisted or cancelled is
    checked in only when the organiser overrides, which is recorded; their status and
    the seats stay as they are.
    """
    with transaction.atomic():
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
        current.save(update_fields=fields)
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
    door without signal. An export of attendee data, so it is recorded like the CSV."""
    from weasyprint import HTML  # heavy to import; only organisers print

    rows = sorted(  # anonymised ones (no name) after the names
        event.registrations.filter(status__in=TAKING_SEATS),
        key=lambda r: (r.anonymised_at is not None, r.name.casefold()),
    )
    html = render_to_string("rsvp/print/attendees.html", {"event": event, "rows": rows})
    AttendeeExport.objects.create(event=event, exported_by=by)
    return HTML(string=html, base_url=settings.BASE_URL).write_pdf()
