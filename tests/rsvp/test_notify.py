"""Organisers' notifications (turnout.rsvp.notify): the alerts when a meeting fills, its
waitlist reaches a number or someone cancels late, and the daily digest. Each email
carries counts and links only, never an attendee's name or address."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import make_event, make_user
from tests.mail import outbox
from turnout.core.models import Message
from turnout.groups import notifications
from turnout.groups.models import Membership
from turnout.rsvp import notify
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import OrganiserAlert, Registration

ORGANISER_KINDS = [
    "rsvp/email/organiser_full",
    "rsvp/email/organiser_waitlist",
    "rsvp/email/organiser_late_cancellation",
    "rsvp/email/organiser_digest",
]


def to_organisers() -> list:
    """The organisers' emails queued, in order, as they would be sent."""
    emails = outbox()
    return [e for e in emails if e.to != [] and not e.to[0].endswith("@people.example")]


def person(event, name: str, guests: int = 0):
    """Someone who registered and confirmed their email (addresses @people.example)."""
    registration, _ = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@people.example", guests=guests
    )
    return rsvp.confirm(registration=registration)


def organiser_messages() -> list[Message]:
    return list(Message.objects.filter(kind__in=ORGANISER_KINDS).order_by("pk"))


def assert_no_attendee_data(email) -> None:
    html = email.alternatives[0][0]
    for text in (email.body, html, email.subject):
        assert "people.example" not in text
        for name in ("Ann", "Bob", "Carl", "Dana"):
            assert name not in text


def starting_in(group, delay: dt.timedelta, **fields):
    """A published two-hour meeting starting ``delay`` from now (to the minute)."""
    start = (timezone.now() + delay).astimezone(ZoneInfo(group.time_zone)).replace(second=0)
    end = start + dt.timedelta(hours=2)
    return make_event(
        group=group,
        start_date=start.date(),
        start_time=start.time().replace(microsecond=0),
        end_date=end.date(),
        end_time=end.time().replace(microsecond=0),
        **fields,
    )


@pytest.fixture
def co_organiser(group):
    user = make_user(email="taras@example.org", name="Taras")
    Membership.objects.create(group=group, user=user, role=Membership.Role.ORGANISER)
    return user


# --- the meeting is full (on by default)


def test_full_meeting_tells_each_organiser_once(
    group, organiser, co_organiser, django_capture_on_commit_callbacks
):
    event = make_event(group=group, capacity=2, title="What internationalism means")
    with django_capture_on_commit_callbacks(execute=True):
        person(event, "Ann")
    assert organiser_messages() == []
    with django_capture_on_commit_callbacks(execute=True):
        person(event, "Bob")
        person(event, "Carl")  # waitlisted: still full, no second email
        rsvp.cancel(registration=event.registrations.get(name="Ann"))  # Carl promoted: full again

    emails = to_organisers()
    assert sorted(e.to[0] for e in emails) == ["olena@example.org", "taras@example.org"]
    (email, _) = emails
    assert email.subject == "Full: What internationalism means"
    assert "All 2 seats are taken." in email.body
    assert f"/organise/groups/{group.slug}/events/{event.slug}/registrations/" in email.body
    assert_no_attendee_data(email)


