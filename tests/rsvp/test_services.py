import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_event
from tests.mail import outbox
from turnout.core.tokens import token_hash
from turnout.events import services as events
from turnout.rsvp import selectors
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

Status = Registration.Status


def seats(event) -> tuple[int, int]:
    """(the event's counter, the seats its held and confirmed parties take)."""
    event.refresh_from_db()
    return event.seats_taken, selectors.seats_taken(event=event)


def link_token(email) -> str:
    (token,) = re.findall(r"/rsvp/([^/\s]+)/", email.body)
    return token


@pytest.fixture
def small(group, venue):
    """Three seats, up to two guests each, email confirmation on."""
    return make_event(group=group, venue=venue, capacity=3, max_guests=2)


# --- register


def test_register_holds_seats_and_emails_the_confirmation_link(small):
    registration, created = rsvp.register(
        event=small, name="  Ann   Smith ", email=" Ann@Example.ORG ", guests=1
    )

    assert registration.status == Status.HELD
    assert (registration.name, registration.email, registration.guests) == (
        "Ann Smith",
        "ann@example.org",
        1,
    )
    assert created
    token = token_for(registration)
    assert registration.token_hash == token_hash(token)
    assert registration.hold_expires_at == registration.created_at + dt.timedelta(hours=24)
    assert seats(small) == (2, 2)
    (email,) = outbox()
    assert email.to == ["ann@example.org"]
    assert email.subject == f"Confirm your place at {small.title}"
    assert link_token(email) == token
    assert f"http://127.0.0.1:8000/rsvp/{token}/" in email.body
    assert f'href="http://127.0.0.1:8000/rsvp/{token}/"' in email.alternatives[0][0]


def test_register_without_confirmation_confirms_at_once(group, venue):
    event = make_event(group=group, venue=venue, capacity=3, confirmation_required=False)

    registration, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")

    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at == registration.created_at
    assert registration.hold_expires_at is None
    assert [e.subject for e in outbox()] == [f"Your place at {event.title} is confirmed"]


def test_register_hold_never_lasts_past_the_start(group, venue):
    soon = timezone.localtime(timezone.now() + dt.timedelta(hours=3), timezone=dt.UTC)
    event = make_event(
        group=group,
        venue=venue,
        time_zone="UTC",
        start_date=soon.date(),
        start_time=soon.time().replace(microsecond=0),
        end_date=(soon + dt.timedelta(hours=2)).date(),
        end_time=(soon + dt.timedelta(hours=2)).time().replace(microsecond=0),
    )

    registration, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")

    assert registration.hold_expires_at == event.starts_at


def test_register_a_party_that_does_not_fit_joins_the_waitlist_in_order(small):
    rsvp.register(event=small, name="Ann", email="ann@example.org", guests=1)
    bob, _ = rsvp.register(event=small, name="Bob", email="bob@example.org", guests=1)
    cat, _ = rsvp.register(event=small, name="Cat", email="cat@example.org")
    dan, _ = rsvp.register(event=small, name="Dan", email="dan@example.org")

    assert (bob.status, bob.waitlist_position) == (Status.WAITLIST_UNCONFIRMED, 1)
    assert (cat.status, cat.waitlist_position) == (Status.HELD, None)
    assert (dan.status, dan.waitlist_position) == (Status.WAITLIST_UNCONFIRMED, 2)
    assert seats(small) == (3, 3)
    assert outbox()[1].subject == f"Confirm your place on the waitlist for {small.title}"


def test_register_without_capacity_never_waitlists(group, venue):
    event = make_event(group=group, venue=venue, max_guests=3)

    for n in range(5):
        registration, _ = rsvp.register(event=event, name="A", email=f"a{n}@example.org", guests=3)
        assert registration.status == Status.HELD

    assert seats(event) == (20, 20)


