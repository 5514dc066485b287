"""Seats under a rush: many real connections at once, released together by a barrier.

Each thread has its own database connection (Django's are per thread); on
PostgreSQL the test checks they are distinct server backends. The SQLite database
is a file in WAL mode, as in production, and each connection its own.
"""

import time

import pytest
from django.db import connection, transaction
from django.db.models import F

from tests.concurrency import race
from tests.factories import make_event, make_group
from turnout.events.models import Event
from turnout.rsvp import selectors
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status
CAPACITY = 10


@pytest.fixture(autouse=True)
def _no_domain_limit(settings):
    """Every racer here writes from one made-up domain: its limit is tested elsewhere."""
    settings.TURNOUT_RSVP_PER_DOMAIN = 0


def meeting(**fields) -> Event:
    return make_event(group=make_group(), capacity=CAPACITY, **fields)


def assert_seats_consistent(event: Event) -> int:
    """The counter equals the seats the parties take, never above capacity; the free seats."""
    event.refresh_from_db()
    assert event.seats_taken == selectors.seats_taken(event=event)
    assert event.seats_taken <= event.capacity
    free = event.capacity - event.seats_taken
    waiting = event.registrations.filter(status__in=Registration.ON_WAITLIST)
    assert all(party.seats > free for party in waiting)  # free only when nobody fits
    return free


def assert_waitlist_in_joining_order(event: Event, expected: int) -> None:
    waiting = list(event.registrations.filter(status__in=Registration.ON_WAITLIST).order_by("pk"))
    positions = [r.waitlist_position for r in waiting]
    assert len(positions) == expected
    assert positions == sorted(positions)  # who joined first (inserted first) waits first
    assert len(set(positions)) == expected


def test_rush_of_single_people_takes_exactly_the_seats_and_waitlists_the_rest(settings):
    settings.TURNOUT_RSVP_HOLD_PERCENT = 100  # no hold cap: every seat may be held
    event = meeting()

    results = race(60, lambda i: rsvp.register(event=event, name=f"P{i}", email=f"p{i}@x.org"))

    assert Registration.objects.filter(event=event).count() == 60
    assert sorted(r.pk for r, _created in results) == sorted(
        Registration.objects.values_list("pk", flat=True)
    )
    assert assert_seats_consistent(event) == 0
    assert event.seats_taken == 10
    assert event.registrations.filter(status=Status.HELD).count() == 10
    assert event.registrations.filter(status=Status.WAITLIST_UNCONFIRMED).count() == 50
    assert_waitlist_in_joining_order(event, 50)
    positions = event.registrations.exclude(waitlist_position=None)
    assert sorted(positions.values_list("waitlist_position", flat=True)) == list(range(1, 51))


def test_rush_of_made_up_addresses_holds_no_more_than_the_hold_cap():
    """The hold cap is checked by the statement that takes the seats: never passed."""
    event = meeting(max_guests=2)  # 10 seats: at most 5 held unconfirmed

    race(60, lambda i: rsvp.register(event=event, name=f"P{i}", email=f"p{i}@x.org", guests=i % 3))

    event.refresh_from_db()
    held = [r.seats for r in event.registrations.filter(status=Status.HELD)]
    assert event.seats_held == sum(held)
    assert 3 <= sum(held) <= 5  # a free held seat means every waiting party is bigger
    assert event.seats_taken == sum(held) == selectors.seats_taken(event=event)
    waiting = event.registrations.filter(status=Status.WAITLIST_UNCONFIRMED)
    assert all(party.seats > 5 - sum(held) for party in waiting)
    assert len(held) + waiting.count() == 60
    assert_waitlist_in_joining_order(event, waiting.count())


def test_confirmations_and_new_holds_at_once_keep_the_held_count_under_the_cap():
    event = meeting()  # 10 seats: at most 5 held unconfirmed
    holds = [rsvp.register(event=event, name=f"H{i}", email=f"h{i}@x.org")[0] for i in range(5)]

    def act(i: int):
        if i < 5:
            return rsvp.confirm(registration=holds[i])
        return rsvp.register(event=event, name=f"N{i}", email=f"n{i}@x.org")

    race(30, act)

    event.refresh_from_db()
    held = event.registrations.filter(status=Status.HELD).count()
    assert event.seats_held == held <= 5
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 5
    assert event.seats_taken == selectors.seats_taken(event=event) == 5 + held


