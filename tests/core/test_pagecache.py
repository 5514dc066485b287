"""The few seconds' cache of public pages: no query on a hit, a fresh CSRF token each time."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from turnout.events import services as events
from turnout.rsvp.models import Registration

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def test_a_cached_page_costs_no_query(client, event, django_assert_num_queries):
    first = client.get(page(event))

    with django_assert_num_queries(0):
        again = Client().get(page(event))

    assert again.status_code == 200
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())


def test_every_cached_response_carries_its_own_working_csrf_token(event):
    Client().get(page(event))  # fills the cache
    visitor = Client(enforce_csrf_checks=True)

    html = visitor.get(page(event)).content.decode()
    (token,) = TOKEN.findall(html)
    assert "placeholder" not in token
    assert "csrftoken" in visitor.cookies
    response = visitor.post(
        page(event), {"csrfmiddlewaretoken": token, "name": "Ann", "email": "ann@example.org"}
    )

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert Registration.objects.filter(email="ann@example.org").exists()


def test_changes_show_once_the_cache_expires(settings, event):
    Client().get(page(event))
    events.cancel_event(event=event)

    assert "This meeting has been cancelled." not in Client().get(page(event)).content.decode()
    cache.clear()  # what the expiry does after TURNOUT_PAGE_CACHE_SECONDS
    assert "This meeting has been cancelled." in Client().get(page(event)).content.decode()


def test_a_logged_in_organiser_always_gets_a_fresh_page(organiser_client, event):
    Client().get(page(event))  # an anonymous visitor fills the cache

    html = organiser_client.get(page(event)).content.decode()

    assert "Log out" in html  # rendered for them, not the anonymous copy


def test_a_missing_meeting_is_not_cached(client, event):
    assert client.get(f"/{event.group.slug}/events/no-such-meeting/").status_code == 404
    assert client.get(f"/{event.group.slug}/events/no-such-meeting/").status_code == 404


def test_the_cache_is_off_at_zero_seconds(settings, event, django_assert_num_queries):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 0
    Client().get(page(event))

    with django_assert_num_queries(1):
        Client().get(page(event))


def test_a_post_with_the_event_a_few_seconds_old_is_still_refused_once_cancelled(event):
    visitor = Client()
    visitor.post(page(event), {"name": "Ann", "email": "ann@example.org"})  # event now kept
    events.cancel_event(event=event)

    response = visitor.post(page(event), {"name": "Bob", "email": "bob@example.org"})

    assert "This meeting was cancelled; registration is closed." in response.content.decode()
    assert not Registration.objects.filter(email="bob@example.org").exists()


def test_a_post_reads_the_event_from_the_recent_copy(event):
    Client().post(page(event), {"name": "Ann", "email": "ann@example.org"})

    with CaptureQueriesContext(connection) as captured:
        Client().post(page(event), {"name": "Bob", "email": "bob@example.org"})

    assert not any('FROM "events_event"' in q["sql"] for q in captured.captured_queries)