def test_register_same_email_reveals_nothing_and_changes_nothing(small):
    first, _created = rsvp.register(event=small, name="Ann", email="ann@example.org")

    again, created = rsvp.register(event=small, name="Mallory", email=" ANN@example.org", guests=2)

    assert not created
    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    stored = Registration.objects.get()
    assert (stored.name, stored.guests, stored.status) == ("Ann", 0, Status.HELD)
    assert seats(small) == (1, 1)
    emails = outbox()
    assert [e.to for e in emails] == [["ann@example.org"], ["ann@example.org"]]
    assert emails[1].subject == f"Your registration for {small.title}"
    assert "It is registered already, so nothing has changed." in emails[1].body
    # The same link both times: it is derived from the registration's stored secret.
    assert link_token(emails[1]) == link_token(emails[0]) == token_for(stored)
    assert selectors.registration_for_token(token=link_token(emails[1])) == stored


def test_register_again_after_cancelling_registers_afresh(small):
    ann, _ = rsvp.register(event=small, name="Ann", email="ann@example.org")
    rsvp.cancel(registration=ann)

    old_link = token_for(ann)

    again, created = rsvp.register(event=small, name="Ann B", email="ann@example.org", guests=2)

    assert created
    assert again.pk == ann.pk
    assert (again.status, again.guests, again.cancelled_at) == (Status.HELD, 2, None)
    assert again.token_hash == token_hash(token_for(again))
    assert selectors.registration_for_token(token=old_link) is None  # a new registration
    assert seats(small) == (3, 3)


@pytest.mark.parametrize(
    ("guests", "message"),
    [
        (-1, "The number of guests cannot be negative."),
        (3, "Each person may bring at most 2 guests."),
        ("two", "Give the number of guests as a whole number, like 0 or 2."),
        (1.5, "Give the number of guests as a whole number, like 0 or 2."),
    ],
)
def test_register_refuses_a_bad_number_of_guests(small, guests, message):
    with pytest.raises(ValidationError) as exc:
        rsvp.register(event=small, name="Ann", email="ann@example.org", guests=guests)

    assert exc.value.message_dict == {"guests": [message]}
    assert Registration.objects.count() == 0
    assert seats(small) == (0, 0)
    assert outbox() == []


def test_register_refuses_guests_where_the_meeting_takes_none(event):
    with pytest.raises(ValidationError) as exc:
        rsvp.register(event=event, name="Ann", email="ann@example.org", guests=1)

    assert exc.value.message_dict == {
        "guests": ["This meeting takes no guests: register each person on their own."]
    }


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("ann@example.org\nBcc: x@example.org", "An email address cannot contain a line break."),
        ("a" * 290 + "@example.org", "An email address can be at most 254 characters."),
    ],
)
def test_register_refuses_a_bad_email(small, email, message):
    with pytest.raises(ValidationError) as exc:
        rsvp.register(event=small, name="Ann", email=email)

    assert exc.value.message_dict == {"email": [message]}
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Give your name."),
        ("x" * 10_000, "A name can be at most 200 characters; this one has 10000."),
    ],
)
def test_register_refuses_a_bad_name(small, name, message):
    with pytest.raises(ValidationError) as exc:
        rsvp.register(event=small, name=name, email="ann@example.org")

    assert exc.value.message_dict == {"name": [message]}
    assert Registration.objects.count() == 0


