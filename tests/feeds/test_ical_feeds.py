"""The iCalendar feeds: what they hold, and conditional GET (ETag, Last-Modified, 304)."""

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from tests.factories import make_event, make_group, make_venue
from turnout.events import services as events
from turnout.events.ical import event_uid
from turnout.feeds import ical_feeds

pytestmark = pytest.mark.django_db


def uids(response) -> set[str]:
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]) for e in calendar.walk("VEVENT")}


def urls(event) -> list[str]:
    return [
        f"/{event.group.slug}/events/{event.slug}/event.ics",
        f"/{event.group.slug}/events.ics",
        "/events.ics",
    ]


# --- what the feeds hold


def test_feeds_hold_published_and_cancelled_but_never_drafts(client, group, venue):
    published = make_event(group=group, venue=venue)
    cancelled = make_event(group=group, venue=venue)
    events.cancel_event(event=cancelled)
    draft = make_event(group=group, venue=venue, published=False)

    for url in (f"/{group.slug}/events.ics", "/events.ics"):
        assert uids(client.get(url)) == {event_uid(published), event_uid(cancelled)}
    assert client.get(f"/{group.slug}/events/{draft.slug}/event.ics").status_code == 404
    assert client.get(f"/{group.slug}/events/{cancelled.slug}/event.ics").status_code == 200


def test_feeds_go_back_90_days(client, group, venue):
    recent = make_event(group=group, venue=venue, days_ahead=-89)
    old = make_event(group=group, venue=venue, days_ahead=-92)

    for url in (f"/{group.slug}/events.ics", "/events.ics"):
        assert uids(client.get(url)) == {event_uid(recent)}
    # The single meeting's file stays, however old.
    assert client.get(f"/{group.slug}/events/{old.slug}/event.ics").status_code == 200


def test_group_feed_holds_only_its_group(client, group, venue, organiser):
    mine = make_event(group=group, venue=venue)
    other_group = make_group(owner=organiser)
    theirs = make_event(group=other_group, venue=make_venue(group=other_group))

    assert uids(client.get(f"/{group.slug}/events.ics")) == {event_uid(mine)}
    assert uids(client.get("/events.ics")) == {event_uid(mine), event_uid(theirs)}


def test_event_ics_of_another_groups_meeting_is_404(client, group, venue, organiser):
    event = make_event(group=group, venue=venue)
    other = make_group(owner=organiser)

    assert client.get(f"/{other.slug}/events/{event.slug}/event.ics").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/nobody/events.ics", "/uig/events/nothing/event.ics", "/uig/events/x/event.ics?a=%00"],
)
def test_unknown_feeds_are_404(client, group, url):
    assert client.get(url).status_code == 404


def test_feed_is_bounded(client, group, venue, monkeypatch):
    monkeypatch.setattr(ical_feeds, "FEED_LIMIT", 2)
    first, second, _third = (make_event(group=group, venue=venue, days_ahead=d) for d in (1, 2, 3))

    assert uids(client.get(f"/{group.slug}/events.ics")) == {event_uid(first), event_uid(second)}
    assert len(uids(client.get("/events.ics"))) == 2


def test_empty_feeds_are_valid_calendars(client, group):
    for url in (f"/{group.slug}/events.ics", "/events.ics"):
        response = client.get(url)
        assert uids(response) == set()
        assert response.has_header("ETag")
        assert not response.has_header("Last-Modified")


def test_post_is_refused(client, group, venue):
    event = make_event(group=group, venue=venue)
    for url in urls(event):
        assert client.post(url).status_code == 405


def test_sequence_rises_after_an_edit(client, group, venue):
    event = make_event(group=group, venue=venue)

    def sequence():
        entry = icalendar.Calendar.from_ical(client.get(urls(event)[1]).content).walk("VEVENT")[0]
        return int(entry["SEQUENCE"])

    before = sequence()
    events.update_event(event=event, title="A better title")
    assert sequence() == before + 1


@pytest.mark.parametrize("n", [1, 6])
def test_feeds_cost_the_same_queries_for_1_and_6_meetings(
    client, group, venue, organiser, django_assert_num_queries, n
):
    """Pinned so that no feed's queries grow with its meetings, nor with other groups'
    (bench/scale.py measures them at 100,000 meetings)."""
    other = make_group(owner=organiser)
    made = [
        make_event(group=g, venue=make_venue(group=g), days_ahead=days + 1)
        for days in range(n)
        for g in (group, other)
    ]

    # The group, the validators, the meetings, their venues (and pictures, had they any).
    with django_assert_num_queries(4):
        assert len(uids(client.get(f"/{group.slug}/events.ics"))) == n
    with django_assert_num_queries(2):  # the site feed: no group to look up, venues joined
        assert len(uids(client.get("/events.ics"))) == 2 * n
    with django_assert_num_queries(1):  # the meeting with its group and venue
        assert len(uids(client.get(urls(made[-1])[0]))) == 1


