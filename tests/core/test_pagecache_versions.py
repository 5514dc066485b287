"""Cached pages follow changes at once: each key holds the version of what the page shows
(its group's, or the listings'), bumped by every save, with the local-memory cache and
with Redis alike; keys stay bounded whatever the query string."""

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import make_event, make_group
from turnout.events import services as events


@pytest.fixture
def backend(cache_backend, request):
    request.getfixturevalue("page_cache")  # on the cache just chosen
    return cache_backend


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def shown(path: str) -> str:
    return Client().get(path).content.decode()


def test_an_organisers_change_shows_at_once_on_every_page(backend, event):
    paths = [page(event), f"/{event.group.slug}/", "/"]
    for path in paths:
        assert event.title in shown(path)  # cached now

    events.update_event(event=event, title="Renamed at once")

    for path in paths:
        assert "Renamed at once" in shown(path), path


def test_a_change_of_the_group_shows_on_its_meeting_page_at_once(backend, event):
    assert event.group.name in shown(page(event))

    event.group.name = "A group renamed"
    event.group.save()

    assert "A group renamed" in shown(page(event))


def test_a_change_of_the_venue_shows_at_once(backend, event):
    assert event.venue.name in shown(page(event))

    event.venue.name = "The new hall"
    event.venue.save()

    assert "The new hall" in shown(page(event))


def test_a_cancellation_shows_at_once(backend, event):
    shown(page(event))

    events.cancel_event(event=event)

    assert "This meeting has been cancelled." in shown(page(event))


def test_another_groups_change_leaves_this_groups_pages_cached(
    backend, event, venue, django_assert_num_queries
):
    """With Redis; local memory cannot reach the other workers' memory, and drops all."""
    if backend != "redis":
        return
    shown(page(event))
    other = make_event(group=make_group(), online_url="https://meet.example.org/x")

    events.update_event(event=other, title="Elsewhere")

    with django_assert_num_queries(0):
        Client().get(page(event))


def test_a_seat_count_does_not_drop_the_page(backend, event, django_assert_num_queries):
    from turnout.rsvp import services as rsvp

    shown(page(event))
    rsvp.register(event=event, name="Ann", email="ann@example.org")

    with django_assert_num_queries(0):  # the count may lag TURNOUT_PAGE_CACHE_SECONDS
        Client().get(page(event))


QUERY = st.dictionaries(
    st.sampled_from(["page", "q", "city", "group", "topic", "language", "mode", "from", "x"]),
    st.text(max_size=30),
    max_size=4,
)


@hypothesis_settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERY)
def test_hostile_query_strings_make_a_bounded_number_of_keys(page_cache, visitor, event, query):
    """At most: the plain first page, and the first page of each filter that applies (here
    the one town, group and language; online or in person); as many filters' fragments
    and kept counts, one card for the meeting, the choices and the earliest start."""
    response = visitor.get("/", query)

    assert response.status_code == 200
    pages = [key for key in cache._cache if ":page:" in key]  # the local-memory store
    assert len(pages) <= 6, query
    assert len([key for key in cache._cache if ":fragment:" in key]) <= 6 + 1, query
    assert len([key for key in cache._cache if ":lasting:" in key]) <= 6 + 2, query


@pytest.fixture
def visitor():
    return Client()


def test_each_language_has_its_own_copy(backend, event):
    english = shown(page(event))
    ukrainian = Client().get(page(event), HTTP_ACCEPT_LANGUAGE="uk").content.decode()

    assert '<html lang="en"' in english
    assert '<html lang="uk"' in ukrainian
    assert '<html lang="en"' in shown(page(event))


@pytest.mark.parametrize("which", ["group", "event"])
def test_html_and_activitypub_are_never_served_for_each_other(backend, event, which):
    path = {"group": f"/{event.group.slug}/", "event": page(event)}[which]
    activity = "application/activity+json"
    html = Client().get(path, HTTP_ACCEPT="text/html")  # cached

    other = Client().get(path, HTTP_ACCEPT=activity)
    again = Client().get(path, HTTP_ACCEPT="text/html")

    assert html["Content-Type"].startswith("text/html")
    # The group's actor as JSON; the meeting's, a 303 to its Event.
    assert other.status_code == 303 or other["Content-Type"].startswith("application/")
    assert "<html" not in other.content.decode()
    assert again["Content-Type"].startswith("text/html")
    assert all("Accept" in r["Vary"] for r in (html, other, again))
