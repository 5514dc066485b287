"""The public pages: the list of meetings, a group's page and a meeting's page."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_event, make_group, make_venue
from tests.html import without_own_scripts
from turnout.events import services as events

NOT_FOUND = "There is nothing at this address. The meeting may have moved or not be public yet."
CANCELLED = "This meeting has been cancelled."
HOSTILE_SCRIPT = "<script>alert(1)</script>"
# The page's own schema.org data: JSON whose "<" are all escaped, so nothing in it is markup.
LD_JSON = re.compile(r'<script type="application/ld\+json">[^<]*</script>')
HOSTILE_LINK = "[click me](javascript:alert(1))"
JAVASCRIPT_LINK = re.compile(r"<[^>]+\b(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def next_weekday(weekday: int, *, at_least: int) -> dt.date:
    """The first ``weekday`` (Monday is 0) at least ``at_least`` days from today."""
    day = timezone.localdate() + dt.timedelta(days=at_least)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def titles_in(html: str) -> list[str]:
    """The meeting titles of a page's event cards, in page order."""
    card = r'<h[23] class="card-title"><a href="[^"]+" dir="auto">([^<]+)</a></h[23]>'
    return re.findall(card, html)


def titles(response) -> list[str]:
    return titles_in(response.content.decode())


def test_event_page_shows_the_meeting(client, event):
    response = client.get(f"/{event.group.slug}/events/{event.slug}/")

    assert response.status_code == 200
    assert '<h1 dir="auto">What internationalism means</h1>' in response.content.decode()


def test_event_page_says_when_in_words(client, group, venue):
    tuesday = next_weekday(1, at_least=30)
    event = make_event(group=group, venue=venue, start_date=tuesday)
    year = f" {tuesday.year}" if tuesday.year != timezone.localdate().year else ""

    response = client.get(f"/uig/events/{event.slug}/")

    expected = f"Tuesday {tuesday.day} {tuesday:%B}{year}, 7pm – 9pm London time"
    assert f"{expected}</time>" in response.content.decode()


def test_event_page_shows_minutes_only_when_there_are_some(client, group, venue):
    day = next_weekday(3, at_least=30)
    event = make_event(
        group=group,
        venue=venue,
        start_date=day,
        start_time=dt.time(18, 30),
        end_time=dt.time(20, 45),
    )
    year = f" {day.year}" if day.year != timezone.localdate().year else ""

    response = client.get(f"/uig/events/{event.slug}/")

    assert f"Thursday {day.day} {day:%B}{year}, 6:30pm – 8:45pm" in response.content.decode()


def test_event_page_names_the_meeting_s_zone_when_it_is_not_the_groups(client, group, venue):
    day = next_weekday(1, at_least=30)
    event = make_event(group=group, venue=venue, start_date=day, time_zone="Europe/Kyiv")
    year = f" {day.year}" if day.year != timezone.localdate().year else ""

    response = client.get(f"/uig/events/{event.slug}/")

    expected = f"Tuesday {day.day} {day:%B}{year}, 7pm – 9pm Kyiv time"
    assert f"{expected}</time>" in response.content.decode()


def test_event_page_keeps_quiet_about_the_zone_when_it_is_the_groups(client, event):
    response = client.get(f"/uig/events/{event.slug}/")

    assert "(Europe/London)" not in response.content.decode()


def test_event_page_shows_the_venue_with_an_openstreetmap_link(client, group):
    venue = make_venue(
        group=group,
        name="Marchmont Community Centre",
        address_line1="62 Marchmont St",
        city="London",
        postcode="WC1N 1AB",
        accessibility="Step-free entrance on Leigh St.",
    )
    event = make_event(group=group, venue=venue)

    html = client.get(f"/uig/events/{event.slug}/").content.decode()

    assert '<strong dir="auto">Marchmont Community Centre</strong>' in html
    assert (
        '<address><span dir="auto">62 Marchmont St</span><br>'
        '<span dir="auto">London WC1N 1AB</span></address>' in html
    )
    assert (
        '<a href="https://www.openstreetmap.org/search?query=62+Marchmont+St%2C+London+WC1N+1AB"'
        in html
    )
    assert "Step-free entrance on Leigh St." in html