# --- conditional GET


@pytest.mark.parametrize("which", [0, 1, 2])
def test_etag_and_last_modified_give_304_with_no_body(client, group, venue, which):
    event = make_event(group=group, venue=venue)
    url = urls(event)[which]
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and etag.endswith('"')
    assert modified == http_date(event.updated_at.timestamp())

    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", {etag}'},
        {"If-None-Match": f"W/{etag}"},  # weak comparison, as RFC 9110 says for GET
        {"If-Modified-Since": modified},
    ):
        again = client.get(url, headers=headers)
        assert again.status_code == 304, headers
        assert again.content == b""
        assert again["ETag"] == etag

    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


def test_same_etag_same_bytes(client, group, venue):
    make_event(group=group, venue=venue)
    first, second = client.get("/events.ics"), client.get("/events.ics")

    assert first["ETag"] == second["ETag"]
    assert first.content == second.content


@pytest.mark.parametrize(
    "change",
    [
        lambda e: events.update_event(event=e, title="Renamed"),
        lambda e: events.cancel_event(event=e),
        lambda e: make_event(group=e.group, venue=e.venue),
        lambda e: e.delete(),
    ],
    ids=["edit", "cancel", "new meeting", "deleted"],
)
def test_any_change_gives_a_new_etag(client, group, venue, change):
    event = make_event(group=group, venue=venue)
    url = f"/{group.slug}/events.ics"
    etag = client.get(url)["ETag"]

    change(event)

    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_editing_one_meeting_changes_its_event_ics_etag(client, group, venue):
    event = make_event(group=group, venue=venue)
    url = urls(event)[0]
    etag = client.get(url)["ETag"]
    events.update_event(event=event, tagline="Now with a tagline")

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_renaming_the_group_changes_its_feed_etag(client, group, venue):
    make_event(group=group, venue=venue)
    url = f"/{group.slug}/events.ics"
    etag = client.get(url)["ETag"]
    group.name = "A new name"
    group.save(update_fields=["name"])

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_an_older_if_modified_since_gets_the_feed(client, group, venue):
    event = make_event(group=group, venue=venue)
    earlier = http_date((event.updated_at - dt.timedelta(hours=1)).timestamp())

    assert client.get(urls(event)[1], headers={"If-Modified-Since": earlier}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"If-None-Match": "garbage"},
        {"If-None-Match": '"not-the-etag"'},
        {"If-None-Match": "\x00\x01"},
        {"If-None-Match": '"' + "a" * 10_000 + '"'},
        {"If-None-Match": ", , ,"},
        {"If-None-Match": "W/"},
        {"If-Modified-Since": "yesterday"},
        {"If-Modified-Since": "Mon, 99 Foo 99999 99:99:99 GMT"},
        {"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"},
        {"If-Match": "garbage"},
        {"If-Unmodified-Since": "nonsense"},
    ],
)
def test_bogus_conditional_headers_get_a_normal_200(client, group, venue, headers):
    event = make_event(group=group, venue=venue)
    for url in urls(event):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, headers)
        assert response.content.startswith(b"BEGIN:VCALENDAR")


def test_star_on_a_missing_feed_is_a_plain_404(client, group):
    assert client.get("/nobody/events.ics", headers={"If-None-Match": "*"}).status_code == 404
    response = client.get(f"/{group.slug}/events/none/event.ics", headers={"If-None-Match": "*"})
    assert response.status_code == 404


def test_feeds_build_nothing_for_a_304(client, group, venue, monkeypatch):
    make_event(group=group, venue=venue)
    etag = client.get("/events.ics")["ETag"]

    def fail(*args, **kwargs):
        raise AssertionError("the calendar was built for a 304")

    monkeypatch.setattr(ical_feeds, "calendar_bytes", fail)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/events.ics", headers={"If-None-Match": etag}).status_code == 304
    assert len(queries) == 1


# --- the group page offers the feed


