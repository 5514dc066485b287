"""A meeting whose address is for confirmed attendees only: every public output names
the area the organiser wrote, never the venue's name, street, postcode, coordinates or
map link. Turning a meeting private takes the address off at once, cached copies too.
"""

import json
import re

import icalendar
import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_event
from tests.private_address import (
    AREA,
    POSTCODE,
    STREET,
    VENUE_NAME,
    leaks,
    make_private,
    pdf_text,
    private_meeting,
    secret_venue,
)
from turnout.feeds import jsonld
from turnout.flyers import cache as flyer_cache
from turnout.flyers import render as flyers
from turnout.rsvp import services as rsvp

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def public_urls(event) -> dict[str, str]:
    """Every public URL that shows a meeting's place (there is no series page yet)."""
    group, slug = event.group.slug, event.slug
    return {
        "meeting page": f"/{group}/events/{slug}/",
        "home": "/",
        "group page": f"/{group}/",
        "widget": f"/{group}/widget/",
        "group ics": f"/{group}/events.ics",
        "site ics": "/events.ics",
        "event ics": f"/{group}/events/{slug}/event.ics",
        "group atom": f"/{group}/feed.atom",
        "site atom": "/feed.atom",
        "flyer A4": f"/{group}/events/{slug}/flyer.pdf?size=A4",
        "flyer A5": f"/{group}/events/{slug}/flyer.pdf?size=A5",
    }


def body_text(response) -> str:
    """What a reader gets: a PDF's text, a calendar's values unescaped and unfolded (with
    the raw file after them), a page's HTML."""
    if response["Content-Type"] == "application/pdf":
        return pdf_text(response.content)
    if response["Content-Type"].startswith("text/calendar"):
        calendar = icalendar.Calendar.from_ical(response.content)
        values = [str(value) for part in calendar.walk() for value in part.values()]
        return "\n".join([*values, response.content.decode()])
    return response.content.decode()


@pytest.fixture
def meeting(group):
    return private_meeting(group)


@pytest.mark.parametrize(
    "which",
    [
        "meeting page",
        "home",
        "group page",
        "widget",
        "group ics",
        "site ics",
        "event ics",
        "group atom",
        "site atom",
        "flyer A4",
        "flyer A5",
    ],
)
def test_public_output_shows_the_area_and_never_the_address(meeting, which):
    response = Client().get(public_urls(meeting)[which])

    assert response.status_code == 200
    text = body_text(response)
    assert leaks(text) == []
    assert AREA in text or AREA.replace("’", "&#x27;") in text


def test_public_output_of_a_public_meeting_still_shows_the_address(group):
    """The same walk finds the address when the meeting is not private: the check can fail."""
    meeting = make_event(group=group, venue=secret_venue(group))

    for which, url in public_urls(meeting).items():
        if which not in ("home", "group page", "widget"):  # these show name and postcode
            assert STREET in body_text(Client().get(url)), which


def test_calendar_files_carry_only_the_area_as_location(meeting):
    for url in (
        "/events.ics",
        f"/{meeting.group.slug}/events.ics",
        public_urls(meeting)["event ics"],
    ):
        (entry,) = icalendar.Calendar.from_ical(Client().get(url).content).walk("VEVENT")
        assert str(entry["LOCATION"]) == AREA
        assert "GEO" not in entry


def test_jsonld_gives_the_area_as_location_without_postal_address_or_geo(meeting):
    html = Client().get(public_urls(meeting)["meeting page"]).content.decode()
    (found,) = JSONLD.findall(html)
    data = json.loads(found)

    assert data["location"] == {"@type": "Place", "name": AREA, "address": AREA}
    assert leaks(json.dumps(data, ensure_ascii=False)) == []
    assert leaks(jsonld.link_preview(meeting)["description"]) == []


def test_social_image_is_rendered_from_facts_without_the_address(meeting):
    """The PNG cannot be read back as text: what its renderer is given is checked instead,
    for the PNG and both sheets (the PDFs' text is checked in the walk above)."""
    facts = flyers.facts(meeting)

    assert facts["venue"] == AREA
    assert facts["postcode"] == ""
    assert leaks(json.dumps(facts, ensure_ascii=False)) == []
    png = Client().get(f"/{meeting.group.slug}/events/{meeting.slug}/flyer.png")
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"


def test_meeting_page_says_the_address_goes_to_confirmed_attendees(meeting):
    html = Client().get(public_urls(meeting)["meeting page"]).content.decode()

    assert "The address is sent to people whose place is confirmed." in html
    assert "Step-free entrance" not in html  # access notes may say where the door is


def test_a_logged_in_visitor_gets_the_public_copy_too(organiser_client, meeting):
    html = organiser_client.get(public_urls(meeting)["meeting page"]).content.decode()

    assert leaks(html) == []


def test_the_organisers_pages_show_the_address(organiser_client, meeting):
    group, slug = meeting.group.slug, meeting.slug
    edit = organiser_client.get(f"/organise/groups/{group}/events/{slug}/").content.decode()
    door = organiser_client.post(
        f"/organise/groups/{group}/events/{slug}/registrations/attendees.pdf"
    )

    assert AREA.replace("’", "&#x27;") in edit or AREA in edit
    assert VENUE_NAME in edit
    assert VENUE_NAME in pdf_text(door.content)


class TestTurningAMeetingPrivate:
    """Registrations exist, the public pages and flyers are cached: the next anonymous
    visitor already reads the area, while the confirmed attendee keeps the address."""

    @pytest.fixture(autouse=True)
    def caches_on(self, settings, tmp_path):
        settings.TURNOUT_PAGE_CACHE_SECONDS = 60
        settings.TURNOUT_FLYER_CACHE_DIR = str(tmp_path / "flyers")
        cache.clear()
        yield
        cache.clear()

    def test_cached_public_copies_lose_the_address_at_once(
        self, group, django_capture_on_commit_callbacks
    ):
        meeting = make_event(group=group, venue=secret_venue(group))
        registration, _created = rsvp.register(event=meeting, name="Ann", email="ann@example.org")
        rsvp.confirm(registration=registration)
        urls = {**public_urls(meeting), "png": f"/{group.slug}/events/{meeting.slug}/flyer.png"}
        before = {which: Client().get(url) for which, url in urls.items()}
        assert STREET in body_text(before["meeting page"])  # cached with the address
        assert POSTCODE in body_text(before["home"])

        with django_capture_on_commit_callbacks(execute=True):
            make_private(meeting)

        for which, url in public_urls(meeting).items():
            text = body_text(Client().get(url))
            assert leaks(text) == [], which
        png = Client().get(urls["png"])
        assert png.content != before["png"].content
        assert png["ETag"] != before["png"]["ETag"]

    def test_flyer_files_with_the_address_are_deleted(self, group):
        meeting = make_event(group=group, venue=secret_venue(group))
        base = f"/{group.slug}/events/{meeting.slug}/"
        sent = [
            (Client().get(f"{base}flyer.pdf?size={size}")["ETag"].strip('"'), "pdf")
            for size in flyers.SIZES
        ]
        sent.append((Client().get(f"{base}flyer.png")["ETag"].strip('"'), "png"))
        assert all(flyer_cache.read(key, suffix) for key, suffix in sent)

        make_private(meeting)

        assert [flyer_cache.read(key, suffix) for key, suffix in sent] == [None, None, None]
