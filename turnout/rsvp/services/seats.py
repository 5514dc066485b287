"""Seats: the only statements that change ``Event.seats_taken``, and what frees or fills them.

Seats are counted in ``Event.seats_taken`` and taken with one conditional UPDATE
on the event row (``SET seats_taken = seats_taken + n WHERE seats_taken + n <=
capacity``): the database checks and writes in one step, so no two transactions
can both take the last seat. On PostgreSQL the UPDATE waits for any other
transaction holding the row and re-checks the condition on the row it committed;
on SQLite every write transaction takes the database lock at BEGIN (IMMEDIATE).

``Event.seats_held`` counts the seats of those held unconfirmed, changed by the
same statements: public counts leave them out, and a meeting holds at most its hold
cap of them (``_hold_cap_sql``), checked by the statement that takes the seats.

Every other change to an event's registrations (confirm, cancel, expire, promote)
first locks the event row (``lock_event``), so they run one at a time per event and
always take their locks in the same order: event, then registrations.
"""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from turnout.events.models import Event
from turnout.rsvp import notify
from turnout.rsvp.models import (
    AWAITING_EMAIL,
    TAKING_SEATS,
    Registration,
)
from turnout.rsvp.services.emails import email_attendee

Status = Registration.Status
_PROMOTE_BATCH = 500


# Registration is open, checked by the database in the same statement that takes a
# seat or a waitlist place: a meeting cancelled or closed a moment ago takes nobody,
# whatever the (possibly few seconds old) Event the request holds says.
_OPEN = (
    "status = 'published' AND starts_at > %s"
    " AND (registration_opens_at IS NULL OR registration_opens_at <= %s)"
    " AND (registration_closes_at IS NULL OR registration_closes_at > %s)"
)
# An RSVP takes a seat or a waitlist place only where the organisers need not approve
# it: checked in the same statement, so approval turned on a moment ago holds.
_NO_APPROVAL = "NOT approval_required"


def _run(sql: str, params: list) -> tuple[int, tuple | None]:
    """Run one statement on the events table; (rows changed, the row it returned)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=Event._meta.db_table), params)
        return cursor.rowcount, (cursor.fetchone() if "RETURNING" in sql else None)


def _open_params(now: dt.datetime) -> list:
    value = connection.ops.adapt_datetimefield_value(now)
    return [value, value, value]


def take_seats(
    event_id: int, seats: int, *, hold: bool = False, registering_at: dt.datetime | None = None
) -> bool:
    """Take ``seats`` if they fit, in one conditional UPDATE; whether they were taken.

    A ``hold`` (seats kept until the person confirms their email) must also fit under
    the meeting's hold cap (``_hold_cap_sql``), checked by the same statement: one
    person with made-up addresses cannot fill the room. With ``registering_at``, only
    while registration is open then (a promotion from the waitlist takes seats after
    registration closed). Written in SQL: it runs for every RSVP, and the ORM took
    longer to build it than the database to run it.
    """
    sql = "UPDATE {table} SET seats_taken = seats_taken + %s"
    params = [seats]
    if hold:
        sql, params = f"{sql}, seats_held = seats_held + %s", [*params, seats]
    sql = f"{sql} WHERE id = %s AND (capacity IS NULL OR seats_taken + %s <= capacity)"
    params += [event_id, seats]
    if hold:
        cap, cap_params = _hold_cap_sql()
        if cap:
            sql = f"{sql} AND (capacity IS NULL OR seats_held + %s <= {cap})"
            params += [seats, *cap_params]
    if registering_at is not None:
        sql = f"{sql} AND {_OPEN} AND {_NO_APPROVAL}"
        params += _open_params(registering_at)
    # Whether these seats filled the meeting, from the row as the statement left it.
    full = "capacity IS NOT NULL AND seats_taken >= capacity"
    _changed, row = _run(f"{sql} RETURNING {full}", params)
    if row is None:
        return False
    if row[0]:  # full now: its organisers' alert, after the commit (no longer under the lock)
        notify.after_commit(event_id)
    return True


def _hold_cap_sql() -> tuple[str, list]:
    """The hold cap of the event row as SQL, and its parameters: the seats a meeting holds
    at most for people who have not confirmed their email, ``TURNOUT_RSVP_HOLD_PERCENT``
    of its capacity (rounded down) and at least ``TURNOUT_RSVP_HOLD_MIN``. ("", []) when
    there is no cap (100% or more: the capacity is the cap)."""
    percent, least = settings.TURNOUT_RSVP_HOLD_PERCENT, settings.TURNOUT_RSVP_HOLD_MIN
    if percent >= 100:
        return "", []
    share = "capacity * %s / 100"  # whole numbers: rounded down by both databases
    return f"CASE WHEN {share} > %s THEN {share} ELSE %s END", [percent, least, percent, least]


def free_seats(event_id: int, seats: int, *, held: int = 0) -> None:
    """Give back ``seats``, ``held`` of which were held unconfirmed."""
    if seats:
        Event.objects.filter(pk=event_id).update(
            seats_taken=F("seats_taken") - seats, seats_held=F("seats_held") - held
        )


def hold_confirmed(event_id: int, seats: int) -> None:
    """Held seats now confirmed: still taken, no longer held."""
    Event.objects.filter(pk=event_id).update(seats_held=F("seats_held") - seats)


def add_seats_over_capacity(event_id: int, seats: int) -> None:
    """An organiser's addition beyond the capacity, on purpose (it is recorded)."""
    _run("UPDATE {table} SET seats_taken = seats_taken + %s WHERE id = %s", [seats, event_id])
    notify.after_commit(event_id)


