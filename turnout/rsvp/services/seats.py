"""Seats: the only statements that change ``Event.seats_taken``, and what frees or fills them.

Seats are counted in ``Event.seats_taken`` and taken with one conditional UPDATE
on the event row (``SET seats_taken = seats_taken + n WHERE seats_taken + n <=
capacity``): the database checks and writes in one step, so no two transactions
can both take the last seat. On PostgreSQL the UPDATE waits for any other
transaction holding the row and re-checks the condition on the row it committed;
on SQLite every write transaction takes the database lock at BEGIN (IMMEDIATE).

Every other change to an event's registrations (confirm, cancel, expire, promote)
first locks the event row (``lock_event``), so they run one at a time per event and
always take their locks in the same order: event, then registrations.
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from turnout.events.models import Event
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


def _run(sql: str, params: list) -> tuple[int, tuple | None]:
    """Run one statement on the events table; (rows changed, the row it returned)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=Event._meta.db_table), params)
        return cursor.rowcount, (cursor.fetchone() if "RETURNING" in sql else None)


def _open_params(now: dt.datetime) -> list:
    value = connection.ops.adapt_datetimefield_value(now)
    return [value, value, value]


def take_seats(event_id: int, seats: int, *, registering_at: dt.datetime | None = None) -> bool:
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


def free_seats(event_id: int, seats: int) -> None:
    if seats:
        Event.objects.filter(pk=event_id).update(seats_taken=F("seats_taken") - seats)


def add_seats_over_capacity(event_id: int, seats: int) -> None:
    """An organiser's addition beyond the capacity, on purpose (it is recorded)."""
    _run("UPDATE {table} SET seats_taken = seats_taken + %s WHERE id = %s", [seats, event_id])


def next_waitlist_position(event_id: int, now: dt.datetime) -> int | None:
    """The event's next waitlist position from its counter (this locks the event row);
    None if registration is not open."""
    _changed, row = _run(
        f"UPDATE {{table}} SET waitlist_counter = waitlist_counter + 1 "  # noqa: S608 -- constants
        f"WHERE id = %s AND {_OPEN} RETURNING waitlist_counter",
        [event_id, *_open_params(now)],
    )
    return row[0] if row else None


def lock_event(event_id: int) -> tuple[int | None, int]:
    """Lock the event row for this transaction; its (capacity, seats_taken)."""
    return (
        Event.objects.select_for_update()
        .filter(pk=event_id)
        .values_list("capacity", "seats_taken")
        .get()
    )


def cancel_locked(registrations: list[Registration], now: dt.datetime) -> int:
    """Cancel these (locked) registrations of one event; the seats they freed."""
    freed = sum(r.seats for r in registrations if r.status in TAKING_SEATS)
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        status=Status.CANCELLED, cancelled_at=now, hold_expires_at=None
    )
    return freed


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
            count += expire(event_id, expired, now)
    return count


def expire(event_id: int, expired: Q, now: dt.datetime) -> int:
    """Cancel the event's entries matching ``expired``, then fill their seats; how many.

    Locked and re-checked: one confirmed a moment ago is no longer expired.
    """
    lock_event(event_id)
    found = list(Registration.objects.select_for_update().filter(expired, event_id=event_id))
    freed = cancel_locked(found, now)
    if freed:
        free_seats(event_id, freed)
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
