"""A meeting whose address is for confirmed attendees only, as each attendee gets it:
confirmed people see it on their page, in their emails and calendar file; people whose
seats are held, or who wait, read the area only. A change of venue tells the address to
confirmed attendees only.
"""

import datetime as dt

import icalendar
import pytest
from django.test import Client

from tests.factories import make_event, make_venue
from tests.mail import calendar_of, files, last_queued, outbox
from tests.private_address import AREA, STREET, leaks, make_private, private_meeting, secret_venue
from turnout.core.models import Message
from turnout.events import services as events
from turnout.rsvp import notices, reminders
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db

Status = Registration.Status
NEW_STREET = "12 Example Road"


def register(event, name: str, *, confirm: bool) -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org"
    )
    return rsvp.confirm(registration=registration) if confirm else registration


def page(registration) -> str:
    return Client().get(f"/rsvp/{token_for(registration)}/").content.decode()


def email_to(address: str, *, after: int = 0):
    """The last email queued to ``address`` (after the message ``after``), and its text
    and HTML together."""
    email = [e for e in outbox(after=after) if e.to == [address]][-1]
    return email, email.body + email.alternatives[0][0]


@pytest.fixture
def meeting(group):
    """Two seats: Ann confirmed, Bob held (unconfirmed), Wanda waiting."""
    event = private_meeting(group, capacity=2)
    register(event, "Ann", confirm=True)
    register(event, "Bob", confirm=False)
    register(event, "Wanda", confirm=True)
    statuses = dict(event.registrations.values_list("name", "status"))
    assert statuses == {"Ann": Status.CONFIRMED, "Bob": Status.HELD, "Wanda": Status.WAITLISTED}
    return event


def person(event, name: str) -> Registration:
    return event.registrations.get(name=name)


def test_confirmed_attendee_page_shows_the_full_address_and_map(meeting):
    html = page(person(meeting, "Ann"))

    assert STREET in html
    assert "WC1N 1AB" in html
    assert "openstreetmap.org/?mlat=51.524901" in html
    assert "Step-free entrance" in html


@pytest.mark.parametrize("name", ["Bob", "Wanda"])
def test_held_or_waiting_attendee_page_shows_the_area_only(meeting, name):
    html = page(person(meeting, name))

    assert leaks(html) == []
    assert AREA.replace("’", "&#x27;") in html or AREA in html


def test_confirmed_attendee_calendar_download_has_the_address(meeting):
    ann = person(meeting, "Ann")
    content = Client().get(f"/rsvp/{token_for(ann)}/event.ics").content
    (entry,) = icalendar.Calendar.from_ical(content).walk("VEVENT")

    assert STREET in str(entry["LOCATION"])


def test_held_attendee_calendar_download_has_the_area_only(meeting):
    bob = person(meeting, "Bob")
    content = Client().get(f"/rsvp/{token_for(bob)}/event.ics").content

    assert leaks(content.decode()) == []


def test_confirmation_email_and_its_calendar_file_carry_the_address(group):
    event = private_meeting(group)
    before = last_queued()

    register(event, "Ann", confirm=True)

    email, _text = email_to("ann@example.org", after=before)
    assert "confirmed" in email.subject
    assert STREET in email.body
    assert STREET in email.alternatives[0][0]
    assert STREET in str(calendar_of(email)["LOCATION"])


def test_emails_to_held_and_waiting_people_carry_no_address(group):
    event = private_meeting(group, capacity=1)
    register(event, "Ann", confirm=True)
    before = last_queued()

    register(event, "Bob", confirm=False)  # held? no: full, so waiting unconfirmed
    register(event, "Cleo", confirm=True)  # waiting

    sent = outbox(after=before)
    assert {tuple(e.to) for e in sent} >= {("bob@example.org",), ("cleo@example.org",)}
    for email in sent:
        assert leaks(email.body + email.alternatives[0][0]) == [], email.to
        assert files(email) == []


def test_promotion_email_carries_the_address(meeting):
    before = last_queued()

    rsvp.cancel(registration=person(meeting, "Ann"))

    email, text = email_to("wanda@example.org", after=before)
    assert STREET in text
    assert STREET in str(calendar_of(email)["LOCATION"])


def test_reminder_carries_the_address_to_confirmed_attendees(group):
    event = private_meeting(group)
    register(event, "Ann", confirm=True)
    Registration.objects.filter(event=event).update(
        confirmed_at=event.reminder_due_at - dt.timedelta(days=1)
    )
    before = last_queued()

    reminders.send_due_reminders(now=event.reminder_due_at + dt.timedelta(minutes=1))

    email, text = email_to("ann@example.org", after=before)
    assert STREET in text
    assert STREET in str(calendar_of(email)["LOCATION"])


def test_notice_page_tells_the_organiser_who_gets_the_new_address(organiser_client, meeting):
    hall = make_venue(group=meeting.group, name="St Mark's Hall", address_line1=NEW_STREET)
    events.update_event(event=meeting, venue=hall)

    html = organiser_client.get(
        f"/organise/groups/{meeting.group.slug}/events/{meeting.slug}/notice/"
    ).content.decode()

    assert "The address is for confirmed attendees only: they get the new one" in html
    assert NEW_STREET in html  # the organiser sees what changed


class TestChangeOfVenue:
    @pytest.fixture
    def moved(self, meeting, group):
        hall = make_venue(
            group=group, name="St Mark's Hall", address_line1=NEW_STREET, postcode="E1 6AN"
        )
        events.update_event(event=meeting, venue=hall)
        notice = notices.pending_notice(event=meeting)
        before = last_queued()
        notices.send_notice(notice=notice, by=None)
        return before

    def test_confirmed_attendees_read_the_new_address(self, moved):
        email, text = email_to("ann@example.org", after=moved)

        assert NEW_STREET in text
        assert NEW_STREET in str(calendar_of(email)["LOCATION"])

    @pytest.mark.parametrize(
        ("address", "told"),
        [
            # Bob's address is not confirmed yet: the brief email, which names no place.
            ("bob@example.org", "the organisers have changed the meeting"),
            ("wanda@example.org", "The address has changed."),
        ],
    )
    def test_the_others_read_no_address_old_or_new(self, moved, address, told):
        _email, text = email_to(address, after=moved)

        assert leaks(text) == []
        assert NEW_STREET not in text
        assert "St Mark" not in text
        assert "E1 6AN" not in text
        assert told in text
        stored = Message.objects.get(to_email=address, pk__gt=moved)
        assert NEW_STREET not in str(stored.params)


def test_cancellation_email_names_no_venue_to_those_not_confirmed(meeting):
    notice = events.cancel_event(event=meeting).change_notice
    before = last_queued()

    notices.send_notice(notice=notice, by=None)

    for address in ("bob@example.org", "wanda@example.org"):
        _email, text = email_to(address, after=before)
        assert leaks(text) == [], address


def test_turning_private_after_registrations_keeps_the_address_for_the_confirmed(group):
    event = make_event(group=group, venue=secret_venue(group), capacity=1)
    ann = register(event, "Ann", confirm=True)
    bob = register(event, "Bob", confirm=True)  # waiting

    make_private(event)

    assert STREET in page(ann)
    assert leaks(page(bob)) == []
