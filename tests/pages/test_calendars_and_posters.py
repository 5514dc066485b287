"""The meeting page's "Add to calendar" and poster links, and the organiser's meeting
page's poster links (issue 19, items 2 and 3)."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from tests.factories import make_event, make_group
from tests.private_address import leaks, private_meeting
from turnout.events import services as events


@pytest.fixture
def meeting(group):
    return make_event(group=group, slug="talk", title="What internationalism means")


def public_page(client, event) -> str:
    url = reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug})
    return client.get(url).content.decode()


def hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def posters(event) -> list[str]:
    base = f"/{event.group.slug}/events/{event.slug}/"
    return [base + "flyer.pdf?size=A4", base + "flyer.pdf?size=A5", base + "flyer.png"]


def test_the_meeting_page_offers_calendars_before_registering(client, meeting):
    links = hrefs(public_page(client, meeting))

    assert len([h for h in links if h.startswith("https://calendar.google.com/")]) == 1
    assert len([h for h in links if h.startswith("https://outlook.live.com/")]) == 1
    assert f"/{meeting.group.slug}/events/talk/event.ics" in links


def test_the_meeting_page_links_the_poster_and_the_social_image(client, meeting):
    html = public_page(client, meeting)

    assert set(posters(meeting)) <= set(hrefs(html))
    assert "Print the poster (A4)" in html and "Image for social media" in html


def test_a_cancelled_meeting_offers_neither_calendars_nor_posters(client, meeting):
    events.cancel_event(event=meeting)

    links = hrefs(public_page(client, meeting))

    assert not [h for h in links if "calendar.google.com" in h or "outlook.live.com" in h]
    assert not set(posters(meeting)) & set(links)


def test_a_private_address_stays_out_of_every_link(client, db):
    meeting = private_meeting(make_group(slug="quiet"))

    html = public_page(client, meeting)

    assert leaks(unquote(html)) == []


def test_the_organisers_meeting_page_links_the_poster(organiser_client, group):
    draft = make_event(group=group, slug="draft", published=False)
    url = reverse("organise:event_edit", kwargs={"group": group.slug, "event": draft.slug})

    html = organiser_client.get(url).content.decode()

    assert set(posters(draft)) <= set(hrefs(html))  # an organiser may print a draft's