def test_rush_with_guests_never_oversells_and_leaves_seats_only_when_nobody_fits():
    event = meeting(max_guests=3, confirmation_required=False)

    race(
        60,
        lambda i: rsvp.register(event=event, name=f"P{i}", email=f"p{i}@x.org", guests=i % 4),
    )

    assert Registration.objects.filter(event=event).count() == 60
    assert_seats_consistent(event)
    assert event.seats_taken >= CAPACITY - 3  # a free seat means every waiting party is bigger
    waiting = event.registrations.filter(status=Status.WAITLISTED).count()
    confirmed = event.registrations.filter(status=Status.CONFIRMED).count()
    assert waiting + confirmed == 60
    assert_waitlist_in_joining_order(event, waiting)


def expected_promotions(waiting: list[tuple[int, int]], frees: int) -> list[int]:
    """Which waiting (pk, seats) get in when ``frees`` seats come free one at a time."""
    free, promoted = 0, []
    for _ in range(frees):
        free += 1
        for pk, seats in waiting:
            if pk not in promoted and seats <= free:
                promoted.append(pk)
                free -= seats
    return promoted


def test_simultaneous_cancellations_promote_the_waitlist_in_order():
    event = meeting(max_guests=2, confirmation_required=False)
    coming = [rsvp.register(event=event, name=f"C{i}", email=f"c{i}@x.org")[0] for i in range(10)]
    waiting = [
        rsvp.register(event=event, name=f"W{i}", email=f"w{i}@x.org", guests=(0, 2, 1)[i % 3])[0]
        for i in range(20)
    ]
    assert {r.status for r in waiting} == {Status.WAITLISTED}

    race(10, lambda i: rsvp.cancel(registration=coming[i]))

    # Every cancellation frees one seat, so the outcome does not depend on their order.
    expected = expected_promotions([(r.pk, r.seats) for r in waiting], frees=10)
    promoted = event.registrations.filter(status=Status.CONFIRMED).order_by("pk")
    assert list(promoted.values_list("pk", flat=True)) == sorted(expected)
    assert event.registrations.filter(status=Status.CANCELLED).count() == 10
    assert assert_seats_consistent(event) == 10 - sum(r.seats for r in waiting if r.pk in expected)


def test_cancellations_and_new_registrations_at_once_never_oversell():
    event = meeting(max_guests=1, confirmation_required=False)
    coming = [rsvp.register(event=event, name=f"C{i}", email=f"c{i}@x.org")[0] for i in range(10)]
    for i in range(10):
        rsvp.register(event=event, name=f"W{i}", email=f"w{i}@x.org", guests=i % 2)

    def act(i: int):
        if i < 10:
            return rsvp.cancel(registration=coming[i])
        return rsvp.register(event=event, name=f"N{i}", email=f"n{i}@x.org", guests=i % 2)

    race(40, act)

    assert assert_seats_consistent(event) == 0
    assert Registration.objects.filter(event=event).count() == 50


def test_same_person_from_many_tabs_at_once_gets_one_registration():
    event = meeting()

    results = race(10, lambda i: rsvp.register(event=event, name=f"Tab {i}", email="ann@x.org"))

    (registration,) = Registration.objects.filter(event=event)
    assert {r.pk for r, _created in results} == {registration.pk}
    assert [created for _r, created in results].count(True) == 1
    assert assert_seats_consistent(event) == CAPACITY - 1


def test_the_same_person_registering_again_from_many_tabs_after_cancelling_takes_one_place():
    event = meeting()
    first, _created = rsvp.register(event=event, name="Ann", email="ann@x.org")
    rsvp.cancel(registration=first)

    results = race(10, lambda i: rsvp.register(event=event, name=f"Tab {i}", email="ann@x.org"))

    (registration,) = Registration.objects.filter(event=event)
    assert registration.status == Status.HELD
    assert [created for _r, created in results].count(True) == 1
    assert assert_seats_consistent(event) == CAPACITY - 1


# --- the lock matters: the same rush with the check outside the lock oversells


def naive_register(*, event: Event, email: str) -> None:
    """Read the count, check it, then write: what Turnout must never do."""
    with transaction.atomic():
        taken, capacity = Event.objects.values_list("seats_taken", "capacity").get(pk=event.pk)
        time.sleep(0.005)  # the Python work a real request does between reading and writing
        if taken + 1 <= capacity:
            Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)


def test_a_check_outside_the_lock_oversells_on_postgresql_and_sqlite_serialises_it():
    """Without the conditional UPDATE, a rush puts more people in the room than it holds.

    On PostgreSQL the naive read-check-write oversells. On SQLite every write
    transaction takes the database lock at BEGIN (``transaction_mode`` IMMEDIATE in
    settings), which serialises even this naive code: that setting is SQLite's lock.
    """
    event = meeting()

    race(60, lambda i: naive_register(event=event, email=f"p{i}@x.org"))

    event.refresh_from_db()
    if connection.vendor == "postgresql":
        assert event.seats_taken > CAPACITY
    else:
        assert event.seats_taken == CAPACITY
