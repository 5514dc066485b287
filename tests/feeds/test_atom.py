"""Atom 1.0 feeds, checked against RFC 4287's MUSTs by a strict XML parser (expat)."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from tests.factories import make_event, make_group, make_venue
from turnout.events import services as events

NS = {"a": "http://www.w3.org/2005/Atom"}
A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
BASE = "http://127.0.0.1:8000"
SECRET_LINK = "https://meet.example.org/secret-room"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 -- our own output; raises if not well-formed


def check_rfc4287(feed: ET.Element) -> None:
    """Every MUST of RFC 4287 that a parser can check."""
    assert feed.tag == A + "feed"

    def one(parent, name):
        found = parent.findall(f"a:{name}", NS)
        assert len(found) == 1, f"{parent.tag} needs exactly one {name}"
        return found[0]

    def date(element):
        assert RFC3339.match(element.text), element.text
        dt.datetime.fromisoformat(element.text.replace("Z", "+00:00"))

    assert one(feed, "id").text.strip()
    assert one(feed, "title").text.strip()
    date(one(feed, "updated"))
    assert [link.get("rel") for link in feed.findall("a:link", NS)].count("alternate") <= 1
    feed_has_author = bool(feed.findall("a:author/a:name", NS))
    ids = []
    for entry in feed.findall("a:entry", NS):
        ids.append(one(entry, "id").text)
        assert ":" in ids[-1]  # an IRI with a scheme
        assert one(entry, "title").text.strip()
        date(one(entry, "updated"))
        for published in entry.findall("a:published", NS):
            date(published)
        assert feed_has_author or entry.findall("a:author/a:name", NS)
        alternates = [
            link for link in entry.findall("a:link", NS) if link.get("rel") in (None, "alternate")
        ]
        assert len(alternates) == 1 and alternates[0].get("href")
        content = entry.findall("a:content", NS)
        assert len(content) <= 1
        assert content or alternates  # an entry without content needs a link
        assert len(entry.findall("a:summary", NS)) <= 1
    assert len(ids) == len(set(ids))


def spoken_day(day: dt.date) -> str:
    """ "Tuesday 11 June", with the year when it is not this year's."""
    year = f" {day.year}" if day.year != timezone.localdate().year else ""
    return f"{day:%A} {day.day} {day:%B}{year}"


def entries(feed) -> list[ET.Element]:
    return feed.findall("a:entry", NS)


def titles(feed) -> list[str]:
    return [entry.find("a:title", NS).text for entry in entries(feed)]


@pytest.fixture
def meetings(group, venue):
    """Published, cancelled and draft meetings, past and upcoming."""
    soon = make_event(group=group, venue=venue, title="Soon", days_ahead=3)
    later = make_event(group=group, venue=venue, title="Later", days_ahead=30)
    called_off = make_event(group=group, venue=venue, title="Called off", days_ahead=10)
    events.cancel_event(event=called_off)
    recent = make_event(group=group, venue=venue, title="Recent", days_ahead=-30)
    make_event(group=group, venue=venue, title="Long ago", days_ahead=-120)
    make_event(group=group, venue=venue, title="Secret draft", published=False)
    return soon, later, called_off, recent


def test_group_feed_is_valid_atom_with_published_and_cancelled_meetings(client, meetings):
    feed = parse(client.get("/uig/feed.atom"))

    check_rfc4287(feed)
    assert titles(feed) == ["Later", "Cancelled: Called off", "Soon", "Recent"]
    assert feed.find("a:title", NS).text == "Meetings of Ukraine Information Group"
    links = {link.get("rel"): link.get("href") for link in feed.findall("a:link", NS)}
    assert links == {"self": f"{BASE}/uig/feed.atom", "alternate": f"{BASE}/uig/"}


def test_group_feed_entries_say_what_when_where_and_who(client, group, venue):
    event = make_event(
        group=group,
        venue=venue,
        title="What internationalism means",
        tagline="Unite the struggles",
        description="# Why\n\nSolidarity is **practical**.",
    )

    entry = entries(parse(client.get("/uig/feed.atom")))[0]

    page = f"{BASE}/uig/events/{event.slug}/"
    assert entry.find("a:link", NS).attrib == {
        "rel": "alternate",
        "type": "text/html",
        "href": page,
    }
    assert entry.find("a:author/a:name", NS).text == "Ukraine Information Group"
    assert entry.find("a:author/a:uri", NS).text == f"{BASE}/uig/"
    assert entry.find("a:updated", NS).text == event.updated_at.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    summary = entry.find("a:summary", NS)
    assert summary.get("type") == "text"
    assert summary.text.splitlines() == [
        f"{spoken_day(event.start_date)}, 7pm – 9pm London time",
        "Community Centre, 62 Marchmont St, London WC1N 1AB",
        "Unite the struggles",
    ]
    content = entry.find("a:content", NS)
    assert content.get("type") == "html"
    assert (
        content.text
        == '<h2 dir="auto">Why</h2>\n<p dir="auto">Solidarity is <strong>practical</strong>.</p>\n'
    )


def test_entry_id_is_a_stable_tag_uri(client, group, venue):
    event = make_event(group=group, venue=venue, title="Before")
    first = entries(parse(client.get("/uig/feed.atom")))[0].find("a:id", NS).text

    events.update_event(event=event, title="After", slug="renamed")
    second = entries(parse(client.get("/uig/feed.atom")))[0]

    day = event.created_at.astimezone(dt.UTC).date().isoformat()
    assert first == f"tag:127.0.0.1,{day}:event-{event.pk}"
    assert second.find("a:id", NS).text == first
    assert second.find("a:title", NS).text == "After"


