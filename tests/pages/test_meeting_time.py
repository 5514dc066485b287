"""The meeting's time on the pages names its zone, and carries its UTC instants for the
visitor's own time (issue 19, item 5): the page says "7pm London time"; its ``<time>``
holds the start in UTC and its wrapper the end and the zone, which our static script
turns into "(2pm your time)" in the browser (tests/e2e/test_visitor_time.py). Online
meetings also show the time in UTC without JavaScript. Nothing here is per visitor, so
the page cache stays valid."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import make_event, make_group
from turnout.rsvp import services as rsvp
from turnout.rsvp.links import manage_url

WINTER_DAY = dt.date(2030, 12, 3)  # a Tuesday; London is on UTC, New York five hours behind
TIME = re.compile(r'<span class="meeting-time"[^>]*>.*?</span></span>', re.DOTALL)


def meeting_url(event) -> str:
    return reverse("public:event", kwargs={"group": event.group.slug, "event": event.slug})


def times_on(html: str) -> list[str]:
    return TIME.findall(html)


@pytest.fixture
def london(db):
    return make_group(name="London group", slug="london-group", time_zone="Europe/London")


def test_the_meeting_page_names_the_zone_and_carries_the_utc_instants(client, london):
    event = make_event(group=london, start_date=WINTER_DAY, time_zone="America/New_York")

    (time,) = times_on(client.get(meeting_url(event)).content.decode())

    assert 'data-zone="America/New_York"' in time
    assert '<time datetime="2030-12-04T00:00:00Z">' in time
    assert 'data-end="2030-12-04T02:00:00Z"' in time
    assert "Tuesday 3 December 2030, 7pm – 9pm New York time</time>" in time
    assert 'data-your-time="(%(time)s your time)"' in time
    assert "UTC)" not in time  # in person: the zone is enough without JavaScript


def test_an_online_meeting_shows_the_time_in_utc_too(client, london):
    event = make_event(
        group=london,
        start_date=WINTER_DAY,
        time_zone="America/New_York",
        online_url="https://meet.example.org/room",
    )

    (time,) = times_on(client.get(meeting_url(event)).content.decode())

    assert '<span class="utc-time">(12am – 2am UTC)</span>' in time


def test_an_online_meeting_in_utc_does_not_say_utc_twice(client, london):
    event = make_event(
        group=london,
        start_date=WINTER_DAY,
        time_zone="UTC",
        online_url="https://meet.example.org/r",
    )

    (time,) = times_on(client.get(meeting_url(event)).content.decode())

    assert "7pm – 9pm (UTC)</time>" in time
    assert "utc-time" not in time


@pytest.mark.parametrize(("zone", "label"), [("Etc/GMT+5", "(UTC−5)"), ("UTC", "(UTC)")])
def test_a_meeting_in_a_zone_without_a_city_is_named_by_its_offset(client, london, zone, label):
    event = make_event(group=london, start_date=WINTER_DAY, time_zone=zone)

    response = client.get(meeting_url(event))

    assert response.status_code == 200
    (time,) = times_on(response.content.decode())
    assert f"7pm – 9pm {label}</time>" in time


@pytest.mark.parametrize("language", ["uk", "ar"])
def test_the_meeting_page_in_other_languages_names_the_city(client, london, language):
    event = make_event(group=london, start_date=WINTER_DAY)

    html = client.get(meeting_url(event), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    (time,) = times_on(html)
    assert "London" in time
    assert 'data-zone="Europe/London"' in time


def test_cards_on_home_and_the_group_page_carry_the_time_and_zone(client, london):
    make_event(group=london, days_ahead=10)

    for url in (reverse("public:home"), reverse("public:group", kwargs={"group": london.slug})):
        (time,) = times_on(client.get(url).content.decode())
        assert "London time</time>" in time


def test_the_attendee_page_carries_the_time_and_zone(client, london):
    event = make_event(group=london, start_date=WINTER_DAY)
    registration, _created = rsvp.register(event=event, name="Rosa", email="rosa@example.org")

    (time,) = times_on(client.get(manage_url(registration)).content.decode())

    assert "7pm – 9pm London time</time>" in time


def test_an_all_day_meeting_has_no_zone_to_name(client, london):
    event = make_event(group=london, start_date=WINTER_DAY, all_day=True)

    html = client.get(meeting_url(event)).content.decode()

    assert "Tuesday 3 December 2030, all day" in html
    assert times_on(html) == []
