"""Addresses are forever: a group's or meeting's old address answers 301 to the new one,
and nobody else can ever take it (issue 15, finding 3: printed QR codes point there)."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_event, make_group, make_user, make_venue
from turnout.events.models import Event
from turnout.groups.models import Group

OLD_MEETING = "/uig/events/what-internationalism-means/"
NEW_MEETING = "/uig-london/events/what-internationalism-means/"
MOVED = "/uig-london/events/internationalism/"  # both the group and the meeting renamed


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


# --- every address under an old one leads to the same page under the new one ---


@pytest.fixture
def renamed(group, meeting):
    """The group moved from uig to uig-london, the meeting from
    what-internationalism-means to internationalism."""
    from turnout.events import services as events
    from turnout.groups import services as groups

    events.update_event(event=meeting, slug="internationalism")
    groups.update_group(group=group, slug="uig-london")
    return meeting


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/uig/", "/uig-london/"),
        ("/uig/?page=2", "/uig-london/?page=2"),
        ("/uig/events.ics", "/uig-london/events.ics"),
        ("/uig/feed.atom", "/uig-london/feed.atom"),
        ("/uig/widget/?limit=3", "/uig-london/widget/?limit=3"),
        ("/uig/subscribe/", "/uig-london/subscribe/"),
        ("/uig/comparisons/costs/", "/uig-london/comparisons/costs/"),
        (OLD_MEETING, "/uig-london/events/internationalism/"),
        (f"{OLD_MEETING}?utm_source=flyer", f"{MOVED}?utm_source=flyer"),
        (f"{OLD_MEETING}event.ics", f"{MOVED}event.ics"),
        (f"{OLD_MEETING}flyer.pdf?size=A5", f"{MOVED}flyer.pdf?size=A5"),
        (f"{OLD_MEETING}flyer.png", f"{MOVED}flyer.png"),
        ("/uig/events/internationalism/", "/uig-london/events/internationalism/"),
        ("/uig-london/events/what-internationalism-means/", "/uig-london/events/internationalism/"),
    ],
)  # fmt: skip
def test_an_old_address_answers_301_with_the_same_page_at_the_new_one(client, renamed, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new
    assert response["Cache-Control"] == "max-age=3600"


def test_an_organisers_old_links_lead_to_the_group_under_its_new_address(organiser_client, renamed):
    response = organiser_client.get(f"/organise/groups/uig/events/{renamed.slug}/", follow=True)

    assert response.redirect_chain == [
        ("/organise/groups/uig-london/events/internationalism/", 301)
    ]
    assert response.status_code == 200


def test_the_new_meeting_address_answers_with_the_meeting(client, renamed):
    response = client.get(OLD_MEETING, follow=True)

    assert response.redirect_chain == [("/uig-london/events/internationalism/", 301)]
    assert response.status_code == 200
    assert "What internationalism means" in response.content.decode()


def test_head_gets_301_and_a_post_gets_308_keeping_its_method(client, renamed):
    assert client.head("/uig/").status_code == 301

    response = client.post(OLD_MEETING, {"name": "Ana", "email": "ana@example.org"})

    assert response.status_code == 308
    assert response["Location"] == "/uig-london/events/internationalism/"


def test_renamed_twice_goes_straight_to_the_current_address(client, group, meeting):
    from turnout.events import services as events
    from turnout.groups import services as groups

    for group_slug, meeting_slug in [("uig-1", "m-1"), ("uig-2", "m-2")]:
        events.update_event(event=meeting, slug=meeting_slug)
        groups.update_group(group=group, slug=group_slug)

    for old in (OLD_MEETING, "/uig-1/events/m-1/", "/uig/events/m-1/", "/uig-1/events/m-2/"):
        response = client.get(old, follow=True)
        assert response.redirect_chain == [("/uig-2/events/m-2/", 301)]
        assert response.status_code == 200


def test_a_group_back_at_its_old_address_is_served_there_and_the_other_redirects(
    client, group, meeting
):
    from turnout.groups import services as groups

    groups.update_group(group=group, slug="uig-london")
    groups.update_group(group=group, slug="uig")

    assert client.get(OLD_MEETING).status_code == 200
    response = client.get("/uig-london/events/what-internationalism-means/")
    assert (response.status_code, response["Location"]) == (301, OLD_MEETING)


def test_a_drafts_old_address_does_not_give_away_its_new_one(client, group, venue):
    from turnout.events import services as events

    draft = make_event(group=group, venue=venue, slug="secret-plan", published=False)
    events.update_event(event=draft, slug="renamed-plan")

    assert client.get("/uig/events/secret-plan/").status_code == 404


def test_a_deleted_groups_old_address_is_404(client, group):
    from turnout.groups import services as groups

    groups.update_group(group=group, slug="uig-london")
    group.delete()

    assert client.get("/uig/").status_code == 404
    assert client.get("/uig-london/").status_code == 404


def test_a_deleted_meetings_address_is_404(client, meeting):
    meeting.delete()

    assert client.get(OLD_MEETING).status_code == 404


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    group_part=st.text(max_size=20),
    event_part=st.text(max_size=20),
    tail=st.sampled_from(["", "event.ics", "flyer.pdf?size=A9", "flyer.png", "x/y"]),
)
def test_any_path_under_an_old_address_answers_without_a_5xx(
    client, renamed, group_part, event_part, tail
):
    path = f"/{quote(group_part, safe='')}/events/{quote(event_part, safe='')}/{tail}"
    for prefix in ("", "/uig"):
        response = client.get(prefix + path if prefix else path)
        assert response.status_code in (200, 301, 302, 400, 404)