def test_event_page_pins_the_map_when_the_venue_has_coordinates(client, group):
    venue = make_venue(group=group, latitude="51.525000", longitude="-0.125000")
    event = make_event(group=group, venue=venue)

    html = client.get(f"/uig/events/{event.slug}/").content.decode()

    assert (
        "https://www.openstreetmap.org/?mlat=51.525000&amp;mlon=-0.125000"
        "#map=18/51.525000/-0.125000" in html
    )


def test_event_page_names_the_organiser_and_their_contact(client, event):
    html = client.get(f"/uig/events/{event.slug}/").content.decode()

    assert 'Organised by <a href="/uig/"><bdi>Ukraine Information Group</bdi></a>' in html
    contact = event.group.contact_email
    assert f'<a href="mailto:{contact}" dir="ltr">{contact}</a>' in html


def test_event_page_renders_the_description_as_markdown(client, group, venue):
    event = make_event(
        group=group,
        venue=venue,
        description="# Why we meet\n\nSolidarity is **practical**.\n\n- talks\n- questions",
    )

    html = client.get(f"/uig/events/{event.slug}/").content.decode()

    assert '<h2 dir="auto">Why we meet</h2>' in html
    assert '<p dir="auto">Solidarity is <strong>practical</strong>.</p>' in html
    assert '<ul>\n<li dir="auto">talks</li>\n<li dir="auto">questions</li>\n</ul>' in html


def test_event_page_hides_the_online_link(client, group):
    event = make_event(group=group, online_url="https://meet.example.org/secret-room")

    html = client.get(f"/uig/events/{event.slug}/").content.decode()

    assert "The link is sent to people who register." in html
    assert "secret-room" not in html


def test_event_page_renders_hostile_text_harmless(client, group):
    group.about = f"{HOSTILE_SCRIPT} {HOSTILE_LINK}"
    group.save()
    venue = make_venue(
        group=group,
        name=HOSTILE_SCRIPT,
        address_line1=HOSTILE_SCRIPT,
        address_line2=HOSTILE_SCRIPT,
        city=HOSTILE_SCRIPT,
        postcode="<b>x</b>",
        country=HOSTILE_SCRIPT,
        accessibility=HOSTILE_SCRIPT,
    )
    event = make_event(
        group=group,
        venue=venue,
        title=HOSTILE_SCRIPT,
        tagline=HOSTILE_SCRIPT,
        description=f'{HOSTILE_SCRIPT}\n\n{HOSTILE_LINK}\n\n<a href="javascript:alert(1)">x</a>',
    )

    pages = [
        client.get(f"/uig/events/{event.slug}/").content.decode(),
        client.get("/uig/").content.decode(),
        client.get("/").content.decode(),
    ]

    for html in pages:
        assert "<script" not in LD_JSON.sub("", without_own_scripts(html)).lower()
        assert not JAVASCRIPT_LINK.search(html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<p dir="auto">[click me](javascript:alert(1))</p>' in pages[0]
    assert "<b>x</b>" not in pages[0]


def test_draft_event_page_is_not_found(client, group, venue):
    draft = make_event(group=group, venue=venue, published=False, title="Secret plans")

    response = client.get(f"/uig/events/{draft.slug}/")

    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


def test_draft_event_page_is_shown_to_its_organiser_only(organiser_client, client, group, venue):
    draft = make_event(group=group, venue=venue, published=False)

    response = organiser_client.get(f"/uig/events/{draft.slug}/")

    # Issue 20: its organisers preview it (tests/pages/test_publishing.py); nobody else.
    assert response.status_code == 200
    assert Client().get(f"/uig/events/{draft.slug}/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/no-such-group/", "/no-such-group/events/x/", "/uig/events/no-such-meeting/"]
)
def test_unknown_group_or_event_shows_the_sites_404_page(client, event, path):
    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert NOT_FOUND in html
    assert 'class="site-header"' in html


def test_event_of_another_group_is_not_found_under_this_group(client, event):
    make_group(slug="other")

    response = client.get(f"/other/events/{event.slug}/")

    assert response.status_code == 404


