"""Each public page costs the same few queries whatever the number of events it shows.

Pinned at 1 and 3 events, with the page cache off (as in every test but
tests/core/test_pagecache.py): these are the queries of a page rendered afresh, which
an anonymous visitor pays at most once every few seconds per process, and a logged-in
organiser on every view.
"""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from tests.comparisons.helpers import citation, make_table
from tests.factories import make_event, make_group, make_venue
from turnout.feeds import imports
from turnout.flyers import services as flyers
from turnout.pages.views.public import PAST_EVENTS_SHOWN
from turnout.rsvp import services as rsvp

CARD_TITLE = re.compile(r'<h[23] class="card-title"><a href="[^"]+" dir="auto">([^<]+)</a></h[23]>')


def card_titles(response) -> list[str]:
    return CARD_TITLE.findall(response.content.decode())


@pytest.mark.parametrize("n", [1, 3])
def test_home_query_count_is_the_same_for_1_and_3_events(client, django_assert_num_queries, db, n):
    # Two groups as soon as there is more than one event, each event at its own venue.
    groups = [make_group(name="Ukraine Information Group"), make_group(name="Tenants Union")]
    for i in range(n):
        group = groups[i % 2]
        make_event(
            group=group, venue=make_venue(group=group), title=f"Upcoming {i}", days_ahead=i + 1
        )

    # The filters' choices (towns and groups, then topics), how many upcoming events,
    # then this page of them.
    with django_assert_num_queries(4):
        response = client.get("/")

    assert card_titles(response) == [f"Upcoming {i}" for i in range(n)]


@pytest.mark.parametrize("n", [1, 12])
def test_group_page_query_count_is_the_same_for_1_and_12_events(
    client, django_assert_num_queries, group, n
):
    """12: more past meetings than the page shows (bench/scale.py measures a group with 500)."""
    for i in range(n):
        make_event(
            group=group, venue=make_venue(group=group), title=f"Upcoming {i}", days_ahead=i + 1
        )
        make_event(group=group, venue=make_venue(group=group), title=f"Past {i}", days_ahead=-7 - i)
    allied = imports.create_from_file(group=group, file=io.BytesIO(allied_ics(n)), mode="allied")
    imports.apply_source(source=allied)

    with django_assert_num_queries(4):  # the group, its upcoming, allied and past events
        response = client.get(f"/{group.slug}/")

    upcoming = [f"Upcoming {i}" for i in range(n)]
    assert card_titles(response) == upcoming + [f"Past {i}" for i in range(n)][:PAST_EVENTS_SHOWN]
    assert response.content.decode().count("Allied picnic") == n


def allied_ics(n: int) -> bytes:
    """An ally's calendar with ``n`` upcoming events."""
    start = timezone.now() + dt.timedelta(days=3)
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:picnic-{i}@allies.example\r\nSUMMARY:Allied picnic {i}\r\n"
        f"DTSTART:{start + dt.timedelta(days=i):%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{start + dt.timedelta(days=i, hours=2):%Y%m%dT%H%M%SZ}\r\nEND:VEVENT\r\n"
        for i in range(n)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()


@pytest.mark.parametrize("n", [1, 3])
def test_event_page_query_count_is_the_same_for_1_and_3_events(
    client, django_assert_num_queries, group, venue, n
):
    made = [
        make_event(
            group=group, venue=venue, title=f"Meeting {i}", capacity=10, public_counts="seats_left"
        )
        for i in range(n)
    ]
    for i in range(n):  # as many people registered as there are events
        registration, _created = rsvp.register(
            event=made[-1], name=f"Person {i}", email=f"person{i}@example.org"
        )
        rsvp.confirm(registration=registration)  # public counts leave out unconfirmed holds

    with django_assert_num_queries(2):  # the event with its group and venue; its blocks
        response = client.get(f"/{group.slug}/events/{made[-1].slug}/")

    assert response.status_code == 200
    assert f'<p class="seats-left">{10 - n} seats left.</p>' in response.content.decode()


def test_event_page_query_count_with_blocks(client, django_assert_num_queries, group, venue):
    """The event with its group and venue, then its blocks (statements and quotes joined
    in), then four for each comparison table (criteria, cases, cells, citations)."""
    bare = make_event(group=group, venue=venue, title="No blocks")
    worded = make_event(group=group, venue=venue, title="Words")
    flyers.add_statement(event=worded, title="Unite the struggles", body="Why.", dated="2024-03-01")
    flyers.add_quote(event=worded, text="Solidarity.", speaker="Oksana Petrenko")
    tabled = make_event(group=group, venue=venue, title="Table")
    table = make_table(
        group=group,
        criteria=["Cost", "Speed"],
        cases=["A", "B"],
        texts={("Cost", "A"): "12%"},
        cited={("Cost", "A"): [citation(), citation(title="Another")]},
    )
    flyers.attach(event=tabled, content=table)

    for event, queries, shown in (
        (bare, 2, None),
        (worded, 2, "Oksana Petrenko"),
        (tabled, 6, "12%"),
    ):
        with django_assert_num_queries(queries):
            response = client.get(f"/{group.slug}/events/{event.slug}/")
        assert response.status_code == 200
        if shown:
            assert shown in response.content.decode()
