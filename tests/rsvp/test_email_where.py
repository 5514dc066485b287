"""Where, in every full email about a registration (issue 19, item 6): the venue's name,
address, access notes and a map link, or for an online meeting the link (confirmed
people) or word that it comes once the place is confirmed. One include for the text
part and one for the HTML part (rsvp/email/_where.txt, .html).

What each person may read is rsvp/places.py's to say (issue 17): a private address goes
to confirmed people only; people waiting or asking read the area. The brief email, to an
address not yet confirmed (issue 16), names no place at all.
"""

import pytest

from tests.factories import make_event, make_venue
from tests.mail import last_queued, outbox
from tests.private_address import AREA, leaks, private_meeting
from tests.processes import wait_for
from turnout.core.models import Message
from turnout.groups.models import Venue
from turnout.rsvp import services as rsvp
from turnout.rsvp.models import Registration
from turnout.rsvp.services import requests
from turnout.rsvp.services.emails import email_attendee

Status = Registration.Status
NAME = "Community Centre"
STREET = "62 Marchmont St"
TOWN = "London WC1N 1AB"
ACCESS = "Step-free entrance; hearing loop in the main hall."
MAP = "https://www.openstreetmap.org/search?query=62+Marchmont+St%2C+London+WC1N+1AB"
ONLINE = "https://meet.example.org/secret-room"
LINK_COMES = "Online: the link comes when your place is confirmed."
CONFIRMED_KINDS = ["confirmed", "promoted", "reminder", "changed", "your_link"]
WAITING_KINDS = ["waitlisted", "your_link", "changed"]


@pytest.fixture
def hall(group):
    return make_venue(
        group=group,
        name=NAME,
        address_line1=STREET,
        city="London",
        postcode="WC1N 1AB",
        accessibility=ACCESS,
    )


def register(event, name: str, *, confirm: bool = True) -> Registration:
    registration, _created = rsvp.register(
        event=event, name=name, email=f"{name.lower()}@example.org"
    )
    return rsvp.confirm(registration=registration) if confirm else registration


def email_about(registration: Registration, kind: str):
    """The email of ``kind`` about the registration as it is now, as delivered: (text, HTML)."""
    after = last_queued()
    email_attendee(
        registration, template=f"rsvp/email/{kind}", changes=[] if kind == "changed" else None
    )
    (email,) = outbox(after=after)
    return email.body, email.alternatives[0][0]


def says_where(text: str) -> bool:
    return all(part in text for part in (NAME, STREET, TOWN, ACCESS, MAP))


@pytest.mark.parametrize("kind", CONFIRMED_KINDS)
def test_a_confirmed_attendee_s_emails_say_where_in_both_parts(group, hall, kind):
    ann = register(make_event(group=group, venue=hall), "Ann")
    assert ann.status == Status.CONFIRMED

    text, html = email_about(ann, kind)

    assert says_where(text), text
    assert says_where(html), html
    assert f'<a href="{MAP}">' in html


@pytest.mark.parametrize("kind", WAITING_KINDS)
def test_people_waiting_for_a_public_address_read_it_too(group, hall, kind):
    event = make_event(group=group, venue=hall, capacity=1)
    register(event, "Ann")
    wanda = register(event, "Wanda")
    assert wanda.status == Status.WAITLISTED

    text, html = email_about(wanda, kind)

    assert says_where(text) and says_where(html)


def test_the_request_and_its_approval_say_where(group, hall, organiser):
    event = make_event(group=group, venue=hall, approval_required=True)
    rosa = register(event, "Rosa")
    assert rosa.status == Status.REQUESTED
    (requested,) = outbox(after=last_queued() - 1)
    after = last_queued()

    requests.approve(registration=rosa, by=organiser)

    (approved,) = outbox(after=after)
    for email in (requested, approved):
        assert says_where(email.body) and says_where(email.alternatives[0][0])


@pytest.mark.parametrize("kind", WAITING_KINDS)
def test_a_private_address_is_not_sent_to_people_waiting(group, kind):
    event = private_meeting(group, capacity=1)
    register(event, "Ann")
    wanda = register(event, "Wanda")
    assert wanda.status == Status.WAITLISTED

    text, html = email_about(wanda, kind)

    assert leaks(text) == [] and leaks(html) == []
    assert AREA in text and AREA in html
    assert "The address is sent to people whose place is confirmed." in text