def next_waitlist_position(event_id: int, now: dt.datetime) -> tuple[int | None, int | None]:
    """The event's next waitlist position from its counter (this locks the event row),
    None if registration is not open; and its seats not taken (None: no capacity)."""
    _changed, row = _run(
        f"UPDATE {{table}} SET waitlist_counter = waitlist_counter + 1 "  # noqa: S608 -- constants
        f"WHERE id = %s AND {_OPEN} AND {_NO_APPROVAL} "
        "RETURNING waitlist_counter, capacity - seats_taken",
        [event_id, *_open_params(now)],
    )
    return (row[0], row[1]) if row else (None, None)


def waitlist_position_at_back(event_id: int) -> int:
    """The next waitlist position, registration open or not: for an approved request
    that finds the meeting full."""
    _changed, row = _run(
        "UPDATE {table} SET waitlist_counter = waitlist_counter + 1 WHERE id = %s "
        "RETURNING waitlist_counter",
        [event_id],
    )
    return row[0]


def takes_requests(event_id: int, now: dt.datetime) -> bool:
    """Whether the meeting is open to registration now and its organisers approve each
    place (read from the database, not from a possibly stale Event)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Event._meta.db_table} "  # noqa: S608 -- constants
            f"WHERE id = %s AND approval_required AND {_OPEN}",
            [event_id, *_open_params(now)],
        )
        return cursor.fetchone() is not None


def lock_event(event_id: int) -> tuple[int | None, int]:
    """Lock the event row for this transaction; its (capacity, seats_taken)."""
    return (
        Event.objects.select_for_update()
        .filter(pk=event_id)
        .values_list("capacity", "seats_taken")
        .get()
    )


def cancel_locked(registrations: list[Registration], now: dt.datetime) -> int:
    """Cancel these (locked) registrations of one event and give back their seats; how
    many seats they freed."""
    freed = sum(r.seats for r in registrations if r.status in TAKING_SEATS)
    held = sum(r.seats for r in registrations if r.status == Status.HELD)
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        status=Status.CANCELLED, cancelled_at=now, hold_expires_at=None
    )
    if registrations:
        free_seats(registrations[0].event_id, freed, held=held)
    return freed


def expire_holds(*, now: dt.datetime | None = None) -> int:
    """Cancel every hold (and unconfirmed waitlist entry or request) past its expiry, and
    every request whose meeting has started; how many.

    Each event's holds go in one transaction that then promotes its waitlist.
    """
    now = now or timezone.now()
    count = lapse_requests(now)
    expired = Q(status__in=AWAITING_EMAIL, hold_expires_at__lte=now)
    event_ids = set(Registration.objects.filter(expired).values_list("event_id", flat=True))
    for event_id in sorted(event_ids):
        with transaction.atomic():
            count += expire(event_id, expired, now)
    return count


def expire(event_id: int, expired: Q, now: dt.datetime) -> int:
    """Cancel the event's entries matching ``expired``, then fill their seats; how many.

    Locked and re-checked: one confirmed a moment ago is no longer expired.
    """
    lock_event(event_id)
    found = list(Registration.objects.select_for_update().filter(expired, event_id=event_id))
    if cancel_locked(found, now):
        promote_waitlist(event=Event.objects.get(pk=event_id))
    return len(found)


def lapse_requests(now: dt.datetime) -> int:
    """Requests nobody answered before their meeting started lapse (cancelled); how many.
    They hold no seat, so nothing else changes; one already being approved is refused
    by ``approve`` itself, which checks the start under the event's lock."""
    return Registration.objects.filter(status=Status.REQUESTED, event__starts_at__lte=now).update(
        status=Status.CANCELLED, cancelled_at=now
    )


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
        capacity, taken = lock_event(event.pk)
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
                if not take_seats(event.pk, registration.seats):  # cannot happen under the lock
                    break
                registration.status, registration.confirmed_at = Status.CONFIRMED, now
                registration.save(update_fields=["status", "confirmed_at"])
                registration.event = event
                email_attendee(registration, template="rsvp/email/promoted")
                promoted.append(registration)
                if free is not None:
                    free -= registration.seats
    return promoted
