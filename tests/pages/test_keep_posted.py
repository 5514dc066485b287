""" "Keep me posted" on the RSVP form: the group's mailing list, by its own double opt-in,
asked by the meeting page in the same transaction as the registration."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import make_event
from tests.mail import outbox
from tests.rsvp.helpers import day_of
from turnout.mailing.models import Subscriber
from turnout.mailing.services import subscriptions
from turnout.rsvp.models import Registration

LIST_SUBJECT = "Confirm that you want emails from Ukraine Information Group"


@pytest.fixture
def small(group, venue):
    """Three seats, up to two guests each, email confirmation on."""
    return make_event(group=group, venue=venue, capacity=3, max_guests=2)


def rsvp(client, event, **fields):
    data = {"name": "Ann", "email": "ann@example.org", **fields}
    return client.post(f"/{event.group.slug}/events/{event.slug}/", data)


def subscription_token(email) -> str:
    (token,) = re.findall(r"/subscriptions/confirm/([^/\s]+)/", email.body)
    return token


def test_rsvp_keep_posted_emails_the_lists_confirmation_and_subscribes_on_it(client, small):
    rsvp(client, small, email=" Ann@example.org", keep_posted="on")

    confirm_place, confirm_list = outbox()
    assert (
        confirm_place.subject == f"Confirm your place at a meeting organised by {small.group.name}"
    )
    assert (confirm_list.to, confirm_list.subject) == (["ann@example.org"], LIST_SUBJECT)
    assert Subscriber.objects.count() == 0  # not on the list before confirming

    subscriber = subscriptions.confirm_subscription(token=subscription_token(confirm_list))

    assert (subscriber.group, subscriber.email) == (small.group, "ann@example.org")
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ann@example.org"]


def test_rsvp_keep_posted_for_a_subscriber_sends_no_second_list_email(client, small):
    subscriptions.confirm_subscription(
        token=subscriptions.confirmation_token(group=small.group, email="ann@example.org")
    )

    rsvp(client, small, keep_posted="on")

    assert [e.subject for e in outbox()] == [
        f"Confirm your place at a meeting organised by {small.group.name}"
    ]


def test_rsvp_again_asking_to_be_kept_posted_emails_the_list_confirmation(client, small):
    rsvp(client, small)

    rsvp(client, small, keep_posted="on")

    assert [e.subject for e in outbox()] == [
        f"Confirm your place at a meeting organised by {small.group.name}",
        f"Your registration for the meeting organised by {small.group.name} on {day_of(small)}",
        LIST_SUBJECT,
    ]


def test_rsvp_with_bad_input_and_keep_posted_sends_nothing(client, small):
    response = rsvp(client, small, name="", keep_posted="on")

    assert response.status_code == 200
    assert 'id="id_name_error"><li>Give your name.</li>' in response.content.decode()
    assert outbox() == []


def test_rsvp_after_registration_closed_with_keep_posted_sends_nothing(client, group, venue):
    event = make_event(
        group=group, venue=venue, registration_closes_at=timezone.now() - dt.timedelta(hours=1)
    )

    response = rsvp(client, event, keep_posted="on")

    assert '<h2 id="rsvp-heading">Registration closed</h2>' in response.content.decode()
    assert Registration.objects.count() == 0
    assert outbox() == []  # no list email either
