"""The event page's schema.org Event JSON-LD and its link-preview meta tags.

The JSON-LD is parsed out of the page as a search engine would and checked for what
Google's Event rich result requires (name, startDate, location with an address or a
VirtualLocation) and recommends (endDate, eventStatus, eventAttendanceMode,
description, organizer, offers with price, priceCurrency, availability and url).
"""

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.factories import make_event, make_venue
from tests.html import without_own_scripts
from turnout.events import services as events
from turnout.feeds import jsonld as feeds_jsonld
from turnout.rsvp import services as rsvp

BASE = "http://127.0.0.1:8000"
SCHEMA = "https://schema.org/"
SECRET_LINK = "https://meet.example.org/secret-room"
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
HOSTILE = '</script><script>alert(1)</script> "quoted" & <b>bold</b>'


class Head(HTMLParser):
    """The page's <meta> tags, as a link-preview crawler reads them."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")


def page(client, event) -> str:
    response = client.get(f"/{event.group.slug}/events/{event.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def jsonld(client, event) -> dict:
    scripts = LD_SCRIPT.findall(page(client, event))
    assert len(scripts) == 1
    return json.loads(scripts[0])


def meta(client, event) -> dict[str, str]:
    head = Head()
    head.feed(page(client, event))
    return head.meta


def check_rich_result(data: dict) -> None:
    """Google's Event rich result: required, then recommended properties."""
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"]
    dt.datetime.fromisoformat(data["startDate"])
    places = data["location"] if isinstance(data["location"], list) else [data["location"]]
    for place in places:
        if place["@type"] == "Place":
            assert place["name"] and place["address"]["@type"] == "PostalAddress"
            assert place["address"]["streetAddress"] and place["address"]["addressLocality"]
        else:
            assert place["@type"] == "VirtualLocation" and place["url"].startswith("http")
    dt.datetime.fromisoformat(data["endDate"])
    assert data["eventStatus"] in (SCHEMA + "EventScheduled", SCHEMA + "EventCancelled")
    assert data["eventAttendanceMode"].startswith(SCHEMA)
    assert data["description"]
    assert data["organizer"]["@type"] == "Organization" and data["organizer"]["name"]
    assert data["organizer"]["url"].startswith("http")
    if "offers" in data:
        offer = data["offers"]
        assert (offer["@type"], offer["price"]) == ("Offer", "0")
        assert re.fullmatch(r"[A-Z]{3}", offer["priceCurrency"])
        assert offer["availability"].startswith(SCHEMA) and offer["url"].startswith("http")


def next_year(month: int, day: int) -> dt.date:
    return dt.date(timezone.localdate().year + 1, month, day)


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def test_event_page_has_a_complete_event(client, group, venue):
    event = make_event(
        group=group,
        venue=make_venue(group=group, country="United Kingdom"),
        title="What internationalism means",
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
        start_date=next_year(6, 11),
        capacity=40,
    )

    data = jsonld(client, event)

    check_rich_result(data)
    url = f"{BASE}/uig/events/{event.slug}/"
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "What internationalism means",
        "url": url,
        "startDate": f"{event.start_date}T19:00:00+01:00",
        "endDate": f"{event.start_date}T21:00:00+01:00",
        "eventStatus": SCHEMA + "EventScheduled",
        "inLanguage": "en",
        "organizer": {
            "@type": "Organization",
            "name": "Ukraine Information Group",
            "url": f"{BASE}/uig/",
        },
        "description": "Unite the struggles of Palestine, Ukraine and beyond",
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": "Community Centre",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "62 Marchmont St",
                "addressLocality": "London",
                "postalCode": "WC1N 1AB",
                "addressCountry": "United Kingdom",
            },
        },
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "GBP",
            "url": url + "#rsvp",
            "availability": SCHEMA + "InStock",
            "validFrom": event.published_at.isoformat(),
        },
        "maximumAttendeeCapacity": 40,
        "image": [f"{BASE}/uig/events/{event.slug}/flyer.png"],
    }


@pytest.mark.parametrize(
    ("zone", "winter", "summer"),
    [
        ("Europe/Kyiv", "+02:00", "+03:00"),
        ("Asia/Jerusalem", "+02:00", "+03:00"),
        ("Europe/London", "+00:00", "+01:00"),
    ],
)
def test_start_and_end_carry_the_zones_offset_on_that_day(
    client, group, venue, zone, winter, summer
):
    january = make_event(group=group, venue=venue, time_zone=zone, start_date=next_year(1, 15))
    july = make_event(group=group, venue=venue, time_zone=zone, start_date=next_year(7, 15))

    assert jsonld(client, january)["startDate"] == f"{january.start_date}T19:00:00{winter}"
    assert jsonld(client, july)["endDate"] == f"{july.start_date}T21:00:00{summer}"


