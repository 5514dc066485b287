"""Meetings where the organisers approve who comes: an RSVP is a request, held without a
seat, until an organiser approves it (a seat, or the back of the waitlist when full) or
declines it (a neutral email). Requests lapse when the meeting starts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_event
from tests.mail import calendar_of, last_queued, outbox
from tests.rsvp.helpers import day_of, seats
from turnout.events.models import Event
from turnout.groups.models import AuditEntry
from turnout.rsvp import privacy, selectors
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def vetted(group, venue):
    """Two seats, organisers approve each place, email confirmation on."""
    return make_event(group=group, venue=venue, capacity=2, approval_required=True, max_guests=1)


def request(event, name: str, *, guests: int = 0, note: str = "") -> Registration:
    """Someone asked for a place and confirmed their email: a request the organisers see."""
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org", guests=guests, note=note
    )
    return rsvp.confirm(registration=registration)


def started(event) -> Event:
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    event.refresh_from_db()
    return event


def state() -> list[tuple]:
    return list(
        Registration.objects.order_by("pk").values_list("status", "waitlist_position", "guests")
    )


def test_an_rsvp_is_a_request_that_takes_no_seat_until_the_email_is_confirmed(vetted):
    registration, created = rsvp.register(
        event=vetted, name="Ann", email="ann@example.org", note="  From the   Tuesday class "
    )

    assert created
    assert registration.status == Status.REQUEST_UNCONFIRMED
    assert registration.note == "From the Tuesday class"
    assert registration.hold_expires_at is not None  # lapses like a hold, with no seat
    assert seats(vetted) == (0, 0)
    vetted.refresh_from_db()
    assert vetted.seats_held == 0
    (email,) = outbox()
    # The address is not confirmed yet: the brief email (issue 16).
    assert email.subject == (
        f"Confirm your email to ask for a place at a meeting organised by {vetted.group.name}"
    )

    after = last_queued()
    confirmed_request = rsvp.confirm(registration=registration)

    assert confirmed_request.status == Status.REQUESTED
    assert confirmed_request.hold_expires_at is None
    assert seats(vetted) == (0, 0)
    (email,) = outbox(after=after)
    assert email.to == ["ann@example.org"]
    assert email.subject == f"Your request for a place at {vetted.title} is with the organisers"


def test_without_email_confirmation_the_rsvp_is_a_request_at_once(group, venue):
    event = make_event(
        group=group, venue=venue, approval_required=True, confirmation_required=False
    )

    registration, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")

    assert registration.status == Status.REQUESTED
    assert seats(event) == (0, 0)
    # Nobody confirms the address: the brief email (issue 16).
    assert [e.subject for e in outbox()] == [
        f"Your request for a place at the meeting organised by {group.name} on {day_of(event)}"
    ]


def test_approving_takes_a_seat_sends_the_usual_confirmation_and_is_recorded(vetted, organiser):
    ann = request(vetted, "Ann", guests=1)
    after = last_queued()

    approved = rsvp.approve(registration=ann, by=organiser)

    assert approved.status == Status.CONFIRMED
    assert approved.confirmed_at is not None
    assert seats(vetted) == (2, 2)
    (email,) = outbox(after=after)
    assert email.subject == f"Your place at {vetted.title} is confirmed"
    assert calendar_of(email)["SUMMARY"] == vetted.title
    assert list(AuditEntry.objects.values_list("action", "subject", "count")) == [
        ("request_approved", vetted.title, 2)
    ]


def test_approving_twice_approves_once(vetted, organiser):
    ann = request(vetted, "Ann")
    rsvp.approve(registration=ann, by=organiser)
    before, mail = state(), last_queued()

    with pytest.raises(ValidationError) as raised:
        rsvp.approve(registration=ann, by=organiser)

    assert raised.value.messages == ["Ann’s request was approved already."]
    assert state() == before
    assert seats(vetted) == (1, 1)
    assert outbox(after=mail) == []
    assert AuditEntry.objects.count() == 1


def test_approving_when_full_puts_the_person_at_the_back_of_the_waitlist(vetted, organiser):
    ann, bob, cat = request(vetted, "Ann", guests=1), request(vetted, "Bob"), request(vetted, "Cat")
    rsvp.approve(registration=ann, by=organiser)  # both seats
    rsvp.approve(registration=cat, by=organiser)  # full: waits first
    after = last_queued()

    approved = rsvp.approve(registration=bob, by=organiser)

    assert approved.status == Status.WAITLISTED
    assert Registration.objects.get(pk=cat.pk).waitlist_position < approved.waitlist_position
    assert selectors.waitlist_place(registration=approved) == 2
    assert seats(vetted) == (2, 2)
    assert [e.subject for e in outbox(after=after)] == [
        f"You are on the waitlist for {vetted.title}"
    ]


def test_a_lapsed_request_cannot_be_approved(vetted, organiser):
    ann = request(vetted, "Ann")
    started(vetted)
    before, mail = state(), last_queued()

    with pytest.raises(ValidationError) as raised:
        rsvp.approve(registration=ann, by=organiser)

    assert raised.value.messages == [
        "This request lapsed when the meeting started; nothing was changed."
    ]
    assert state() == before
    assert seats(vetted) == (0, 0)
    assert outbox(after=mail) == []
    assert AuditEntry.objects.count() == 0


def test_requests_lapse_when_the_meeting_starts(vetted):
    ann = request(vetted, "Ann")
    started(vetted)

    assert rsvp.expire_holds() == 1

    ann.refresh_from_db()
    assert ann.status == Status.CANCELLED
    assert seats(vetted) == (0, 0)


def test_a_request_whose_email_is_not_confirmed_cannot_be_approved_yet(vetted, organiser):
    ann, _created = rsvp.register(event=vetted, name="Ann", email="ann@example.org")
    before = state()

    with pytest.raises(ValidationError) as raised:
        rsvp.approve(registration=ann, by=organiser)

    assert raised.value.messages == [
        "Ann has not confirmed their email address yet: their request can be approved once "
        "they have."
    ]
    assert state() == before


def test_declining_sends_a_neutral_email_and_is_recorded(vetted, organiser):
    ann = request(vetted, "Ann", note="Friend of Olena")
    after = last_queued()

    declined = rsvp.decline(registration=ann, by=organiser)

    assert declined.status == Status.DECLINED
    assert seats(vetted) == (0, 0)
    (email,) = outbox(after=after)
    assert email.subject == f"Your request for a place at {vetted.title}"
    assert "could not offer you a place" in email.body
    assert "Friend of Olena" not in email.body
    assert list(AuditEntry.objects.values_list("action", "count")) == [("request_declined", 1)]
    with pytest.raises(ValidationError) as raised:
        rsvp.approve(registration=ann, by=organiser)
    assert raised.value.messages == ["Ann’s request was declined."]


def test_declined_then_rsvp_again_is_a_new_request_not_a_silent_refusal(vetted, organiser):
    ann = request(vetted, "Ann")
    rsvp.decline(registration=ann, by=organiser)
    after = last_queued()

    again, created = rsvp.register(event=vetted, name="Ann", email="ann@example.org", note="Me")

    assert created
    assert again.pk == ann.pk
    assert again.status == Status.REQUEST_UNCONFIRMED
    assert again.note == "Me"
    assert [e.subject for e in outbox(after=after)] == [
        f"Confirm your email to ask for a place at {vetted.title}"
    ]
    assert rsvp.confirm(registration=again).status == Status.REQUESTED
    assert rsvp.approve(registration=again, by=organiser).status == Status.CONFIRMED


def test_an_rsvp_reads_the_approval_choice_from_the_database_not_a_stale_copy(vetted):
    """The meeting page may hold the event a few seconds old: approval just turned on
    still makes the RSVP a request, never a seat."""
    stale = Event.objects.get(pk=vetted.pk)
    stale.approval_required = False

    registration, _created = rsvp.register(event=stale, name="Ann", email="ann@example.org")

    assert registration.status == Status.REQUEST_UNCONFIRMED
    assert seats(vetted) == (0, 0)


def test_the_note_is_kept_only_for_meetings_that_need_approval(event):
    registration, _created = rsvp.register(
        event=event, name="Ann", email="ann@example.org", note="hello"
    )

    assert registration.note == ""


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("x" * 201, "Say how you know the group in at most 200 characters; this has 201."),
        ("Ann\x00", "Null characters are not allowed."),
    ],
)
def test_a_bad_note_is_refused_by_its_field_and_nothing_is_stored(vetted, note, message):
    with pytest.raises(ValidationError) as raised:
        rsvp.register(event=vetted, name="Ann", email="ann@example.org", note=note)

    assert raised.value.message_dict == {"note": [message]}
    assert Registration.objects.count() == 0
    assert outbox() == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note=st.text(max_size=260))
@override_settings(TURNOUT_RSVP_PER_DOMAIN=0)  # every example registers at example.org
def test_any_note_is_stored_on_one_line_or_refused_by_its_field(vetted, note):
    Registration.objects.all().delete()
    try:
        registration, _created = rsvp.register(
            event=vetted, name="Ann", email="ann@example.org", note=note
        )
    except ValidationError as exc:
        assert set(exc.message_dict) == {"note"}
        assert Registration.objects.count() == 0
    else:
        assert registration.note == " ".join(note.split())
        assert len(registration.note) <= 200
        assert seats(vetted) == (0, 0)


def test_withdrawing_a_request_or_erasing_it_frees_nothing_and_leaves_no_request(vetted):
    ann, bob = request(vetted, "Ann"), request(vetted, "Bob")

    rsvp.cancel(registration=ann)
    privacy.erase_registration(registration=bob)

    assert list(Registration.objects.values_list("status", flat=True)) == [Status.CANCELLED] * 2
    assert seats(vetted) == (0, 0)
    assert list(selectors.pending_requests(event=vetted)) == []


def test_the_counters_never_count_requests(vetted, organiser):
    requests = [request(vetted, name) for name in ("Ann", "Bob", "Cat")]
    rsvp.register(event=vetted, name="Dan", email="dan@example.org")
    rsvp.approve(registration=requests[0], by=organiser)
    rsvp.decline(registration=requests[1], by=organiser)

    vetted.refresh_from_db()
    assert vetted.seats_taken == selectors.seats_taken(event=vetted) == 1
    assert vetted.seats_held == 0
    assert [r.name for r in selectors.pending_requests(event=vetted)] == ["Cat"]