def test_a_private_address_is_not_sent_to_people_asking(group, organiser):
    event = private_meeting(group, approval_required=True)
    rosa = register(event, "Rosa")

    text, html = email_about(rosa, "requested")

    assert leaks(text) == [] and leaks(html) == []
    assert AREA in text


def test_a_private_address_is_sent_once_the_place_is_confirmed(group):
    event = private_meeting(group)
    ann = register(event, "Ann")

    text, html = email_about(ann, "confirmed")

    assert "62 Marchmont St" in text and "62 Marchmont St" in html
    assert "Step-free entrance on Marchmont Street." in text


def test_the_brief_email_names_no_place(group, hall):
    bob = register(make_event(group=group, venue=hall, online_url=ONLINE), "Bob", confirm=False)

    (email,) = outbox()

    for part in (email.body, email.alternatives[0][0]):
        assert NAME not in part and STREET not in part and "openstreetmap" not in part
        assert ONLINE not in part and LINK_COMES not in part
    assert bob.email_confirmed_at is None


def test_an_online_meeting_says_the_link_comes_to_people_waiting(group):
    event = make_event(group=group, online_url=ONLINE, capacity=1)
    register(event, "Ann")
    wanda = register(event, "Wanda")

    text, html = email_about(wanda, "waitlisted")

    assert LINK_COMES in text and LINK_COMES in html
    assert ONLINE not in text and ONLINE not in html


@pytest.mark.parametrize("kind", CONFIRMED_KINDS)
def test_an_online_meeting_gives_confirmed_people_the_link(group, kind):
    ann = register(make_event(group=group, online_url=ONLINE), "Ann")

    text, html = email_about(ann, kind)

    assert f"Join online: {ONLINE}" in text
    assert f'<a href="{ONLINE}">{ONLINE}</a>' in html
    assert LINK_COMES not in text


def test_a_venue_s_name_and_notes_are_text_in_the_html_part(group):
    venue = make_venue(
        group=group, name="<script>alert(1)</script> Hall", accessibility="<b>ramp</b> & lift"
    )
    ann = register(make_event(group=group, venue=venue), "Ann")

    text, html = email_about(ann, "confirmed")

    assert "<script>" not in html and "<b>ramp" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hall" in html
    assert "&lt;b&gt;ramp&lt;/b&gt; &amp; lift" in html
    assert "<script>alert(1)</script> Hall" in text  # plain text: shown as typed


def test_a_venue_with_no_address_gives_its_name_and_no_empty_map_search(group):
    venue = make_venue(group=group, name="The Old Library")
    # As an older row or the admin may leave it: the form asks for a street and a town.
    Venue.objects.filter(pk=venue.pk).update(address_line1="", city="", postcode="")
    ann = register(make_event(group=group, venue=venue), "Ann")

    text, html = email_about(ann, "confirmed")

    assert "The Old Library" in text and "The Old Library" in html
    assert "openstreetmap" not in text and "openstreetmap" not in html


def test_a_venue_with_only_coordinates_links_the_pin(group):
    venue = make_venue(group=group, name="Field", latitude="51.5", longitude="-0.12")
    Venue.objects.filter(pk=venue.pk).update(address_line1="", city="", postcode="")
    ann = register(make_event(group=group, venue=venue), "Ann")

    text, _html = email_about(ann, "confirmed")

    assert "https://www.openstreetmap.org/?mlat=51.500000&mlon=-0.120000" in text


def test_a_confirmed_attendee_s_delivered_email_says_where(transactional_db, workers, smtp):
    from tests.factories import make_group

    group = make_group(name="Ukraine Information Group", slug="uig-where")
    hall = make_venue(
        group=group,
        name=NAME,
        address_line1=STREET,
        city="London",
        postcode="WC1N 1AB",
        accessibility=ACCESS,
    )
    register(make_event(group=group, venue=hall), "Ann")
    workers(1)
    wait_for(
        lambda: (
            not Message.objects.filter(status=Message.Status.QUEUED).exists() and smtp.count() >= 2
        ),
        timeout=60,
    )

    # The brief "confirm your email" came first, then this one.
    (confirmed,) = [m for m in smtp.to("ann@example.org") if "is confirmed" in m["Subject"]]
    text = confirmed.get_body(preferencelist=("plain",)).get_content()
    html = confirmed.get_body(preferencelist=("html",)).get_content()
    assert says_where(text) and says_where(html)
