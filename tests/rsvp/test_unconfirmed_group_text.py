"""An email to an address that has confirmed nothing carries no text the group chose
beyond its approved name (issue 16, finding 3): not the meeting's title, place or
description, and an unapproved group's name not even that. Anyone can type a stranger's
address into a form, and a group is whatever its founder typed: without this, the site
mails a stranger an attacker's words. Once the address is confirmed, the details come."""

import datetime as dt

import pytest

from tests.factories import make_event, make_group, make_venue
from tests.mail import files, outbox
from turnout.groups import services as groups
from turnout.mailing.services import subscriptions
from turnout.rsvp import services as rsvp
from turnout.rsvp.reminders import send_due_reminders

SPAM = "Buy cheap pills at evil.example"
VICTIM = "victim@example.net"


def everything(email) -> str:
    """All of an email a reader sees: From, subject, both bodies, attached files."""
    parts = [email.from_email, email.subject, email.body, email.alternatives[0][0]]
    parts += [str(content) for _name, content, _type in files(email)]
    return "\n".join(parts)


def to_victim():
    return [e for e in outbox() if e.to == [VICTIM]]


@pytest.fixture
def spam_event(group):
    venue = make_venue(group=group, name="Pills Warehouse", address_line1="1 Evil Road")
    return make_event(group=group, venue=venue, title=SPAM, description=SPAM)


def assert_no_group_text(email, event):
    text = everything(email)
    assert "evil.example" not in text
    assert "Pills Warehouse" not in text
    assert "Evil Road" not in text
    assert "/rsvp/" in email.body  # the details are behind the link


@pytest.mark.parametrize("confirmation_required", [True, False], ids=["hold", "no-confirmation"])
def test_an_rsvp_email_to_an_unconfirmed_address_carries_no_meeting_text(
    spam_event, confirmation_required
):
    spam_event.confirmation_required = confirmation_required
    spam_event.save()
    rsvp.register(event=spam_event, name="Ann", email=VICTIM)

    (email,) = to_victim()
    assert_no_group_text(email, spam_event)
    assert spam_event.group.name in email.subject  # the group's name: approval is off here


def test_the_waitlist_and_your_link_emails_carry_no_meeting_text(group):
    venue = make_venue(group=group, name="Pills Warehouse", address_line1="1 Evil Road")
    event = make_event(group=group, venue=venue, title=SPAM, capacity=1)
    rsvp.register(event=event, name="Ann", email="ann@example.org")
    rsvp.register(event=event, name="Bo", email=VICTIM)  # waitlisted
    rsvp.register(event=event, name="Bo", email=VICTIM)  # its link again

    mails = to_victim()
    assert len(mails) == 2
    for email in mails:
        assert_no_group_text(email, event)


def test_reminders_to_an_address_that_never_confirmed_carry_no_meeting_text(spam_event):
    spam_event.confirmation_required = False
    spam_event.save()
    rsvp.register(event=spam_event, name="Ann", email=VICTIM)
    before = len(to_victim())

    assert send_due_reminders(now=spam_event.starts_at - dt.timedelta(hours=1)) == 1

    (reminder,) = to_victim()[before:]
    assert_no_group_text(reminder, spam_event)


def test_once_the_address_is_confirmed_the_emails_carry_the_details(spam_event):
    registration, _created = rsvp.register(event=spam_event, name="Ann", email=VICTIM)
    rsvp.confirm(registration=registration)

    confirmed = to_victim()[-1]
    assert SPAM in confirmed.subject
    assert "Evil Road" in everything(confirmed)  # in its calendar file


@pytest.fixture
def unapproved(settings, organiser):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True
    return make_group(owner=organiser, name=SPAM, slug="spam")


def test_an_unapproved_groups_name_is_not_in_an_rsvp_email(unapproved):
    event = make_event(group=unapproved, title="Meeting")
    rsvp.register(event=event, name="Ann", email=VICTIM)

    (email,) = to_victim()
    assert "evil.example" not in everything(email)
    assert email.extra_headers.get("Reply-To") is None and not email.reply_to


def test_an_approved_groups_name_is_in_an_rsvp_email(unapproved):
    groups.approve_for_email(group=unapproved)
    event = make_event(group=unapproved, title="Meeting")
    rsvp.register(event=event, name="Ann", email=VICTIM)

    (email,) = to_victim()
    assert SPAM in email.subject


def test_an_unapproved_groups_name_is_not_in_a_follow_confirmation(unapproved):
    subscriptions.request_subscription(group=unapproved, email=VICTIM)

    (email,) = to_victim()
    assert "evil.example" not in everything(email)
    assert "/spam/" not in everything(email)  # its slug is the group's text too


def test_an_unapproved_groups_name_is_not_in_an_invitation(unapproved, organiser):
    groups.invite_organiser(group=unapproved, email=VICTIM, invited_by=organiser)

    (email,) = to_victim()
    assert "evil.example" not in everything(email)


@pytest.mark.parametrize("confirmation_required", [True, False], ids=["hold", "no-confirmation"])
def test_request_emails_to_an_unconfirmed_address_carry_no_meeting_text(
    spam_event, organiser, confirmation_required
):
    spam_event.confirmation_required = confirmation_required
    spam_event.approval_required = True
    spam_event.save()
    registration, _created = rsvp.register(event=spam_event, name="Ann", email=VICTIM)
    if not confirmation_required:  # the request is with the organisers: decline it
        rsvp.decline(registration=registration, by=organiser)

    mails = to_victim()
    assert len(mails) == (1 if confirmation_required else 2)
    for email in mails:
        assert_no_group_text(email, spam_event)
    assert mails[0].subject.startswith(
        "Confirm your email to ask" if confirmation_required else "Your request for a place"
    )
