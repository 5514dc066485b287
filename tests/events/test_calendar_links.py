"""Google Calendar and Outlook.com links (turnout.events.calendar_links): the right UTC
instants whatever the zone and the season, the meeting's title, the place the viewer may
read and the page's link, every value URL-encoded (read back from the parsed URL)."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from tests.factories import make_event, make_group, make_venue
from turnout.events import places
from turnout.events.calendar_links import calendar_links


def params(url: str) -> dict[str, str]:
    query = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), url
    return {key: values[0] for key, values in query.items()}


def meeting(*, zone: str, day: dt.date, **fields):
    group = make_group(time_zone=zone, slug="uig")
    return make_event(
        group=group,
        start_date=day,
        time_zone=zone,
        slug="talk",
        title="What internationalism means",
        venue=make_venue(group=group, name="Community Centre"),
        **fields,
    )


@pytest.mark.parametrize(
    ("zone", "day", "start", "end"),
    [
        # 7pm – 9pm local time.
        ("Europe/London", dt.date(2027, 7, 15), "20270715T180000Z", "20270715T200000Z"),  # BST
        ("Europe/London", dt.date(2027, 1, 14), "20270114T190000Z", "20270114T210000Z"),  # GMT
        # EST: 7pm in New York is midnight in UTC, the next day.
        ("America/New_York", dt.date(2027, 11, 18), "20271119T000000Z", "20271119T020000Z"),
        # EDT
        ("America/New_York", dt.date(2027, 6, 17), "20270617T230000Z", "20270618T010000Z"),
    ],
)
def test_google_link_carries_the_utc_instants(db, zone, day, start, end):
    event = meeting(zone=zone, day=day)

    links = calendar_links(event, place=places.public_place(event))

    url = urlsplit(links.google)
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    query = params(links.google)
    assert query["action"] == "TEMPLATE"
    assert query["dates"] == f"{start}/{end}"
    assert query["text"] == "What internationalism means"
    assert query["location"] == "Community Centre, 62 Marchmont St, London WC1N 1AB"
    assert query["details"].endswith(settings.BASE_URL + "/uig/events/talk/")


@pytest.mark.parametrize(
    ("zone", "day", "start", "end"),
    [
        ("Europe/London", dt.date(2027, 7, 15), "2027-07-15T18:00:00Z", "2027-07-15T20:00:00Z"),
        ("Europe/London", dt.date(2027, 1, 14), "2027-01-14T19:00:00Z", "2027-01-14T21:00:00Z"),
        (
            "America/New_York",
            dt.date(2027, 11, 18),
            "2027-11-19T00:00:00Z",
            "2027-11-19T02:00:00Z",
        ),
    ],
)
def test_outlook_link_carries_the_utc_instants(db, zone, day, start, end):
    event = meeting(zone=zone, day=day)

    links = calendar_links(event, place=places.public_place(event))

    url = urlsplit(links.outlook)
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "outlook.live.com",
        "/calendar/0/action/compose",
    )
    query = params(links.outlook)
    assert (query["startdt"], query["enddt"]) == (start, end)
    assert query["subject"] == "What internationalism means"
    assert query["location"] == "Community Centre, 62 Marchmont St, London WC1N 1AB"
    assert query["body"].endswith(settings.BASE_URL + "/uig/events/talk/")
    assert "allday" not in query


def test_an_all_day_meeting_is_given_as_days(db):
    event = meeting(
        zone="Europe/London",
        day=dt.date(2027, 7, 15),
        end_date=dt.date(2027, 7, 16),
        all_day=True,
    )

    links = calendar_links(event, place=places.public_place(event))

    # The end is the day after the last day, as in iCalendar.
    assert params(links.google)["dates"] == "20270715/20270717"
    outlook = params(links.outlook)
    assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == (
        "2027-07-15",
        "2027-07-17",
        "true",
    )


def test_a_private_address_stays_out_of_the_public_links(db):
    event = meeting(
        zone="Europe/London",
        day=dt.date(2027, 7, 15),
        address_private=True,
        address_area="Central London, near King’s Cross",
    )

    links = calendar_links(event, place=places.public_place(event))

    for url in (links.google, links.outlook):
        assert params(url)["location"] == "Central London, near King’s Cross"
        assert "Marchmont" not in url and "Community" not in url


def test_an_online_meeting_says_online_in_its_language_and_never_gives_its_link(db):
    group = make_group(slug="uig", language="uk")
    event = make_event(
        group=group, language="uk", online_url="https://meet.example.org/secret-room"
    )

    links = calendar_links(event, place=places.public_place(event))

    assert params(links.google)["location"] == "Онлайн"
    assert "secret-room" not in links.google + links.outlook


def test_a_title_with_markup_is_encoded_not_interpreted(db):
    event = meeting(zone="Europe/London", day=dt.date(2027, 7, 15))
    event.title = '<script>alert("x")</script> & co #1?'

    links = calendar_links(event, place=places.public_place(event))

    assert params(links.google)["text"] == '<script>alert("x")</script> & co #1?'
    assert "<" not in links.google and " " not in links.outlook
