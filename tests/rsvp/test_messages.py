"""Writing to the people registered (issue 20, item 2): the organiser's own message,
to confirmed, waitlisted, checked-in people or all of them, never to an address that
has not been confirmed, nor to cancelled or anonymised registrations; once per click."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_event
from tests.mail import outbox
from tests.rsvp.helpers import confirmed, fan_out_all
from turnout.core.models import Message
from turnout.groups.models import AuditEntry
from turnout.rsvp import messages
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import manage_url
from turnout.rsvp.models import MeetingMessage, Registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def meeting(group, venue):
    """Three seats: Ann confirmed (checked in), Carl cancelled, Bob held (unconfirmed
    email), Wanda confirmed, Zoe waitlisted, Una waitlisted with her email unconfirmed."""
    event = make_event(group=group, venue=venue, capacity=3)
    ann = confirmed(event, "Ann")
    ann.attended_at = ann.confirmed_at
    ann.save(update_fields=["attended_at"])
    rsvp.cancel(registration=confirmed(event, "Carl"))
    rsvp.register(event=event, name="Bob", email="bob@example.org")
    confirmed(event, "Wanda")
    confirmed(event, "Zoe")
    rsvp.register(event=event, name="Una", email="una@example.org")
    Message.objects.all().delete()
    return event


def send(meeting, organiser, audience="all", subject="We moved upstairs", body="Room **2**."):
    """Send now, and run the worker's fan-out that writes the emails."""
    sent = messages.send_message(
        event=meeting, by=organiser, subject=subject, body=body, audience=audience
    )
    fan_out_all()
    sent.refresh_from_db()
    return sent


def addressees() -> set[str]:
    return {email.to[0] for email in outbox()}


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("confirmed", {"ann@example.org", "wanda@example.org"}),
        ("waitlisted", {"zoe@example.org"}),
        ("checked_in", {"ann@example.org"}),
        ("all", {"ann@example.org", "wanda@example.org", "zoe@example.org"}),
    ],
)
def test_only_confirmed_addresses_in_the_audience_are_written_to(
    meeting, organiser, audience, expected
):
    sent = send(meeting, organiser, audience=audience)
    assert addressees() == expected
    assert sent.recipient_count == len(expected)
    assert sent.audience == audience and sent.sent_by == organiser


def test_the_email_says_why_links_to_their_page_and_renders_markdown(meeting, organiser):
    send(meeting, organiser, audience="checked_in", body="Room **2**.\n\n<script>x</script>")
    (email,) = outbox()
    ann = meeting.registrations.get(name="Ann")
    html = email.alternatives[0][0]
    assert email.subject == "We moved upstairs"
    assert "<strong>2</strong>" in html and "<script>" not in html
    assert meeting.title in email.body and "because you registered" in email.body
    assert manage_url(ann) in email.body and manage_url(ann) in html
    assert "List-Unsubscribe" not in email.extra_headers


def test_recorded_on_the_meeting_and_in_the_audit_log(meeting, organiser):
    send(meeting, organiser, audience="confirmed")
    (message,) = MeetingMessage.objects.filter(event=meeting)
    assert message.subject == "We moved upstairs" and message.recipient_count == 2
    entry = AuditEntry.objects.get(group=meeting.group, action="message_sent")
    assert entry.count == 2 and entry.actor == organiser


def test_a_double_click_sends_once(meeting, organiser):
    token = messages.new_send_key()
    messages.send_message(
        event=meeting, by=organiser, subject="S", body="B", audience="all", key=token
    )
    with pytest.raises(ValidationError, match="already sent"):
        messages.send_message(
            event=meeting, by=organiser, subject="S", body="B", audience="all", key=token
        )
    fan_out_all()
    assert MeetingMessage.objects.count() == 1
    assert len(outbox()) == 3


@pytest.mark.parametrize(
    ("subject", "body", "audience", "error"),
    [
        ("Hello", "", "all", "Write the message"),
        ("Hello", "   \n ", "all", "Write the message"),
        ("Hello", "x" * 200_000, "all", "too long"),
        ("", "Body", "all", "Give the message a subject"),
        ("s" * 201, "Body", "all", "subject is too long"),
        ("Hello", "Body", "unconfirmed", "Choose who"),
    ],
)
def test_bad_input_is_refused_and_nothing_sent(meeting, organiser, subject, body, audience, error):
    with pytest.raises(ValidationError, match=error):
        send(meeting, organiser, subject=subject, body=body, audience=audience)
    assert MeetingMessage.objects.count() == 0
    assert Message.objects.count() == 0
    assert not AuditEntry.objects.filter(action="message_sent").exists()


def test_anonymised_registrations_are_not_written_to(meeting, organiser):
    Registration.objects.filter(name="Wanda").update(anonymised_at=timezone.now())
    send(meeting, organiser, audience="confirmed")
    assert addressees() == {"ann@example.org"}


def test_written_in_the_registrations_language(meeting, organiser):
    Registration.objects.filter(name="Ann").update(language="uk")
    send(meeting, organiser, audience="checked_in")
    assert Message.objects.get().language == "uk"
