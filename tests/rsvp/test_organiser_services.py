"""The organisers' services: add someone, remove someone, change the capacity; and the
selectors behind their registrations list."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_event
from tests.mail import files, outbox
from tests.rsvp.helpers import confirmed, day_of, seats
from turnout.core.tokens import token_hash
from turnout.events import services as events
from turnout.events.models import Event
from turnout.rsvp import selectors
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

Status = Registration.Status
Source = Registration.Source
CAPACITY_NOT_A_NUMBER = "Enter the capacity as a whole number, like 40, or leave it empty."
CAPACITY_OUT_OF_RANGE = "Give a capacity between 0 and 1,000,000, or leave it empty."


def statuses(event) -> dict[str, str]:
    return dict(event.registrations.values_list("name", "status"))


def add(event, by, name="Ann", **fields) -> Registration:
    return rsvp.add_by_organiser(event=event, name=name, by=by, **fields)


# --- add_by_organiser


def test_add_confirms_at_once_and_emails_the_link(small, organiser):
    ann = add(small, organiser, name="  Ann   Smith ", email=" Ann@Example.ORG ", guests=1)

    stored = Registration.objects.get()
    assert stored.pk == ann.pk
    assert (stored.name, stored.email, stored.guests, stored.status) == (
        "Ann Smith",
        "ann@example.org",
        1,
        Status.CONFIRMED,
    )
    assert (stored.source, stored.added_by, stored.over_capacity) == (
        Source.ORGANISER,
        organiser,
        False,
    )
    assert stored.confirmed_at is not None
    assert stored.attended_at is None
    assert stored.hold_expires_at is None
    assert seats(small) == (2, 2)
    (email,) = outbox()
    assert email.to == ["ann@example.org"]
    # The address confirmed nothing (an organiser typed it): the brief email, whose
    # details are behind the link, with no calendar file (issue 16).
    assert email.subject == (
        f"Your place at the meeting organised by {small.group.name} on {day_of(small)} is confirmed"
    )
    (token,) = re.findall(r"/rsvp/([^/\s]+)/", email.body)
    assert stored.token_hash == token_hash(token)
    assert small.title not in email.body
    assert [name for name, *_rest in files(email)] == []


def test_add_without_email_sends_nothing(small, organiser):
    ann = add(small, organiser, guests=2)

    assert (ann.email, ann.status) == ("", Status.CONFIRMED)
    assert outbox() == []
    assert seats(small) == (3, 3)


def test_add_two_people_without_email_keeps_both(small, organiser):
    add(small, organiser, name="Ann")
    add(small, organiser, name="Bob")

    assert statuses(small) == {"Ann": Status.CONFIRMED, "Bob": Status.CONFIRMED}
    assert seats(small) == (2, 2)


def test_add_to_a_full_meeting_gives_seats_over_the_capacity_and_records_it(small, organiser):
    confirmed(small, "Bob", guests=2)  # the three seats are gone
    rsvp.register(event=small, name="Dan", email="dan@example.org")  # waits

    ann = add(small, organiser, guests=1)

    assert (ann.status, ann.over_capacity) == (Status.CONFIRMED, True)
    assert Registration.objects.get(pk=ann.pk).over_capacity
    assert seats(small) == (5, 5)
    assert statuses(small)["Dan"] == Status.WAITLIST_UNCONFIRMED


def test_add_that_just_fits_is_not_over_capacity(small, organiser):
    confirmed(small, "Bob", guests=1)

    ann = add(small, organiser)

    assert ann.over_capacity is False
    assert seats(small) == (3, 3)


def test_add_to_a_meeting_without_a_limit_is_never_over_capacity(group, venue, organiser):
    event = make_event(group=group, venue=venue, capacity=None)

    ann = add(event, organiser, guests=50)

    assert ann.over_capacity is False
    assert seats(event) == (51, 51)


def test_add_a_walk_in_checks_them_in(small, organiser):
    ann = add(small, organiser, walk_in=True)

    stored = Registration.objects.get(pk=ann.pk)
    assert (stored.source, stored.status, stored.added_by) == (
        Source.WALK_IN,
        Status.CONFIRMED,
        organiser,
    )
    assert stored.attended_at is not None
    assert stored.attended_at == stored.confirmed_at


def test_add_a_walk_in_after_the_start(small, organiser):
    Event.objects.filter(pk=small.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    small.refresh_from_db()

    ann = add(small, organiser, walk_in=True)

    assert (ann.status, ann.source) == (Status.CONFIRMED, Source.WALK_IN)
    assert seats(small) == (1, 1)


@pytest.mark.parametrize(
    "status", [Status.HELD, Status.CONFIRMED, Status.WAITLIST_UNCONFIRMED, Status.WAITLISTED]
)
def test_add_an_email_already_registered_is_refused_and_changes_nothing(
    small, organiser, table_rows, status
):
    if status in (Status.WAITLIST_UNCONFIRMED, Status.WAITLISTED):
        confirmed(small, "Bob", guests=2)  # the three seats are gone
    ann, _created = rsvp.register(event=small, name="Ann", email="ann@example.org")
    if status in (Status.CONFIRMED, Status.WAITLISTED):
        ann = rsvp.confirm(registration=ann)
    assert ann.status == status
    before = table_rows()
    sent = len(outbox())

    with pytest.raises(ValidationError) as exc:
        add(small, organiser, name="Ann Again", email="ANN@example.org ")

    assert list(exc.value.message_dict) == ["email"]
    assert exc.value.message_dict["email"] == [
        f"This address is registered already: {ann.get_status_display()}."
    ]
    assert table_rows() == before
    assert len(outbox()) == sent


def test_add_a_person_who_cancelled_reuses_their_registration(small, organiser):
    ann = confirmed(small, "Ann", guests=2)
    old_token = ann.token_hash
    rsvp.cancel(registration=ann)

    again = add(small, organiser, email="ann@example.org")

    assert again.pk == ann.pk
    assert Registration.objects.count() == 1
    stored = Registration.objects.get()
    assert (stored.status, stored.guests, stored.source, stored.cancelled_at) == (
        Status.CONFIRMED,
        0,
        Source.ORGANISER,
        None,
    )
    assert stored.token_hash != old_token
    assert seats(small) == (1, 1)


def test_add_to_a_cancelled_meeting_is_refused(small, organiser, table_rows):
    events.cancel_event(event=small)
    before = table_rows()

    with pytest.raises(ValidationError) as exc:
        add(small, organiser, email="ann@example.org", walk_in=True)

    assert exc.value.messages == ["This meeting was cancelled; nobody can be added."]
    assert table_rows() == before
    assert outbox() == []


def test_add_to_a_meeting_cancelled_a_moment_ago_is_refused(small, organiser):
    events.cancel_event(event=Event.objects.get(pk=small.pk))  # in another request

    with pytest.raises(ValidationError):
        add(small, organiser, email="ann@example.org")

    assert Registration.objects.count() == 0
    assert outbox() == []


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_add_without_a_name_is_refused(small, organiser, name):
    with pytest.raises(ValidationError) as exc:
        add(small, organiser, name=name)

    assert exc.value.message_dict == {"name": ["Give your name."]}
    assert Registration.objects.count() == 0
    assert seats(small) == (0, 0)


def test_add_a_name_of_ten_thousand_characters_is_refused(small, organiser):
    with pytest.raises(ValidationError) as exc:
        add(small, organiser, name="a" * 10_000)

    assert exc.value.message_dict == {
        "name": ["A name can be at most 200 characters; this one has 10000."]
    }
    assert Registration.objects.count() == 0


def test_add_a_name_with_html_stores_it_as_text(small, organiser):
    name = '<script>alert("x")</script> & <b>Ann</b>'

    ann = add(small, organiser, name=name)

    assert Registration.objects.get(pk=ann.pk).name == name


@pytest.mark.parametrize("guests", [-1, "two", 51, "1.5", 2.0, True])
def test_add_with_a_wrong_number_of_guests_is_refused(small, organiser, guests):
    with pytest.raises(ValidationError) as exc:
        add(small, organiser, guests=guests)

    assert list(exc.value.message_dict) == ["guests"]
    assert Registration.objects.count() == 0
    assert seats(small) == (0, 0)


@pytest.mark.parametrize("guests", [0, 50, "7", " 3 "])
def test_add_takes_up_to_fifty_guests_whatever_the_events_limit(small, organiser, guests):
    ann = add(small, organiser, guests=guests)

    assert ann.guests == int(str(guests))
    assert seats(small) == (1 + ann.guests, 1 + ann.guests)


@pytest.mark.parametrize("email", ["not-an-address", "a" * 250 + "@example.org"])
def test_add_with_a_bad_email_is_refused(small, organiser, email):
    with pytest.raises(ValidationError) as exc:
        add(small, organiser, email=email)

    assert list(exc.value.message_dict) == ["email"]
    assert Registration.objects.count() == 0
    assert outbox() == []


# --- remove


def test_remove_frees_the_seats_and_promotes_the_first_waiting_party_that_fits(small, organiser):
    ann = confirmed(small, "Ann", guests=1)
    confirmed(small, "Bob")
    confirmed(small, "Big", guests=2)  # waits first, but 3 seats will not be free
    confirmed(small, "Dan", guests=1)  # waits second, and fits in 2
    confirmed(small, "Eve")  # waits third: no seat left after Dan
    assert statuses(small)["Big"] == Status.WAITLISTED
    sent = len(outbox())

    removed = rsvp.remove(registration=ann, by=None)

    assert (removed.status, removed.cancelled_at is not None) == (Status.CANCELLED, True)
    assert statuses(small) == {
        "Ann": Status.CANCELLED,
        "Bob": Status.CONFIRMED,
        "Big": Status.WAITLISTED,
        "Dan": Status.CONFIRMED,
        "Eve": Status.WAITLISTED,
    }
    assert seats(small) == (3, 3)
    assert [(e.to, e.subject) for e in outbox()[sent:]] == [
        (["dan@example.org"], f"A place at {small.title} is yours"),
    ]


def test_remove_twice_is_harmless(small, organiser):
    ann = confirmed(small, "Ann", guests=2)
    confirmed(small, "Bob")  # waits
    rsvp.remove(registration=ann, by=None)
    sent = len(outbox())

    again = rsvp.remove(registration=ann, by=None)

    assert again.status == Status.CANCELLED
    assert statuses(small) == {"Ann": Status.CANCELLED, "Bob": Status.CONFIRMED}
    assert seats(small) == (1, 1)
    assert len(outbox()) == sent


def test_remove_a_waiting_person_frees_no_seats(small, organiser):
    confirmed(small, "Ann", guests=2)
    bob = confirmed(small, "Bob")

    rsvp.remove(registration=bob, by=None)

    assert statuses(small) == {"Ann": Status.CONFIRMED, "Bob": Status.CANCELLED}
    assert seats(small) == (3, 3)


def test_remove_is_allowed_after_the_start_unlike_cancel(small, organiser):
    ann = confirmed(small, "Ann", guests=2)
    bob = confirmed(small, "Bob")  # waits
    Event.objects.filter(pk=small.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    ann.event.refresh_from_db()
    with pytest.raises(ValidationError):
        rsvp.cancel(registration=ann)
    sent = len(outbox())

    removed = rsvp.remove(registration=ann, by=None)

    assert removed.status == Status.CANCELLED
    # Nobody is promoted once the meeting has started.
    assert Registration.objects.get(pk=bob.pk).status == Status.WAITLISTED
    assert seats(small) == (0, 0)
    assert len(outbox()) == sent


def test_remove_someone_added_over_the_capacity_promotes_nobody_while_still_over(small, organiser):
    confirmed(small, "Bob", guests=2)
    ann = add(small, organiser, guests=1)  # 5 of 3
    add(small, organiser, name="Cat")  # 6 of 3
    dan = confirmed(small, "Dan")  # waits

    rsvp.remove(registration=ann, by=None)  # 4 of 3

    assert Registration.objects.get(pk=dan.pk).status == Status.WAITLISTED
    assert seats(small) == (4, 4)


# --- change_capacity


def test_raising_the_capacity_promotes_the_waitlist(small, organiser):
    confirmed(small, "Ann", guests=2)
    confirmed(small, "Bob", guests=1)
    confirmed(small, "Cat", guests=2)
    sent = len(outbox())

    events.change_capacity(event=small, capacity="5")

    small.refresh_from_db()
    assert small.capacity == 5
    assert statuses(small) == {
        "Ann": Status.CONFIRMED,
        "Bob": Status.CONFIRMED,
        "Cat": Status.WAITLISTED,
    }
    assert seats(small) == (5, 5)
    assert [e.to for e in outbox()[sent:]] == [["bob@example.org"]]


def test_removing_the_limit_promotes_everyone_waiting(small, organiser):
    confirmed(small, "Ann", guests=2)
    confirmed(small, "Bob", guests=2)
    confirmed(small, "Cat")

    events.change_capacity(event=small, capacity="")

    small.refresh_from_db()
    assert small.capacity is None
    assert set(statuses(small).values()) == {Status.CONFIRMED}
    assert seats(small) == (7, 7)


def test_lowering_the_capacity_below_the_seats_taken_removes_nobody(small, organiser):
    confirmed(small, "Ann", guests=1)
    confirmed(small, "Bob")

    events.change_capacity(event=small, capacity=1)

    small.refresh_from_db()
    assert small.capacity == 1
    assert statuses(small) == {"Ann": Status.CONFIRMED, "Bob": Status.CONFIRMED}
    assert seats(small) == (3, 3)

    # A new RSVP waits ...
    cat, _created = rsvp.register(event=small, name="Cat", email="cat@example.org")
    assert cat.status == Status.WAITLIST_UNCONFIRMED
    cat = rsvp.confirm(registration=cat)
    assert cat.status == Status.WAITLISTED

    # ... and the cancellations first bring the seats taken under the capacity.
    rsvp.cancel(registration=Registration.objects.get(name="Ann"))  # 1 of 1
    assert Registration.objects.get(pk=cat.pk).status == Status.WAITLISTED
    assert seats(small) == (1, 1)
    rsvp.cancel(registration=Registration.objects.get(name="Bob"))  # 0 of 1
    assert Registration.objects.get(pk=cat.pk).status == Status.CONFIRMED
    assert seats(small) == (1, 1)


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("ten", CAPACITY_NOT_A_NUMBER),
        ("1.5", CAPACITY_NOT_A_NUMBER),
        (1.5, CAPACITY_NOT_A_NUMBER),
        ("-1", CAPACITY_OUT_OF_RANGE),
        (-1, CAPACITY_OUT_OF_RANGE),
        ("1000001", CAPACITY_OUT_OF_RANGE),
    ],
)
def test_change_capacity_refuses_what_is_not_a_capacity(small, capacity, message, table_rows):
    before = table_rows()

    with pytest.raises(ValidationError) as exc:
        events.change_capacity(event=small, capacity=capacity)

    assert exc.value.message_dict == {"capacity": [message]}
    assert table_rows() == before


@pytest.mark.parametrize(
    ("capacity", "stored"),
    [("", None), (None, None), ("  ", None), (" 40 ", 40), (0, 0), ("1000000", 1_000_000)],
)
def test_change_capacity_takes_a_whole_number_or_nothing(small, capacity, stored):
    events.change_capacity(event=small, capacity=capacity)

    small.refresh_from_db()
    assert small.capacity == stored


# --- selectors


@pytest.fixture
def crowd(small, organiser):
    """One registration in each state, on the three-seat meeting."""
    confirmed(small, "Ann Smith", guests=1)  # confirmed, 2 seats
    rsvp.register(event=small, name="Bob Jones", email="bob@example.org")  # held, 1 seat
    rsvp.register(event=small, name="Cat", email="cat@example.org")  # waitlist, unconfirmed
    confirmed(small, "Dan")  # waitlisted
    eve = confirmed(small, "Eve")  # waitlisted, then cancelled
    rsvp.cancel(registration=eve)
    add(small, organiser, name="Fay Walker", walk_in=True)  # confirmed, attended, over capacity
    return small


def test_registration_counts_count_each_filter_in_one_query(crowd, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.registration_counts(event=crowd)

    assert counts == {
        "all": 6,
        "confirmed": 2,
        "held": 1,
        "waitlisted": 2,
        "requested": 0,
        "declined": 0,
        "cancelled": 1,
        "attended": 1,
    }


def test_registration_counts_of_an_empty_meeting_are_zero(small):
    assert selectors.registration_counts(event=small) == {
        "all": 0,
        "confirmed": 0,
        "held": 0,
        "waitlisted": 0,
        "requested": 0,
        "declined": 0,
        "cancelled": 0,
        "attended": 0,
    }


def test_registration_counts_leave_out_other_meetings(crowd, group, venue):
    other = make_event(group=group, venue=venue)
    confirmed(other, "Zed")

    assert selectors.registration_counts(event=crowd)["all"] == 6


def names(found) -> list[str]:
    return [r.name for r in found]


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("confirmed", ["Ann Smith", "Fay Walker"]),
        ("held", ["Bob Jones"]),
        ("waitlisted", ["Cat", "Dan"]),
        ("cancelled", ["Eve"]),
        ("attended", ["Fay Walker"]),
        ("", ["Ann Smith", "Bob Jones", "Cat", "Dan", "Eve", "Fay Walker"]),
        ("nonsense", ["Ann Smith", "Bob Jones", "Cat", "Dan", "Eve", "Fay Walker"]),
    ],
)
def test_registrations_for_organisers_filters(crowd, shown, expected):
    assert names(selectors.registrations_for_organisers(event=crowd, shown=shown)) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("smi", ["Ann Smith"]),
        ("SMITH", ["Ann Smith"]),
        ("bob@", ["Bob Jones"]),
        ("EXAMPLE.ORG", ["Ann Smith", "Bob Jones", "Cat", "Dan", "Eve"]),
        ("  walker ", ["Fay Walker"]),
        ("nobody", []),
        ("%", []),
        ("_", []),
    ],
)
def test_registrations_for_organisers_search_name_and_email(crowd, search, expected):
    assert names(selectors.registrations_for_organisers(event=crowd, search=search)) == expected


def test_registrations_for_organisers_search_within_a_filter(crowd):
    found = selectors.registrations_for_organisers(event=crowd, shown="confirmed", search="a")

    assert names(found) == ["Ann Smith", "Fay Walker"]
    found = selectors.registrations_for_organisers(event=crowd, shown="held", search="ann")
    assert names(found) == []
