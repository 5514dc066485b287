"""The few seconds' cache of public pages: no query on a hit, a fresh CSRF token each time,
nothing kept of what a logged-in visitor sees, and numbers at most a few seconds old."""

import re
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_event
from turnout.events import services as events
from turnout.events.models import Event
from turnout.rsvp import services as rsvp
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
    (token,) = set(TOKEN.findall(html))  # the same in each form (RSVP, Share on Mastodon)
    assert "placeholder" not in token
    assert "csrftoken" in visitor.cookies
    response = visitor.post(
        page(event), {"csrfmiddlewaretoken": token, "name": "Ann", "email": "ann@example.org"}
    )

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert Registration.objects.filter(email="ann@example.org").exists()


def cancel_behind_the_caches_back(event) -> None:
    """Written without a save, as the seats held are: no new version, the copy stays."""
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)


def test_a_change_without_a_save_shows_once_the_cache_expires(settings, event):
    Client().get(page(event))
    cancel_behind_the_caches_back(event)

    assert "This meeting has been cancelled." not in Client().get(page(event)).content.decode()
    cache.clear()  # what the expiry does after TURNOUT_PAGE_CACHE_SECONDS
    assert "This meeting has been cancelled." in Client().get(page(event)).content.decode()


def test_a_logged_in_organiser_always_gets_a_fresh_page(organiser_client, event):
    Client().get(page(event))  # an anonymous visitor fills the cache

    html = organiser_client.get(page(event)).content.decode()

    assert "Log out" in html  # rendered for them, not the anonymous copy


@pytest.mark.parametrize("which", ["home", "group", "event"])
def test_what_a_logged_in_organiser_sees_is_not_kept_for_others(organiser_client, event, which):
    path = {"home": "/", "group": f"/{event.group.slug}/", "event": page(event)}[which]
    assert "Log out" in organiser_client.get(path).content.decode()  # rendered first

    html = Client().get(path).content.decode()

    assert "Log out" not in html
    assert "Organiser log in" in html
    assert "Log out" in organiser_client.get(path).content.decode()


def test_a_missing_meeting_is_not_cached(client, event):
    assert client.get(f"/{event.group.slug}/events/no-such-meeting/").status_code == 404
    assert client.get(f"/{event.group.slug}/events/no-such-meeting/").status_code == 404


def test_the_cache_is_off_at_zero_seconds(settings, event, django_assert_num_queries):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 0
    Client().get(page(event))

    with django_assert_num_queries(2):  # the event, then its blocks (none): every time
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


# --- seat counts: a few seconds old at most, and always fresh for organisers


@pytest.fixture
def small_meeting(group, venue):
    return make_event(group=group, venue=venue, capacity=5, public_counts="seats_left")


def confirmed_place(event) -> None:
    """Ann's place, confirmed: public counts leave out places held unconfirmed."""
    registration, _created = rsvp.register(event=event, name="Ann", email="ann@example.org")
    rsvp.confirm(registration=registration)


def seats_left(html: str) -> str:
    (shown,) = re.findall(r'<p class="seats-left">([^<]+)</p>', html)
    return shown


def test_a_seat_taken_shows_once_the_cache_time_has_passed(settings, small_meeting):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 0.5
    assert seats_left(Client().get(page(small_meeting)).content.decode()) == "5 seats left."
    confirmed_place(small_meeting)

    still_cached = Client().get(page(small_meeting)).content.decode()
    time.sleep(0.6)
    after = Client().get(page(small_meeting)).content.decode()

    assert seats_left(still_cached) == "5 seats left."
    assert seats_left(after) == "4 seats left."


def test_a_logged_in_organiser_always_sees_the_seats_left_now(organiser_client, small_meeting):
    Client().get(page(small_meeting))  # an anonymous visitor fills the cache
    confirmed_place(small_meeting)

    html = organiser_client.get(page(small_meeting)).content.decode()

    assert seats_left(html) == "4 seats left."
    assert seats_left(Client().get(page(small_meeting)).content.decode()) == "5 seats left."


# --- / : the list of upcoming meetings