def test_register_keeps_html_in_a_name_as_text(small):
    registration, _ = rsvp.register(
        event=small, name="<script>alert(1)</script>", email="ann@example.org"
    )

    assert registration.name == "<script>alert(1)</script>"
    html = outbox()[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_register_names_every_bad_field_at_once(small):
    with pytest.raises(ValidationError) as exc:
        rsvp.register(event=small, name="", email="nope", guests="two")

    assert sorted(exc.value.message_dict) == ["email", "guests", "name"]


def test_register_refuses_a_draft_meeting(group, venue):
    draft = make_event(group=group, venue=venue, published=False)

    with pytest.raises(rsvp.RegistrationClosed) as exc:
        rsvp.register(event=draft, name="Ann", email="ann@example.org")

    assert exc.value.messages == ["This meeting is not published yet; registration is closed."]
    assert Registration.objects.count() == 0


def test_register_refuses_a_cancelled_meeting(event):
    events.cancel_event(event=event)

    with pytest.raises(rsvp.RegistrationClosed) as exc:
        rsvp.register(event=event, name="Ann", email="ann@example.org")

    assert exc.value.messages == ["This meeting was cancelled; registration is closed."]
    assert Registration.objects.count() == 0


def test_register_refuses_a_past_meeting(group, venue):
    past = make_event(group=group, venue=venue, days_ahead=-3)

    with pytest.raises(rsvp.RegistrationClosed) as exc:
        rsvp.register(event=past, name="Ann", email="ann@example.org")

    assert exc.value.messages == ["This meeting has already started; registration is closed."]
    assert Registration.objects.count() == 0


# --- confirm


def test_confirm_turns_a_hold_into_a_confirmed_place(small):
    ann, _ = rsvp.register(event=small, name="Ann", email="ann@example.org", guests=2)

    confirmed = rsvp.confirm(registration=ann)

    assert confirmed.status == Status.CONFIRMED
    assert confirmed.confirmed_at is not None
    assert confirmed.hold_expires_at is None
    assert seats(small) == (3, 3)
    assert rsvp.confirm(registration=ann).confirmed_at == confirmed.confirmed_at  # again: same


def test_confirm_a_waitlist_entry_queues_it(small):
    rsvp.register(event=small, name="Ann", email="ann@example.org", guests=2)
    bob, _ = rsvp.register(event=small, name="Bob", email="bob@example.org")

    waiting = rsvp.confirm(registration=bob)

    assert (waiting.status, waiting.waitlist_position) == (Status.WAITLISTED, 1)
    assert waiting.hold_expires_at is None


def test_confirm_a_cancelled_registration_is_refused(small):
    ann, _ = rsvp.register(event=small, name="Ann", email="ann@example.org")
    rsvp.cancel(registration=ann)

    with pytest.raises(ValidationError) as exc:
        rsvp.confirm(registration=ann)

    assert exc.value.messages == [
        "This registration was cancelled, or not confirmed in time. "
        "Register again if there is still room."
    ]
    assert Registration.objects.get().status == Status.CANCELLED


# --- cancel and promotion


def full_with_waitlist(event):
    """Ann holds all three seats; Bob (1 guest), Cat and Dan wait, emails confirmed."""
    ann, _ = rsvp.register(event=event, name="Ann", email="ann@example.org", guests=2)
    rsvp.confirm(registration=ann)
    waiting = []
    for name, guests in (("Bob", 1), ("Cat", 0), ("Dan", 0)):
        registration, _ = rsvp.register(
            event=event, name=name, email=f"{name.lower()}@example.org", guests=guests
        )
        waiting.append(rsvp.confirm(registration=registration))
    return ann, waiting


def test_cancel_frees_seats_and_promotes_the_waitlist_in_order(small):
    ann, _waiting = full_with_waitlist(small)
    before = len(outbox())

    cancelled = rsvp.cancel(registration=ann)

    assert cancelled.status == Status.CANCELLED
    assert cancelled.cancelled_at is not None
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "Ann": Status.CANCELLED,
        "Bob": Status.CONFIRMED,
        "Cat": Status.CONFIRMED,
        "Dan": Status.WAITLISTED,
    }
    assert seats(small) == (3, 3)
    promoted = outbox()[before:]
    assert [(e.to, e.subject) for e in promoted] == [
        (["bob@example.org"], f"A place at {small.title} is yours"),
        (["cat@example.org"], f"A place at {small.title} is yours"),
    ]
    assert Registration.objects.get(name="Bob").token_hash == token_hash(link_token(promoted[0]))


