"""The place in the waitlist is one number wherever it is shown: the organiser's list
and the attendee's page both count the parties still waiting ahead, plus one (issue 20,
item 6), after cancellations and promotions have moved the queue on."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.factories import make_event
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for
from turnout.rsvp.models import Registration

pytestmark = pytest.mark.django_db
Status = Registration.Status


def register(event, name: str, *, confirm: bool = True) -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org"
    )
    return rsvp.confirm(registration=registration) if confirm else registration


def attendee_heading(client, registration) -> str:
    page = client.get(f"/rsvp/{token_for(registration)}/").content.decode()
    return re.search(r'<h2 id="status-heading">(.*?)</h2>', page).group(1)


def organiser_places(client, event) -> dict[str, str]:
    url = reverse("organise:registrations", kwargs={"group": event.group.slug, "event": event.slug})
    page = client.get(url, {"show": "waitlisted"}).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    found = {}
    for row in rows:
        name = re.search(r"<bdi>([A-Z][a-z]+)</bdi>", row)
        if name:
            place = re.search(r"\(#(\d+)\)", row)
            found[name.group(1)] = place.group(1) if place else "-"
    return found


def test_after_cancellations_and_a_promotion_every_page_shows_the_same_place(
    client, organiser_client, group, venue
):
    event = make_event(group=group, venue=venue, capacity=2)
    ann, _bob = register(event, "Ann"), register(event, "Bob")
    cat, dan, _eve, fay = (register(event, name) for name in ("Cat", "Dan", "Eve", "Fay"))
    register(event, "Gus", confirm=False)  # not in the queue until the email is confirmed

    rsvp.cancel(registration=ann)  # Cat is promoted
    rsvp.cancel(registration=dan)  # Dan leaves the queue
    rsvp.cancel(registration=cat)  # and Cat's seat goes to Eve

    statuses = dict(event.registrations.values_list("name", "status"))
    assert (statuses["Eve"], statuses["Fay"]) == (Status.CONFIRMED, Status.WAITLISTED)
    gil, hal = register(event, "Gil"), register(event, "Hal")
    # By hand: Fay, then Gil, then Hal wait; Gus has not confirmed his email.
    assert organiser_places(organiser_client, event) == {
        "Fay": "1", "Gil": "2", "Hal": "3", "Gus": "-",
    }  # fmt: skip
    export = organiser_client.post(
        reverse("organise:registration_export", kwargs={"group": group.slug, "event": event.slug})
    )
    rows = csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode()))
    assert {r["name"]: r["waitlist_place"] for r in rows} == {
        "Ann": "", "Bob": "", "Cat": "", "Dan": "", "Eve": "",
        "Fay": "1", "Gil": "2", "Hal": "3", "Gus": "",
    }  # fmt: skip
    for registration, place in ((fay, 1), (gil, 2), (hal, 3)):
        expected = f"You are number {place} on the waitlist"
        assert attendee_heading(client, registration) == expected


def test_joining_a_full_meeting_says_what_happens_next(client, group, venue):
    """Not "your registration is kept for up to 24 hours; then it lapses", which is
    about a held seat: on the waitlist, confirming keeps the place in the queue, and
    then nothing lapses."""
    event = make_event(group=group, venue=venue, capacity=1)
    register(event, "Ann")
    url = reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug})

    response = client.post(url, {"name": "Bob", "email": "bob@example.org"})

    page = " ".join(response.content.decode().split())
    assert "then it lapses and its place goes to someone else" not in page
    assert "The meeting is full: you join its waitlist." in page
    assert "we email you the moment a place is yours, and nothing lapses while you wait" in page
    bob = event.registrations.get(name="Bob")
    rsvp.confirm(registration=bob)
    heading_page = client.get(f"/rsvp/{token_for(bob)}/").content.decode()
    assert "We email you the moment a place is yours; nothing lapses while you wait." in (
        " ".join(heading_page.split())
    )