def test_a_night_across_the_clock_change_has_two_offsets(client, group, venue):
    sunday = last_sunday(timezone.localdate().year + 1, 3)  # Europe's clocks go forward
    event = make_event(
        group=group,
        venue=venue,
        time_zone="Europe/London",
        start_date=sunday - dt.timedelta(days=1),
        start_time=dt.time(23, 0),
        end_date=sunday,
        end_time=dt.time(5, 0),
    )

    data = jsonld(client, event)

    assert data["startDate"] == f"{sunday - dt.timedelta(days=1)}T23:00:00+00:00"
    assert data["endDate"] == f"{sunday}T05:00:00+01:00"
    start, end = (dt.datetime.fromisoformat(data[k]) for k in ("startDate", "endDate"))
    assert end - start == dt.timedelta(hours=5)  # the hour that never happens


def test_all_day_meeting_has_dates_and_its_last_day_as_end(client, group, venue):
    first = next_year(5, 1)
    event = make_event(
        group=group,
        venue=venue,
        all_day=True,
        start_date=first,
        end_date=first + dt.timedelta(days=2),
    )

    data = jsonld(client, event)

    assert (data["startDate"], data["endDate"]) == (str(first), str(first + dt.timedelta(days=1)))


def test_cancelled_meeting_says_so_and_offers_nothing(client, event):
    events.cancel_event(event=event)

    data = jsonld(client, event)

    assert data["eventStatus"] == SCHEMA + "EventCancelled"
    assert "offers" not in data
    assert meta(client, event)["og:title"] == "Cancelled: What internationalism means"


def test_online_meeting_is_at_its_page_never_at_the_private_link(client, group):
    event = make_event(group=group, title="Online", online_url=SECRET_LINK, description="Talk")

    data = jsonld(client, event)
    html_page = page(client, event)

    check_rich_result(data)
    assert data["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert data["location"] == {
        "@type": "VirtualLocation",
        "url": f"{BASE}/uig/events/{event.slug}/",
    }
    assert "meet.example.org" not in html_page


def test_meeting_in_a_room_and_online_is_mixed(client, group, venue):
    event = make_event(group=group, venue=venue, online_url=SECRET_LINK, description="Talk")

    data = jsonld(client, event)

    check_rich_result(data)
    assert data["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]
    assert SECRET_LINK not in json.dumps(data)


def test_venue_coordinates_become_geo(client, group):
    venue = make_venue(group=group, latitude="51.523700", longitude="-0.125000")
    event = make_event(group=group, venue=venue)

    place = jsonld(client, event)["location"]

    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 51.5237, "longitude": -0.125}


def test_full_meeting_is_sold_out_with_the_waitlist_open(client, group, venue):
    event = make_event(group=group, venue=venue, capacity=1, public_counts="seats_left")
    registration, _created = rsvp.register(event=event, name="Ana", email="ana@example.org")
    rsvp.confirm(registration=registration)  # public counts leave out unconfirmed holds

    data = jsonld(client, event)

    assert data["offers"]["availability"] == SCHEMA + "SoldOut"
    assert data["remainingAttendeeCapacity"] == 0


def test_seats_left_shown_only_when_the_organiser_shows_them(client, group, venue):
    shown = make_event(group=group, venue=venue, capacity=10, public_counts="seats_left")
    room_only = make_event(group=group, venue=venue, capacity=10, public_counts="capacity")
    hidden = make_event(group=group, venue=venue, capacity=10, public_counts="none")
    for event in (shown, room_only, hidden):
        registration, _created = rsvp.register(event=event, name="Ana", email="ana@example.org")
        rsvp.confirm(registration=registration)  # public counts leave out unconfirmed holds

    assert jsonld(client, shown)["remainingAttendeeCapacity"] == 9
    assert jsonld(client, room_only)["maximumAttendeeCapacity"] == 10
    assert "remainingAttendeeCapacity" not in jsonld(client, room_only)
    data = jsonld(client, hidden)
    assert "maximumAttendeeCapacity" not in data and "remainingAttendeeCapacity" not in data
    assert data["offers"]["availability"] == SCHEMA + "InStock"


