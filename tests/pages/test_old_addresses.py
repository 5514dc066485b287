"""Addresses are forever: a group's or meeting's old address answers 301 to the new one,
and nobody else can ever take it (issue 15, finding 3: printed QR codes point there)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_event, make_group, make_user, make_venue
from turnout.events.models import Event
from turnout.groups.models import Group

OLD_MEETING = "/uig/events/what-internationalism-means/"
NEW_MEETING = "/uig-london/events/what-internationalism-means/"


def group_data(**changes) -> dict:
    return {
        "name": "Ukraine Information Group",
        "slug": "uig",
        "about": "",
        "contact_email": "uig@example.org",
        "website": "",
        "time_zone": "Europe/London",
        "language": "en",
        **changes,
    }


def event_data(*, venue, **changes) -> dict:
    day = timezone.localdate() + dt.timedelta(days=30)
    return {
        "title": "What internationalism means",
        "tagline": "",
        "slug": "what-internationalism-means",
        "description": "",
        "start_date": day.isoformat(),
        "start_time": "19:00",
        "end_date": "",
        "end_time": "21:00",
        "time_zone": "Europe/London",
        "language": "en",
        "venue": str(venue.pk) if venue else "",
        "online_url": "",
        "capacity": "40",
        "max_guests": "0",
        "confirmation_required": "on",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "public_counts": "capacity",
        **changes,
    }


@pytest.fixture
def meeting(group, venue):
    return make_event(
        group=group, venue=venue, title="What internationalism means",
        slug="what-internationalism-means",
    )  # fmt: skip


@pytest.fixture
def attacker_client(db):
    client = Client()
    client.force_login(make_user(email="attacker@example.org", name="Attacker"))
    return client


def test_a_renamed_groups_old_meeting_address_cannot_be_taken_over(
    organiser_client, attacker_client, meeting
):
    """The attack as reported: rename the group, then a new account creates a group
    with the old slug and a meeting with the old meeting slug."""
    assert Client().get(OLD_MEETING).status_code == 200
    renamed = organiser_client.post("/organise/groups/uig/edit/", group_data(slug="uig-london"))
    assert renamed.status_code == 302

    attacker_client.post(
        "/organise/new-group/",
        group_data(name="Totally UIG", slug="uig", contact_email="attacker@example.org"),
    )
    taken = Group.objects.filter(slug="uig").first()
    if taken is not None:  # the attack got this far: try the meeting too
        venue = make_venue(group=taken)
        attacker_client.post("/organise/groups/uig/events/new/", event_data(venue=venue))
        fake = Event.objects.filter(group=taken).first()
        if fake is not None:
            attacker_client.post(f"/organise/groups/uig/events/{fake.slug}/publish/")

    response = Client().get(OLD_MEETING)

    assert "attacker@example.org" not in response.content.decode()
    assert Group.objects.filter(slug="uig").exists() is False
    assert response.status_code == 301
    assert response["Location"] == NEW_MEETING


def test_a_renamed_meetings_old_address_cannot_be_taken_by_another_meeting(
    organiser_client, group, venue, meeting
):
    url = f"/organise/groups/uig/events/{meeting.slug}/"
    organiser_client.post(url, event_data(venue=venue, slug="internationalism"))
    meeting.refresh_from_db()
    assert meeting.slug == "internationalism"

    response = organiser_client.post(
        "/organise/groups/uig/events/new/",
        event_data(venue=venue, title="Another meeting", slug="what-internationalism-means"),
    )

    assert list(Event.objects.values_list("slug", flat=True)) == ["internationalism"]
    assert response.status_code == 200
    answer = Client().get(OLD_MEETING)
    assert answer.status_code == 301
    assert answer["Location"] == "/uig/events/internationalism/"


def test_a_printed_flyers_qr_code_keeps_working_after_both_renames(
    organiser_client, group, venue, meeting
):
    organiser_client.post(
        f"/organise/groups/uig/events/{meeting.slug}/", event_data(venue=venue, slug="renamed")
    )
    organiser_client.post("/organise/groups/uig/edit/", group_data(slug="uig-london"))

    response = Client().get(OLD_MEETING)

    assert response.status_code == 301
    assert response["Location"] == "/uig-london/events/renamed/"
    assert Client().get(response["Location"]).status_code == 200


def test_another_group_cannot_take_a_deleted_groups_address(attacker_client, db):
    make_group(slug="riverside-tenants").delete()

    response = attacker_client.post(
        "/organise/new-group/", group_data(name="Riverside", slug="riverside-tenants")
    )

    assert response.status_code == 200
    assert Group.objects.exists() is False


def test_unused_addresses_still_answer_404(client, db):
    make_group(slug="tenants")

    assert client.get("/nobody/").status_code == 404
    assert client.get("/tenants/events/nothing/").status_code == 404
