"""/groups/ (every group with its next meeting), /past/ and /<group>/past/ (the archives),
and every group name a link to its page."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_event, make_group
from tests.test_public_queries import card_titles
from turnout.core.slugs import validate_group_slug
from turnout.events import services as events

pytestmark = pytest.mark.django_db


def test_groups_lists_every_group_with_its_next_meeting(client, group, venue):
    make_event(group=group, venue=venue, title="Later one", days_ahead=9)
    make_event(group=group, venue=venue, title="Next one", days_ahead=2)
    make_event(group=group, venue=venue, title="Hidden one", days_ahead=1, unlisted=True)
    make_group(name="Quiet Group", slug="quiet")

    response = client.get("/groups/")
    body = response.content.decode()

    assert response.status_code == 200
    assert '<a href="/uig/" dir="auto">Ukraine Information Group</a>' in body
    assert '<a href="/quiet/" dir="auto">Quiet Group</a>' in body
    assert card_titles(response) == ["Next one"]
    assert "Hidden one" not in body and "Later one" not in body


@pytest.mark.parametrize("n", [1, 3])
def test_groups_query_count_is_the_same_for_1_and_3_groups(client, django_assert_num_queries, n):
    for i in range(n):
        found = make_group(name=f"Group {i}", slug=f"g{i}")
        make_event(group=found, title=f"Meeting {i}", days_ahead=i + 1)

    with django_assert_num_queries(3):  # how many groups, this page of them, their next meetings
        response = client.get("/groups/")

    assert card_titles(response) == [f"Meeting {i}" for i in range(n)]


def test_past_is_the_archive_of_every_group_newest_first(client, group, venue):
    other = make_group(name="Tenants", slug="tenants")
    make_event(group=group, venue=venue, title="Old one", days_ahead=-30)
    make_event(group=other, title="Recent one", days_ahead=-3)
    called_off = make_event(group=group, venue=venue, title="Called off", days_ahead=-10)
    events.cancel_event(event=called_off)
    make_event(group=group, venue=venue, title="Secret past", days_ahead=-5, unlisted=True)
    make_event(group=group, venue=venue, title="Still to come", days_ahead=5)

    response = client.get("/past/")
    body = response.content.decode()

    assert response.status_code == 200
    assert card_titles(response) == ["Recent one", "Called off", "Old one"]
    assert '<span class="badge cancelled">Cancelled</span>' in body
    assert "Secret past" not in body


def test_a_group_s_past_is_its_own_archive_paginated(client, group, venue):
    make_event(group=make_group(slug="other"), title="Not ours", days_ahead=-2)
    for i in range(25):
        make_event(group=group, venue=venue, title=f"Past {i:02}", days_ahead=-1 - i)

    first = client.get("/uig/past/")
    second = client.get("/uig/past/?page=2")

    assert card_titles(first) == [f"Past {i:02}" for i in range(20)]
    assert card_titles(second) == [f"Past {i:02}" for i in range(20, 25)]
    assert 'href="?page=2"' in first.content.decode()
    assert client.get("/nobody/past/").status_code == 404
    assert client.get("/uig/past/?page=abc").status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_past_query_count_is_the_same_for_1_and_3_events(
    client, django_assert_num_queries, group, venue, n
):
    for i in range(n):
        make_event(group=group, venue=venue, title=f"Past {i}", days_ahead=-1 - i)

    with django_assert_num_queries(2):  # how many, then this page of them
        assert card_titles(client.get("/past/")) == [f"Past {i}" for i in range(n)]
    with django_assert_num_queries(3):  # the group, how many, this page
        assert card_titles(client.get("/uig/past/")) == [f"Past {i}" for i in range(n)]


def test_the_group_page_links_its_archive(client, group, venue):
    make_event(group=group, venue=venue, title="Old one", days_ahead=-30)

    assert 'href="/uig/past/"' in client.get("/uig/").content.decode()


def test_every_group_name_is_a_link_to_its_page(client, event):
    link = '<a href="/uig/"><bdi>Ukraine Information Group</bdi></a>'

    assert f"By {link}" in client.get("/").content.decode()
    assert f"Organised by {link}" in client.get(f"/uig/events/{event.slug}/").content.decode()


def test_home_links_the_groups_and_the_archive(client, event):
    body = client.get("/").content.decode()

    assert 'href="/groups/"' in body and 'href="/past/"' in body


@pytest.mark.parametrize("slug", ["groups", "past"])
def test_groups_and_past_are_reserved(slug):
    with pytest.raises(ValidationError):
        validate_group_slug(slug)