def test_registration_not_open_yet_is_a_pre_order(client, group, venue):
    opens = timezone.now() + dt.timedelta(days=2)
    event = make_event(group=group, venue=venue, registration_opens_at=opens, days_ahead=9)

    offer = jsonld(client, event)["offers"]

    assert offer["availability"] == SCHEMA + "PreOrder"
    assert dt.datetime.fromisoformat(offer["validFrom"]) == opens


def test_registration_closed_means_no_offer(client, group, venue):
    event = make_event(group=group, venue=venue, days_ahead=-2)

    assert "offers" not in jsonld(client, event)


def test_description_is_short_plain_text_from_the_markdown(client, group, venue):
    event = make_event(
        group=group, venue=venue, description="# Why\n\nSolidarity is **practical**. " + "x " * 400
    )

    description = jsonld(client, event)["description"]

    assert description.startswith("Why Solidarity is practical. x x")
    assert len(description) == 300 and description.endswith("…")


@pytest.mark.parametrize(
    "title",
    [
        HOSTILE,
        "</SCRIPT ><!-- <script>",
        "Що таке інтернаціоналізм? «Єдність» — 'лапки'",
        'ما معنى الأممية؟ "اقتباس"',
        "line\u2028separator & \\ backslash",
    ],
)
def test_hostile_and_non_latin_titles_stay_inert_and_round_trip(client, group, venue, title):
    event = make_event(group=group, venue=venue, title=title, tagline=title)

    html_page = page(client, event)
    data = jsonld(client, event)

    assert data["name"] == title
    assert data["description"] == title
    script = LD_SCRIPT.search(html_page).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    # Only the JSON-LD element itself, besides the site's own static scripts.
    assert without_own_scripts(html_page).lower().count("<script") == 1
    head = meta(client, event)
    assert head["og:title"] == title
    assert head["twitter:title"] == title
    assert head["og:description"].endswith(f"— {title}")


def test_link_preview_has_title_date_venue_and_address(client, group, venue):
    event = make_event(
        group=group, venue=venue, title="What internationalism means", start_date=next_year(6, 11)
    )
    day = event.start_date

    head = meta(client, event)

    when = f"{day:%A} {day.day} {day:%B} {day.year}, 7pm – 9pm London time"
    description = f"{when} · Community Centre, 62 Marchmont St, London WC1N 1AB"
    assert head == {
        "viewport": "width=device-width, initial-scale=1",
        "description": description,
        "og:type": "website",
        "og:site_name": "Turnout",
        "og:title": "What internationalism means",
        "og:description": description,
        "og:url": f"{BASE}/uig/events/{event.slug}/",
        "og:image": f"{BASE}/uig/events/{event.slug}/flyer.png",
        "og:image:type": "image/png",
        "og:image:width": "1080",
        "og:image:height": "1350",
        "twitter:card": "summary_large_image",
        "twitter:title": "What internationalism means",
        "twitter:description": description,
    }


def test_preview_image_is_the_flyer_s_social_card_that_the_crawler_can_fetch(
    client, group, venue, settings, tmp_path
):
    settings.TURNOUT_FLYER_CACHE_DIR = str(tmp_path)
    event = make_event(group=group, venue=venue)

    image = meta(client, event)["og:image"]
    response = client.get(image.removeprefix(BASE))

    assert image == f"{BASE}/uig/events/{event.slug}/flyer.png"
    assert jsonld(client, event)["image"] == [image]
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")


def test_draft_has_no_preview_image(group, venue):
    event = make_event(group=group, venue=venue, published=False)

    assert feeds_jsonld.link_preview(event)["image"] == ""
    assert "image" not in feeds_jsonld.event_jsonld(event)


def test_meta_content_is_escaped(client, group, venue):
    event = make_event(group=group, venue=venue, title='"><script>alert(1)</script>')

    html_page = page(client, event)

    assert 'content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html_page
    assert html.unescape('content="&quot;&gt;') in html.unescape(html_page)


def test_jsonld_adds_no_query(client, group, venue, django_assert_num_queries):
    event = make_event(group=group, venue=venue, online_url=SECRET_LINK, capacity=5)

    # The event with its group and venue, and its blocks (none): JSON-LD adds nothing.
    with django_assert_num_queries(2):
        data = json.loads(LD_SCRIPT.search(page(client, event)).group(1))

    assert data["location"][0]["name"] == "Community Centre"
