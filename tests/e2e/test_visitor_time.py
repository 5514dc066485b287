"""The visitor's own time (issue 19, item 5), in chromium at 375 px: a London meeting
seen from New York says both times, "7pm London time (2:00 – 4:00 PM your time)"; seen
from London, one. Our own static script does it from the UTC instants in the page, so the
page served (and cached) is the same for everyone."""

import datetime as dt

import pytest

from tests.factories import make_event, make_group

SUMMER_DAY = dt.date(2030, 6, 11)  # a Tuesday: London on BST (UTC+1), New York on EDT (UTC−4)


@pytest.fixture
def london_meeting(transactional_db):
    group = make_group(name="London group", slug="london-group", time_zone="Europe/London")
    return make_event(group=group, start_date=SUMMER_DAY, title="What internationalism means")


@pytest.fixture
def online_meeting(transactional_db):
    group = make_group(name="Online group", slug="online-group", time_zone="Europe/London")
    return make_event(
        group=group, start_date=SUMMER_DAY, online_url="https://meet.example.org/room"
    )


def meeting_page(new_context, event, zone: str, language: str = "en"):
    context = new_context(
        phone=True, timezone_id=zone, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    assert page.goto(f"/{event.group.slug}/events/{event.slug}/").status == 200
    page.wait_for_load_state("load")
    return page


def test_a_visitor_in_new_york_sees_the_meeting_s_time_and_their_own(new_context, london_meeting):
    page = meeting_page(new_context, london_meeting, "America/New_York")

    time = page.locator(".event-hero .meeting-time")
    assert time.locator("time").inner_text() == "Tuesday 11 June 2030, 7pm – 9pm London time"
    yours = time.locator(".your-time")
    assert yours.is_visible()
    assert yours.inner_text().strip() == "(2:00 – 4:00 PM your time)"


def test_a_visitor_in_london_sees_one_time(new_context, london_meeting):
    page = meeting_page(new_context, london_meeting, "Europe/London")

    time = page.locator(".event-hero .meeting-time")
    assert time.inner_text() == "Tuesday 11 June 2030, 7pm – 9pm London time"
    assert not time.locator(".your-time").is_visible()


def test_an_online_meeting_gives_the_visitor_s_time_instead_of_utc(new_context, online_meeting):
    page = meeting_page(new_context, online_meeting, "America/New_York")

    time = page.locator(".event-hero .meeting-time")
    assert not time.locator(".utc-time").is_visible()
    assert time.locator(".your-time").inner_text().strip() == "(2:00 – 4:00 PM your time)"


def test_an_online_meeting_seen_from_its_own_zone_keeps_utc(new_context, online_meeting):
    page = meeting_page(new_context, online_meeting, "Europe/London")

    time = page.locator(".event-hero .meeting-time")
    assert time.locator(".utc-time").inner_text() == "(6pm – 8pm UTC)"
    assert not time.locator(".your-time").is_visible()


def test_the_visitor_s_time_names_the_day_when_it_is_another_there(new_context, london_meeting):
    page = meeting_page(new_context, london_meeting, "Asia/Tokyo", language="uk")

    yours = page.locator(".event-hero .meeting-time .your-time").inner_text().strip()
    # 7pm in London is 3am on Wednesday in Tokyo; Intl writes it in Ukrainian.
    assert yours.startswith("(") and "ср" in yours and "03:00" in yours


def test_cards_on_home_get_the_visitor_s_time_too(new_context, london_meeting):
    context = new_context(phone=True, timezone_id="America/New_York")
    page = context.new_page()
    page.goto("/")

    assert page.locator(".event-card .your-time").inner_text().strip() == (
        "(2:00 – 4:00 PM your time)"
    )