def test_group_page_offers_webcal_https_and_alternate_links(client, group, venue):
    make_event(group=group, venue=venue)

    html = client.get(f"/{group.slug}/").content.decode()

    assert f'href="webcal://127.0.0.1:8000/{group.slug}/events.ics"' in html
    assert f'href="/{group.slug}/events.ics" download' in html
    assert (
        f'<link rel="alternate" type="text/calendar" title="{group.name}: meetings (iCalendar)" '
        f'href="http://127.0.0.1:8000/{group.slug}/events.ics">'
    ) in html
    assert 'type="application/atom+xml"' in html and f'href="/{group.slug}/feed.atom"' in html
    assert "Subscribe in your calendar" in html


# --- all-day meetings: entered on the organiser's form, shown as days


def _form(**fields) -> dict:
    return {
        "title": "Weekend school",
        "start_date": "2027-12-04",
        "time_zone": "Europe/London",
        "language": "en",
        "public_counts": "capacity",
        **fields,
    }


def test_organiser_enters_an_all_day_meeting_with_its_last_day(organiser_client, group, venue):
    response = organiser_client.post(
        f"/organise/groups/{group.slug}/events/new/",
        _form(all_day="on", end_date="2027-12-05", start_time="10:00", venue=str(venue.pk)),
    )

    assert response.status_code == 302
    event = group.events.get()
    assert event.all_day
    assert (event.start_time, event.end_time) == (dt.time(0), dt.time(0))
    assert event.end_date == dt.date(2027, 12, 6)  # stored as the day after the last day

    page = organiser_client.get(response["Location"]).content.decode()
    assert "Saturday 4 December 2027 – Sunday 5 December 2027, all day" in page
    assert 'name="end_date" value="2027-12-05"' in page  # shown as the last day again

    # Saved again unchanged, it stays the same two days.
    organiser_client.post(
        response["Location"], _form(all_day="on", end_date="2027-12-05", venue=str(venue.pk))
    )
    event.refresh_from_db()
    assert event.end_date == dt.date(2027, 12, 6)


def test_one_day_all_day_meeting_needs_no_end_date(organiser_client, group, venue):
    response = organiser_client.post(
        f"/organise/groups/{group.slug}/events/new/", _form(all_day="on", venue=str(venue.pk))
    )

    assert response.status_code == 302
    event = group.events.get()
    assert event.end_date == dt.date(2027, 12, 5)
    page = organiser_client.get(response["Location"]).content.decode()
    assert "Saturday 4 December 2027, all day" in page


def test_all_day_last_day_before_the_first_is_refused(organiser_client, group, venue):
    response = organiser_client.post(
        f"/organise/groups/{group.slug}/events/new/",
        _form(all_day="on", end_date="2027-12-01", venue=str(venue.pk)),
    )

    assert response.status_code == 200
    assert "The last day cannot be before the first." in response.content.decode()
    assert not group.events.exists()


def test_a_timed_meeting_still_needs_its_times(organiser_client, group, venue):
    response = organiser_client.post(
        f"/organise/groups/{group.slug}/events/new/", _form(venue=str(venue.pk))
    )

    assert response.status_code == 200
    assert "Enter a time, like 19:00, or tick “All day”." in response.content.decode()
    assert not group.events.exists()


def test_all_day_meeting_on_the_group_page(client, group, venue):
    event = events.create_event(
        group=group, venue=venue, title="Fair", all_day=True, start_date=dt.date(2027, 12, 4)
    )
    events.publish_event(event=event)

    html = client.get(f"/{group.slug}/").content.decode()

    assert "Saturday 4 December 2027, all day" in html


def test_a_feeds_etag_follows_the_meetings_it_holds_not_those_past_its_limit(
    client, group, venue, monkeypatch
):
    """The validators read the same ``FEED_LIMIT`` meetings as the feed, not the whole
    window: at 100,000 meetings the site feed's ETag otherwise read every one of them."""
    monkeypatch.setattr(ical_feeds, "FEED_LIMIT", 2)
    held = [make_event(group=group, venue=venue, days_ahead=days) for days in (1, 2)]
    beyond = make_event(group=group, venue=venue, days_ahead=3)
    feeds = (f"/{group.slug}/events.ics", "/events.ics")

    def etags() -> list[str]:
        return [client.get(url)["ETag"] for url in feeds]

    before = etags()
    assert [len(uids(client.get(url))) for url in feeds] == [2, 2]
    events.update_event(event=beyond, title="Changed, and in no feed")
    assert etags() == before
    events.update_event(event=held[0], title="Changed in both feeds")
    assert all(new != old for new, old in zip(etags(), before, strict=True))