def test_cancelled_event_page_says_so_first(client, event):
    events.cancel_event(event=event)

    html = client.get(f"/uig/events/{event.slug}/").content.decode()

    assert f'<p class="cancelled-banner" role="alert">{CANCELLED}</p>' in html
    assert html.index(CANCELLED) < html.index("<h1 ")


def test_published_event_page_has_no_cancelled_banner(client, event):
    html = client.get(f"/uig/events/{event.slug}/").content.decode()

    assert CANCELLED not in html


def test_past_event_page_says_it_has_taken_place(client, group, venue):
    past = make_event(group=group, venue=venue, days_ahead=-3)

    html = client.get(f"/uig/events/{past.slug}/").content.decode()

    assert "This meeting has taken place." in html


# --- / ---


def test_home_lists_upcoming_public_events_of_every_group(client, group, venue):
    other = make_group(name="Tenants Union", slug="tenants")
    make_event(group=group, venue=venue, title="Soon", days_ahead=1)
    make_event(group=other, title="Later", days_ahead=5)
    cancelled = make_event(group=group, venue=venue, title="Called off", days_ahead=3)
    events.cancel_event(event=cancelled)
    make_event(group=group, venue=venue, title="Draft", days_ahead=2, published=False)
    make_event(group=other, title="Last week", days_ahead=-7)

    response = client.get("/")

    assert response.status_code == 200
    assert titles(response) == ["Soon", "Called off", "Later"]
    html = response.content.decode()
    assert 'By <a href="/tenants/"><bdi>Tenants Union</bdi></a>' in html
    assert '<span class="badge cancelled">Cancelled</span>' in html


def test_home_says_when_nothing_is_planned(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert "No meetings are planned yet." in response.content.decode()


@pytest.fixture
def twenty_one_events(group, venue):
    return [
        make_event(group=group, venue=venue, title=f"Meeting {n:02}", days_ahead=n)
        for n in range(1, 22)
    ]


def test_home_shows_twenty_events_a_page(client, twenty_one_events):
    first = client.get("/")
    second = client.get("/?page=2")

    assert titles(first) == [f"Meeting {n:02}" for n in range(1, 21)]
    assert "Page 1 of 2" in first.content.decode()
    assert '<a href="?page=2">Later →</a>' in first.content.decode()
    assert titles(second) == ["Meeting 21"]
    assert '<a href="?page=1">← Sooner</a>' in second.content.decode()


@pytest.mark.parametrize(
    ("page", "shown"),
    [("abc", "Page 1 of 2"), ("999", "Page 2 of 2"), ("-1", "Page 2 of 2"), ("", "Page 1 of 2")],
)
def test_home_survives_a_bad_page_number(client, twenty_one_events, page, shown):
    response = client.get("/", {"page": page})

    assert response.status_code == 200
    assert shown in response.content.decode()


# --- /<group>/ ---


def test_group_page_shows_about_upcoming_and_past(client, group, venue):
    group.about = "We meet monthly. **Everyone** is welcome."
    group.website = "https://uig.example.org"
    group.save()
    make_event(group=group, venue=venue, title="Next month", days_ahead=30)
    make_event(group=group, venue=venue, title="Next week", days_ahead=7)
    make_event(group=group, venue=venue, title="Last month", days_ahead=-30)
    make_event(group=group, venue=venue, title="Last week", days_ahead=-7)
    make_event(group=group, venue=venue, title="Unfinished", published=False)
    make_event(group=make_group(), title="Someone else's")

    response = client.get("/uig/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 dir="auto">Ukraine Information Group</h1>' in html
    assert '<p dir="auto">We meet monthly. <strong>Everyone</strong> is welcome.</p>' in html
    assert '<a href="https://uig.example.org" rel="nofollow noopener">Website</a>' in html
    upcoming, past = html.split("<h2>Past meetings</h2>")
    assert titles_in(upcoming) == ["Next week", "Next month"]
    assert titles_in(past) == ["Last week", "Last month"]


def test_group_page_says_when_nothing_is_planned(client, group):
    html = client.get("/uig/").content.decode()

    assert "No meetings are planned right now." in html
    assert "Past meetings" not in html
