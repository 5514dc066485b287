"""An attendee adds guests from their page while seats are free: taken by the same
conditional statement as any seat, up to the meeting's limit per person; when the
meeting is full the page says so and nothing costs them their place (issue 20, item 6)."""

import re

import pytest

from tests.factories import make_event
from tests.rsvp.helpers import seats
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db
Status = Registration.Status


def register(event, name="Ann", guests=0, *, confirm=True) -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org", guests=guests
    )
    return rsvp.confirm(registration=registration) if confirm else registration


def details(client, registration, guests):
    return client.post(
        f"/rsvp/{token_for(registration)}/details/", {"name": registration.name, "guests": guests}
    )


def page_text(client, registration) -> str:
    page = client.get(f"/rsvp/{token_for(registration)}/").content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def stored(registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def test_a_confirmed_attendee_adds_guests_while_seats_are_free(client, group, venue):
    event = make_event(group=group, venue=venue, capacity=5, max_guests=2)
    ann = register(event)
    assert "Guests you are bringing" in page_text(client, ann)

    response = details(client, ann, "2")

    assert response.status_code == 302
    assert (stored(ann).guests, stored(ann).status) == (2, Status.CONFIRMED)
    assert seats(event) == (3, 3)


def test_a_held_party_adds_guests_as_held_seats(client, group, venue):
    event = make_event(group=group, venue=venue, capacity=5, max_guests=2)
    ann = register(event, confirm=False)

    details(client, ann, "1")

    event.refresh_from_db()
    assert (stored(ann).guests, event.seats_taken, event.seats_held) == (1, 2, 2)


def test_when_the_meeting_is_full_the_page_says_so_and_nothing_changes(client, group, venue):
    event = make_event(group=group, venue=venue, capacity=2, max_guests=2)
    ann, _bob = register(event), register(event, "Bob")
    assert "The meeting is full: you can bring fewer guests, not more." in page_text(client, ann)

    response = details(client, ann, "1")

    assert response.status_code == 400
    assert "The meeting is full: there is no free seat for another guest." in (
        response.content.decode()
    )
    assert (stored(ann).guests, stored(ann).status) == (0, Status.CONFIRMED)
    assert seats(event) == (2, 2)


def test_more_guests_than_the_meeting_allows_are_refused(client, group, venue):
    event = make_event(group=group, venue=venue, capacity=10, max_guests=2)
    ann = register(event)

    response = details(client, ann, "3")

    assert response.status_code == 400
    assert "Each person may bring at most 2 guests." in response.content.decode()
    assert stored(ann).guests == 0 and seats(event) == (1, 1)


def test_a_meeting_without_guests_offers_none(client, group, venue):
    event = make_event(group=group, venue=venue, capacity=10, max_guests=0)
    ann = register(event)

    assert "Guests you are bringing" not in page_text(client, ann)
    response = details(client, ann, "1")

    assert stored(ann).guests == 0 and seats(event) == (1, 1)
    assert response.status_code in (302, 400)


def test_someone_waiting_cannot_add_guests_and_keeps_their_place(client, group, venue):
    event = make_event(group=group, venue=venue, capacity=1, max_guests=2)
    register(event)
    wes = register(event, "Wes")
    assert stored(wes).status == Status.WAITLISTED

    response = details(client, wes, "1")

    assert response.status_code == 400
    assert (stored(wes).guests, stored(wes).status) == (0, Status.WAITLISTED)
    assert stored(wes).waitlist_position == wes.waitlist_position


def test_the_attendees_page_shows_the_check_in_code_once_confirmed(client, group, venue):
    import base64
    import io

    from PIL import Image

    event = make_event(group=group, venue=venue, capacity=5)
    held, confirmed = register(event, "Hal", confirm=False), register(event, "Cy")

    page = client.get(f"/rsvp/{token_for(confirmed)}/").content.decode()
    found = re.search(
        r'<img src="data:image/png;base64,([^"]+)"[^>]*alt="Your check-in code"', page
    )
    assert found, "no check-in code on the confirmed attendee's page"
    image = Image.open(io.BytesIO(base64.b64decode(found.group(1))))
    assert image.size[0] == image.size[1] >= 150
    assert "Your check-in code" not in client.get(f"/rsvp/{token_for(held)}/").content.decode()