def test_promotion_passes_over_a_party_that_does_not_fit(small):
    rsvp.register(event=small, name="Ann", email="ann@example.org", guests=1)
    cat, _ = rsvp.register(event=small, name="Cat", email="cat@example.org")
    big, _ = rsvp.register(event=small, name="Big", email="big@example.org", guests=2)
    dan, _ = rsvp.register(event=small, name="Dan", email="dan@example.org")
    rsvp.confirm(registration=big)
    rsvp.confirm(registration=dan)

    rsvp.cancel(registration=cat)  # one seat free: Big's three do not fit, Dan does

    assert Registration.objects.get(name="Big").status == Status.WAITLISTED
    assert Registration.objects.get(name="Dan").status == Status.CONFIRMED
    assert seats(small) == (3, 3)


def test_promotion_skips_waitlisters_who_have_not_confirmed_their_email(small):
    ann, _ = rsvp.register(event=small, name="Ann", email="ann@example.org", guests=2)
    bob, _ = rsvp.register(event=small, name="Bob", email="bob@example.org")

    rsvp.cancel(registration=ann)

    assert Registration.objects.get(name="Bob").status == Status.WAITLIST_UNCONFIRMED
    assert seats(small) == (0, 0)
    assert rsvp.confirm(registration=bob).status == Status.CONFIRMED  # then promoted at once
    assert seats(small) == (1, 1)


def test_cancel_twice_is_harmless(small):
    ann, _waiting = full_with_waitlist(small)
    rsvp.cancel(registration=ann)
    first = Registration.objects.get(pk=ann.pk).cancelled_at

    again = rsvp.cancel(registration=ann)

    assert again.cancelled_at == first
    assert seats(small) == (3, 3)
    assert Registration.objects.get(name="Dan").status == Status.WAITLISTED


def test_leaving_the_waitlist_frees_no_seats(small):
    _ann, (bob, _cat, _dan) = full_with_waitlist(small)

    rsvp.cancel(registration=bob)

    assert seats(small) == (3, 3)
    assert Registration.objects.get(name="Cat").status == Status.WAITLISTED


def test_raising_the_capacity_promotes_the_waitlist(small):
    full_with_waitlist(small)

    events.update_event(event=small, capacity=5)

    confirmed = Registration.objects.filter(status=Status.CONFIRMED)
    assert sorted(confirmed.values_list("name", flat=True)) == ["Ann", "Bob"]
    assert seats(small) == (5, 5)


def test_editing_an_event_keeps_its_counters(small):
    rsvp.register(event=small, name="Ann", email="ann@example.org", guests=2)
    rsvp.register(event=small, name="Bob", email="bob@example.org")
    stale = type(small).objects.get(pk=small.pk)
    stale.seats_taken = stale.waitlist_counter = 0  # as loaded before the RSVPs

    events.update_event(event=stale, title="Renamed")

    small.refresh_from_db()
    assert (small.title, small.seats_taken, small.waitlist_counter) == ("Renamed", 3, 1)


# --- expiry


def test_expire_holds_frees_unconfirmed_seats_and_promotes(small):
    ann, _ = rsvp.register(event=small, name="Ann", email="ann@example.org", guests=2)
    bob, _ = rsvp.register(event=small, name="Bob", email="bob@example.org")
    rsvp.confirm(registration=bob)
    cat, _ = rsvp.register(event=small, name="Cat", email="cat@example.org")  # unconfirmed

    assert rsvp.expire_holds(now=ann.hold_expires_at - dt.timedelta(seconds=1)) == 0
    assert rsvp.expire_holds(now=cat.hold_expires_at) == 2

    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Ann": Status.CANCELLED, "Bob": Status.CONFIRMED, "Cat": Status.CANCELLED}
    assert seats(small) == (1, 1)


def test_expire_holds_leaves_confirmed_places(small):
    ann, _ = rsvp.register(event=small, name="Ann", email="ann@example.org")
    rsvp.confirm(registration=ann)

    assert rsvp.expire_holds(now=timezone.now() + dt.timedelta(days=2)) == 0
    assert seats(small) == (1, 1)


def test_expire_holds_task_runs_the_service(small):
    from turnout.rsvp import tasks

    rsvp.register(event=small, name="Ann", email="ann@example.org")
    Registration.objects.update(hold_expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert tasks.expire_holds.call() == 1
    assert seats(small) == (0, 0)
