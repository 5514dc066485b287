"""Google Calendar and Outlook.com links for an attendee: on their page and in every full
email about their registration, with the place they may read (turnout.rsvp.places: the
full address once confirmed, the area before); never in the brief email to an address
not yet confirmed, nor in a cancellation or a refusal."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client

from tests.mail import outbox
from tests.private_address import AREA, STREET, leaks, private_meeting
from turnout.events import services as events
from turnout.rsvp import notices
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration
from turnout.rsvp.services.emails import email_attendee

pytestmark = pytest.mark.django_db
Status = Registration.Status
GOOGLE = "https://calendar.google.com/calendar/render?"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose?"


def register(event, name: str, *, confirm: bool) -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org"
    )
    return rsvp.confirm(registration=registration) if confirm else registration


def links_in(text: str, start: str) -> list[str]:
    found = []
    for piece in text.replace('"', " ").replace("<", " ").replace(">", " ").split():
        if piece.startswith(start):
            found.append(piece.replace("&amp;", "&"))
    return found


def location(url: str) -> str:
    return parse_qs(urlsplit(url).query)["location"][0]


def emails_to(address: str) -> list[str]:
    return [e.body + e.alternatives[0][0] for e in outbox() if e.to == [address]]


@pytest.fixture
def meeting(group):
    """Two seats: Ann confirmed, Bob held (email not confirmed), Wanda waiting."""
    event = private_meeting(group, capacity=2)
    register(event, "Ann", confirm=True)
    register(event, "Bob", confirm=False)
    register(event, "Wanda", confirm=True)
    return event


def person(event, name: str) -> Registration:
    return event.registrations.get(name=name)


def page(registration) -> str:
    return Client().get(f"/rsvp/{token_for(registration)}/").content.decode()


def test_a_confirmed_attendees_page_links_calendars_with_the_full_address(meeting):
    html = page(person(meeting, "Ann"))

    for start in (GOOGLE, OUTLOOK):
        (url,) = links_in(html, start)
        assert STREET in location(url)
    assert f"/rsvp/{token_for(person(meeting, 'Ann'))}/event.ics" in html


@pytest.mark.parametrize("name", ["Bob", "Wanda"])
def test_a_held_or_waiting_attendees_page_links_calendars_with_the_area(meeting, name):
    html = page(person(meeting, name))

    (url,) = links_in(html, GOOGLE)
    assert location(url) == AREA
    assert leaks(unquote(html)) == []
    assert f"/{meeting.group.slug}/events/{meeting.slug}/event.ics" in html


def test_full_emails_carry_the_calendar_links_with_the_place_each_may_read(meeting):
    ann = emails_to("ann@example.org")[-1]  # confirmed
    wanda = emails_to("wanda@example.org")[-1]  # waitlisted

    for start in (GOOGLE, OUTLOOK):
        assert [STREET in location(url) for url in links_in(ann, start)] == [True, True]
        assert [location(url) for url in links_in(wanda, start)] == [AREA, AREA]
    assert leaks(unquote(wanda)) == []


def test_the_brief_email_carries_no_calendar_link(meeting):
    (bob,) = emails_to("bob@example.org")  # his address is not confirmed

    assert links_in(bob, GOOGLE) == links_in(bob, OUTLOOK) == []
    assert "calendar.google.com" not in bob


def test_a_reminder_carries_them(meeting):
    email_attendee(person(meeting, "Ann"), template="rsvp/email/reminder")

    last = emails_to("ann@example.org")[-1]
    assert len(links_in(last, GOOGLE)) == 2  # text and HTML


def test_a_cancellation_carries_none(meeting, organiser):
    before = len(emails_to("ann@example.org"))
    events.cancel_event(event=meeting, by=organiser)
    notices.send_notice(notice=notices.pending_notice(event=meeting), by=organiser)

    told = emails_to("ann@example.org")[before:]
    assert len(told) == 1
    assert "calendar.google.com" not in told[0] and "outlook.live.com" not in told[0]
