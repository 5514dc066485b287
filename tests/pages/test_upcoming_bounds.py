"""What keeps lists of upcoming meetings cheap on a big site (issue 22, item 4) never
changes what they list: the earliest start that ``upcoming_events`` reads from
(``selectors.earliest_upcoming_start``), and the count of "/"'s meetings kept for its
page numbers. Both are kept as long as the pages' fragments, so these tests turn those
on."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_event
from tests.test_public_queries import card_titles
from turnout.events import selectors
from turnout.events.models import Event
from turnout.pages.views.browse import EVENTS_PER_PAGE
from turnout.pages.views.public import UPCOMING_EVENTS_SHOWN

pytestmark = pytest.mark.django_db


def later(monkeypatch, moved: dt.datetime) -> None:
    """The clock moved on to ``moved``, as it does between two visits; nothing saved."""
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_a_meeting_started_long_ago_and_still_going_is_listed(client, fragment_cache, group):
    today = timezone.localdate()
    make_event(group=group, title="Soon", days_ahead=1)
    make_event(
        group=group,
        title="Month-long exhibition",
        days_ahead=-30,
        end_date=today + dt.timedelta(days=2),
    )
    for path in ["/", f"/{group.slug}/"]:
        client.get(path)  # the bound is kept now
        assert card_titles(client.get(path))[:2] == ["Month-long exhibition", "Soon"]


def test_a_meeting_saved_with_an_earlier_start_is_listed_at_once(client, fragment_cache, group):
    today = timezone.localdate()
    make_event(group=group, title="Soon", days_ahead=1)
    assert card_titles(client.get("/")) == ["Soon"]  # the bound kept: tomorrow evening
    assert selectors.earliest_upcoming_start() > timezone.now()

    make_event(
        group=group, title="Started last week", days_ahead=-7, end_date=today + dt.timedelta(1)
    )

    assert card_titles(client.get("/")) == ["Started last week", "Soon"]
    assert card_titles(client.get(f"/{group.slug}/"))[:2] == ["Started last week", "Soon"]


def test_the_lists_read_from_the_kept_start(client, fragment_cache, group):
    """The bound is in the list's query (what makes PostgreSQL read the start's index from
    there), and the earliest start is read once, not for each list."""
    first = make_event(group=group, title="Soon", days_ahead=1)
    make_event(group=group, title="Later", days_ahead=3)
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        assert card_titles(client.get("/")) == ["Soon", "Later"]

    listed = [q["sql"] for q in queries if "ORDER BY" in q["sql"] and "events_event" in q["sql"]]
    assert len(listed) == 1
    assert '"events_event"."starts_at" >=' in listed[0]
    assert not any("MIN(" in q["sql"] for q in queries)
    assert selectors.earliest_upcoming_start() == first.starts_at


def test_without_kept_fragments_nothing_is_read_for_the_bound(client, group):
    make_event(group=group, title="Soon", days_ahead=1)
    assert selectors.earliest_upcoming_start() is None
    with CaptureQueriesContext(connection) as queries:
        assert card_titles(client.get("/")) == ["Soon"]
    assert not any("MIN(" in q["sql"] for q in queries)


def test_a_kept_count_with_a_meeting_ended_since_shows_no_empty_page(
    client, fragment_cache, group, monkeypatch
):
    """21 meetings make two pages; the count is kept; the first one ends (nothing is
    saved, so nothing tells the cache): page 2 no longer exists, and the visitor who asks
    for it gets the last page there is, not an empty one."""
    first, *_ = [
        make_event(group=group, title=f"Meeting {day:02}", days_ahead=day)
        for day in range(1, EVENTS_PER_PAGE + 2)
    ]
    assert "Page 1 of 2" in client.get("/").content.decode()

    later(monkeypatch, first.ends_at + dt.timedelta(minutes=1))  # whatever the hour now

    response = client.get("/?page=2")
    titles = card_titles(response)
    assert titles == [f"Meeting {day:02}" for day in range(2, EVENTS_PER_PAGE + 2)]
    assert "Page 1 of" not in response.content.decode()  # one page: no pager


def test_a_kept_count_follows_a_new_meeting_at_once(client, fragment_cache, group):
    for day in range(1, EVENTS_PER_PAGE + 1):
        make_event(group=group, title=f"Meeting {day:02}", days_ahead=day)
    assert "Page 1 of" not in client.get("/").content.decode()  # one page: no pager

    make_event(group=group, title="One more", days_ahead=30)

    assert "Page 1 of 2" in client.get("/").content.decode()
    assert card_titles(client.get("/?page=2")) == ["One more"]


def test_a_filtered_count_is_kept_under_its_value_only(client, fragment_cache, group):
    """A search, dates or a value that did not apply is counted for the request and
    never kept: visitors cannot add counts to the cache."""
    make_event(group=group, title="Rent strike", days_ahead=1)
    client.get("/")
    client.get("/?group=" + group.slug)
    entries = len(cache._cache)

    for query in ["?q=rent", "?q=strike", "?from=2026-01-01", "?city=Nowhere", "?topic=x"]:
        client.get("/" + query)
        client.get("/" + query + "&page=2")

    assert len(cache._cache) == entries


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=st.text(max_size=30))
def test_any_page_number_with_a_kept_count_gives_a_page(page, client, fragment_cache, group):
    if not Event.objects.exists():
        for day in range(1, EVENTS_PER_PAGE + 2):
            make_event(group=group, title=f"Meeting {day:02}", days_ahead=day)
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert len(card_titles(response)) in (1, EVENTS_PER_PAGE)


@pytest.mark.parametrize("planned", [UPCOMING_EVENTS_SHOWN, UPCOMING_EVENTS_SHOWN + 1])
def test_a_group_page_shows_its_first_upcoming_meetings_and_links_to_all(client, group, planned):
    for day in range(1, planned + 1):
        make_event(group=group, title=f"Meeting {day:03}", days_ahead=day)

    html = client.get(f"/{group.slug}/").content.decode()

    shown = [f"Meeting {day:03}" for day in range(1, UPCOMING_EVENTS_SHOWN + 1)]
    assert card_titles(client.get(f"/{group.slug}/")) == shown
    link = f'<a href="/?group={group.slug}">Every upcoming meeting of the group</a>'
    assert (link in html) == (planned > UPCOMING_EVENTS_SHOWN)
    if planned > UPCOMING_EVENTS_SHOWN:
        last_page = client.get(f"/?group={group.slug}&page=3")  # 41 to 51
        assert card_titles(last_page) == [f"Meeting {day:03}" for day in range(41, planned + 1)]