def test_a_cached_home_page_costs_no_query_and_sets_no_cookie(
    client, event, django_assert_num_queries
):
    first = client.get("/")

    with django_assert_num_queries(0):
        again = Client().get("/")

    assert again.status_code == 200
    assert again.content == first.content
    assert "What internationalism means" in again.content.decode()
    assert not again.cookies  # no form on the page: no CSRF token, no cookie
    # Rendered, the page read the session to see who is logged in; cached, it says so too.
    assert again.headers["Vary"] == first.headers["Vary"]
    assert "Cookie" in again.headers["Vary"]


@pytest.fixture
def twenty_one_events(group, venue):
    return [make_event(group=group, venue=venue, days_ahead=n) for n in range(1, 22)]


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("abc", "Page 1 of 2"),
        ("", "Page 1 of 2"),
        ("2.5", "Page 1 of 2"),
        ("1" + "0" * 5000, "Page 1 of 2"),  # too many digits to be a number
        ("-1", "Page 2 of 2"),
        ("999", "Page 2 of 2"),
        (str(10**30), "Page 2 of 2"),
    ],
)
def test_a_made_up_page_number_gets_a_page_already_cached(
    twenty_one_events, django_assert_num_queries, asked, shown
):
    Client().get("/")
    Client().get("/", {"page": "2"})  # the only two pages there are, now cached

    with django_assert_num_queries(0):  # nothing new rendered, nothing new kept
        response = Client().get("/", {"page": asked})

    assert response.status_code == 200
    assert shown in response.content.decode()


def test_each_page_of_home_is_cached_on_its_own(twenty_one_events):
    first, second = Client().get("/"), Client().get("/", {"page": "2"})

    assert "Page 1 of 2" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_a_new_meeting_shows_on_home_at_once(group, venue, event):
    Client().get("/")
    make_event(group=group, venue=venue, title="Another meeting")

    assert "Another meeting" in Client().get("/").content.decode()


# --- /<group>/ : the group's page, with its follow form


def test_a_cached_group_page_costs_no_query(client, group, event, django_assert_num_queries):
    first = client.get(f"/{group.slug}/")

    with django_assert_num_queries(0):
        again = Client().get(f"/{group.slug}/")

    assert again.status_code == 200
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())


def test_a_cached_group_page_has_a_working_follow_form(group):
    Client().get(f"/{group.slug}/")  # fills the cache
    visitor = Client(enforce_csrf_checks=True)

    html = visitor.get(f"/{group.slug}/").content.decode()
    (token,) = TOKEN.findall(html)
    assert "placeholder" not in token
    response = visitor.post(
        f"/{group.slug}/subscribe/", {"csrfmiddlewaretoken": token, "email": "ann@example.org"}
    )

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()


def test_a_missing_group_is_not_cached(client, db):
    assert client.get("/no-such-group/").status_code == 404
    assert client.get("/no-such-group/").status_code == 404


def test_drop_all_forgets_every_cached_page_and_recent_value(event):
    from turnout.core import pagecache

    Client().get(page(event))
    assert pagecache.recent("answer", lambda: 42) == 42
    cancel_behind_the_caches_back(event)

    pagecache.drop_all()

    assert "This meeting has been cancelled." in Client().get(page(event)).content.decode()
    assert pagecache.recent("answer", lambda: 43) == 43
    cache.delete(pagecache.GENERATION)  # lost (evicted): nothing kept before comes back
    assert pagecache.recent("answer", lambda: 44) == 44


def test_drop_all_in_another_process_reaches_this_ones_cache(settings, tmp_path, event):
    """Each gunicorn worker has its own cache: a drop in one (a meeting made unlisted or
    private there) must reach the others' copies at once, through the stamp file."""

    settings.TURNOUT_PAGE_CACHE_STAMP = tmp_path / "pagecache.stamp"
    Client().get(page(event))
    cancel_behind_the_caches_back(event)
    assert "This meeting has been cancelled." not in Client().get(page(event)).content.decode()

    subprocess.run(
        [sys.executable, "-m", "turnout.cli", "manage", "shell", "-c",
         "from turnout.core import pagecache; pagecache.drop_all()"],
        env={"PATH": "/usr/bin:/bin", "TURNOUT_DEBUG": "1", "TURNOUT_VAR_DIR": str(tmp_path)},
        check=True, capture_output=True,
    )  # fmt: skip

    assert "This meeting has been cancelled." in Client().get(page(event)).content.decode()