def test_site_feed_lists_every_groups_meetings_with_each_groups_author(client, meetings):
    other = make_group(name="Tenants Union", slug="tenants")
    make_event(group=other, venue=make_venue(group=other), title="Rent strike", days_ahead=5)
    make_event(group=other, venue=make_venue(group=other), title="Other draft", published=False)

    feed = parse(client.get("/feed.atom"))

    check_rfc4287(feed)
    assert feed.find("a:author", NS) is None
    assert titles(feed) == ["Later", "Cancelled: Called off", "Rent strike", "Soon", "Recent"]
    authors = [entry.find("a:author/a:name", NS).text for entry in entries(feed)]
    assert (
        authors
        == ["Ukraine Information Group"] * 2 + ["Tenants Union"] + ["Ukraine Information Group"] * 2
    )
    assert feed.find("a:id", NS).text == "tag:127.0.0.1,2025-01-01:feed"


def test_empty_feeds_are_still_valid(client, group):
    for url in ("/uig/feed.atom", "/feed.atom"):
        feed = parse(client.get(url))
        check_rfc4287(feed)
        assert entries(feed) == []


def test_feeds_never_hold_drafts_or_the_online_link(client, group):
    make_event(group=group, title="Online", online_url=SECRET_LINK)
    make_event(group=group, title="Secret draft", published=False, description="secret")

    for url in ("/uig/feed.atom", "/feed.atom"):
        body = client.get(url).content.decode()
        assert "secret" not in body.lower()
        assert "Secret draft" not in body


def test_hostile_and_non_ascii_text_stays_text(client, group, venue):
    title = '</title><script>alert(1)</script> "Q" & Ω — Що таке інтернаціоналізм? ما معنى الأممية'
    make_event(
        group=group,
        venue=venue,
        title=title,
        description="<script>alert(1)</script>\n\n" + "Солідарність. التضامن. " * 300,
        language="uk",
    )

    feed = parse(client.get("/uig/feed.atom"))

    check_rfc4287(feed)
    entry = entries(feed)[0]
    assert entry.find("a:title", NS).text == title
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "uk"
    content = entry.find("a:content", NS).text
    assert "<script" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "Солідарність. التضامن." in content


def test_characters_xml_cannot_hold_are_dropped(client, group, venue):
    make_event(group=group, venue=venue, title="Bell\x07 and\x0b tab")

    feed = parse(client.get("/uig/feed.atom"))

    assert titles(feed) == ["Bell and tab"]


def test_unchanged_feed_answers_304_and_a_change_a_new_feed(client, group, venue):
    event = make_event(group=group, venue=venue, title="First")
    first = client.get("/uig/feed.atom")
    etag, modified = first["ETag"], first["Last-Modified"]

    by_etag = client.get("/uig/feed.atom", headers={"if-none-match": etag})
    by_date = client.get("/uig/feed.atom", headers={"if-modified-since": modified})
    events.update_event(event=event, title="Second")
    changed = client.get("/uig/feed.atom", headers={"if-none-match": etag})

    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == etag
    assert by_date.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert titles(parse(changed)) == ["Second"]


def test_cancelling_changes_the_feed(client, group, venue):
    event = make_event(group=group, venue=venue, title="Meeting")
    etag = client.get("/feed.atom")["ETag"]

    events.cancel_event(event=event)
    response = client.get("/feed.atom", headers={"if-none-match": etag})

    assert response.status_code == 200
    assert titles(parse(response)) == ["Cancelled: Meeting"]


@pytest.mark.parametrize(
    "header", ['"bogus"', "garbage", "*, ,", 'W/"x", "y"', "\x7f", '"' + "a" * 5000 + '"']
)
def test_bogus_if_none_match_gets_the_feed(client, group, venue, header):
    make_event(group=group, venue=venue, title="Meeting")

    response = client.get("/uig/feed.atom", headers={"if-none-match": header})

    assert response.status_code in (200, 304)
    if response.status_code == 200:
        assert titles(parse(response)) == ["Meeting"]


def test_bogus_if_modified_since_gets_the_feed(client, group, venue):
    make_event(group=group, venue=venue, title="Meeting")

    response = client.get("/uig/feed.atom", headers={"if-modified-since": "yesterday-ish"})

    assert titles(parse(response)) == ["Meeting"]


def test_unchanged_feed_costs_two_queries_and_a_fresh_one_four(
    client, group, venue, django_assert_num_queries
):
    for i in range(3):
        make_event(group=group, venue=venue, title=f"Meeting {i}", days_ahead=i + 1)
    etag = client.get("/uig/feed.atom")["ETag"]

    with django_assert_num_queries(2):  # the group, the aggregate
        assert client.get("/uig/feed.atom", headers={"if-none-match": etag}).status_code == 304
    # ... and the meetings with their groups, then their venues (and pictures, had they any)
    with django_assert_num_queries(4):
        assert len(titles(parse(client.get("/uig/feed.atom")))) == 3


def test_unknown_group_feed_is_404_and_post_is_405(client, group):
    assert client.get("/nobody/feed.atom").status_code == 404
    assert client.post("/uig/feed.atom").status_code == 405


def test_feedparser_a_second_parser_reads_both_feeds_without_complaint(client, meetings):
    """feedparser (PyPI) flags any malformed feed as "bozo"; both feeds read cleanly."""
    later = meetings[1]
    for path in ("/uig/feed.atom", "/feed.atom"):
        parsed = feedparser.parse(client.get(path).content)

        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10"
        assert [e.title for e in parsed.entries] == [
            "Later",
            "Cancelled: Called off",
            "Soon",
            "Recent",
        ]
        assert parsed.entries[0].link == f"{BASE}/uig/events/{later.slug}/"
        assert all(e.updated_parsed and e.id for e in parsed.entries)