def test_full_alert_not_sent_to_an_organiser_who_turned_it_off(
    group, organiser, co_organiser, django_capture_on_commit_callbacks
):
    notifications.update_settings(user=co_organiser, meeting_full=False)
    event = make_event(group=group, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        person(event, "Ann")

    assert [e.to for e in to_organisers()] == [["olena@example.org"]]


def test_held_seats_fill_the_meeting_too(group, organiser, django_capture_on_commit_callbacks):
    event = make_event(group=group, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp.register(event=event, name="Ann", email="ann@people.example")

    assert [m.kind for m in organiser_messages()] == ["rsvp/email/organiser_full"]


def test_rolled_back_registration_sends_no_alert(
    group, organiser, django_capture_on_commit_callbacks
):
    event = make_event(group=group, capacity=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            from django.db import transaction

            with transaction.atomic():
                person(event, "Ann")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert organiser_messages() == []


# --- the waitlist reaches N (opt-in)


def test_waitlist_alert_once_when_it_first_reaches_the_number(
    group, organiser, django_capture_on_commit_callbacks
):
    notifications.update_settings(user=organiser, waitlist=True, waitlist_threshold=3)
    event = make_event(group=group, capacity=1, max_guests=2, title="Housing")
    with django_capture_on_commit_callbacks(execute=True):
        person(event, "Ann")
        person(event, "Bob")  # 1 waiting
    assert [m.kind for m in organiser_messages()] == ["rsvp/email/organiser_full"]
    with django_capture_on_commit_callbacks(execute=True):
        person(event, "Carl", guests=1)  # 3 waiting
    with django_capture_on_commit_callbacks(execute=True):
        person(event, "Dana")  # 4 waiting: already told

    kinds = [m.kind for m in organiser_messages()]
    assert kinds == ["rsvp/email/organiser_full", "rsvp/email/organiser_waitlist"]
    email = to_organisers()[1]
    assert email.subject == "Housing: 3 people on the waitlist"
    assert_no_attendee_data(email)


# --- a late cancellation (opt-in)


def test_late_cancellation_says_someone_cancelled_without_naming_them(
    group, organiser, django_capture_on_commit_callbacks
):
    notifications.update_settings(user=organiser, meeting_full=False, late_cancellation=True)
    soon = starting_in(group, dt.timedelta(hours=3), title="Tonight")
    later = make_event(group=group, days_ahead=5)
    with django_capture_on_commit_callbacks(execute=True):
        ann, bob = person(soon, "Ann"), person(soon, "Bob")
        rsvp.cancel(registration=person(later, "Carl"))  # not within a day
        rsvp.cancel(registration=ann)
        rsvp.cancel(registration=bob)  # once per meeting

    (email,) = to_organisers()
    assert email.subject == "Someone cancelled: Tonight"
    assert "Someone cancelled their place at Tonight" in email.body
    assert_no_attendee_data(email)
    assert OrganiserAlert.objects.filter(kind="late_cancellation").count() == 1


# --- the daily digest (opt-in)


def test_digest_counts_per_meeting_and_one_a_day(group, organiser):
    notifications.update_settings(user=organiser, daily_digest=True)
    event = make_event(group=group, capacity=3, max_guests=2, title="What internationalism means")
    quiet = make_event(group=group, title="Nobody yet")
    person(event, "Ann", guests=1)
    person(event, "Bob")
    rsvp.register(event=event, name="Carl", email="carl@people.example")  # waits unconfirmed
    person(event, "Dana")  # waitlisted
    Message.objects.all().delete()

    assert notify.send_digests() == 1
    assert notify.send_digests() == 0  # the same day: none

    (email,) = outbox()
    assert email.to == ["olena@example.org"]
    assert email.subject == "Registrations today"
    assert "What internationalism means: 4 new since the last summary" in email.body
    assert "3 confirmed, 0 held until the email is confirmed, of 3 seats; 1 waiting" in (email.body)
    assert f"/organise/groups/{group.slug}/events/{event.slug}/registrations/" in email.body
    assert quiet.title in email.body
    assert_no_attendee_data(email)
    assert Message.objects.get().forget_after is not None  # the record is blanked in time


def test_digest_next_day_counts_only_what_is_new(group, organiser):
    notifications.update_settings(user=organiser, daily_digest=True)
    event = make_event(group=group, capacity=10, title="Housing")
    now = timezone.now()
    ann = person(event, "Ann")
    Registration.objects.filter(pk=ann.pk).update(created_at=now - dt.timedelta(hours=60))
    assert notify.send_digests(now=now - dt.timedelta(days=2)) == 1
    Message.objects.all().delete()

    assert notify.send_digests(now=now - dt.timedelta(days=1)) == 0  # nothing new: no email
    person(event, "Bob")
    assert notify.send_digests(now=now) == 1
    (email,) = [e for e in outbox() if e.to == ["olena@example.org"]]
    assert "Housing: 1 new since the last summary" in email.body


def test_no_digest_for_an_organiser_who_did_not_ask(group, organiser):
    person(make_event(group=group), "Ann")
    assert notify.send_digests() == 0


def test_digest_is_written_in_the_organisers_language(group, organiser):
    notifications.update_settings(user=organiser, daily_digest=True)
    organiser.language = "uk"
    organiser.save(update_fields=["language"])
    person(make_event(group=group), "Ann")
    Message.objects.all().delete()

    notify.send_digests()

    assert Message.objects.get().language == "uk"
