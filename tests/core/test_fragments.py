"""The pages' cached fragments (turnout.core.pagecache.fragment, the template tag
``fragment``): the pieces of a page that are the same for every visitor, kept under the
version of what they show, with the page itself still built for each request (the page
cache off here, as for a logged-in organiser). A page built from them is the page built
without them; a change shows at once; a form inside carries each visitor's own token."""

import datetime as dt
import re

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone

from tests.comparisons.helpers import cell_at, make_table
from tests.factories import make_event, make_group, make_venue
from tests.smtp import free_port
from turnout.comparisons import services as comparisons
from turnout.core import pagecache
from turnout.events import services as events
from turnout.events.models import Event
from turnout.flyers import services as flyers

REDIS = "django.core.cache.backends.redis.RedisCache"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def backend(cache_backend, request):
    request.getfixturevalue("fragment_cache")  # on the cache just chosen
    return cache_backend


@pytest.fixture
def meeting(event):
    """The meeting with a statement, a quote and a table, as the demo's."""
    flyers.add_statement(
        event=event, title="Why we meet", body="One *standard*.", dated=dt.date(2026, 3, 1)
    )
    flyers.add_quote(event=event, text="Every people has the right.", speaker="Oksana")
    table = make_table(
        group=event.group, criteria=["Occupied"], cases=["Ukraine"], texts={}, cited={}
    )
    comparisons.set_cell(cell=cell_at(table, "Occupied", "Ukraine"), text="Since 2014")
    flyers.attach(event=event, content=table)
    return event


def page(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def shown(path: str, **headers) -> str:
    return Client().get(path, **headers).content.decode()


def without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.parametrize("language", ["en", "uk", "ar"])
def test_a_page_built_from_fragments_is_the_page_built_without(settings, meeting, language):
    group, city = meeting.group.slug, meeting.venue.city
    paths = [page(meeting), f"/{group}/", "/", "/past/", f"/?city={city}"]
    built = {path: shown(path, HTTP_ACCEPT_LANGUAGE=language) for path in paths}

    settings.TURNOUT_FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    for path in paths:
        first = shown(path, HTTP_ACCEPT_LANGUAGE=language)  # fills the fragments
        again = shown(path, HTTP_ACCEPT_LANGUAGE=language)  # built from them
        assert without_tokens(first) == without_tokens(built[path]), path
        assert without_tokens(again) == without_tokens(built[path]), path
    cache.clear()


def test_a_warm_meeting_page_reads_the_meeting_alone(backend, meeting, django_assert_num_queries):
    shown(page(meeting))

    with django_assert_num_queries(1):
        html = shown(page(meeting))
    assert "Since 2014" in html and "Every people has the right." in html


def test_a_warm_front_page_reads_its_list_alone(backend, meeting, django_assert_num_queries):
    """The filters, the count and the earliest start are kept: one query, the page's
    meetings; the choices are not even read from the cache."""
    shown("/")

    with django_assert_num_queries(1):
        html = shown("/")
    assert meeting.title in html and f">{meeting.venue.city}</option>" in html


def test_a_new_town_is_offered_at_once(backend, meeting):
    shown("/")
    elsewhere = make_venue(group=meeting.group, name="Hall", city="Житомир")
    make_event(group=meeting.group, venue=elsewhere, title="Elsewhere", days_ahead=3)

    html = shown("/")
    assert ">Житомир</option>" in html and "Elsewhere" in html


@pytest.mark.parametrize(
    "change, text",
    [
        (lambda e: events.update_event(event=e, title="Renamed at once"), "Renamed at once"),
        (lambda e: events.update_event(event=e, tagline="A new tagline"), "A new tagline"),
        (lambda e: _rename_group(e, "A group renamed"), "A group renamed"),
        (lambda e: _rename_venue(e, "The new hall"), "The new hall"),
        (lambda e: _restate(e, "A sharper statement"), "A sharper statement"),
        (lambda e: _recell(e, "Since February 2014"), "Since February 2014"),
        (lambda e: flyers.add_quote(event=e, text="Said today.", speaker="Ann"), "Said today."),
    ],
    ids=["title", "tagline", "group", "venue", "statement", "cell", "new-block"],
)
def test_a_change_shows_at_once(backend, meeting, change, text):
    for path in (page(meeting), f"/{meeting.group.slug}/", "/"):
        shown(path)  # the fragments filled

    change(meeting)

    assert text in shown(page(meeting))
    if text in ("Renamed at once", "A new tagline", "A group renamed", "The new hall"):
        assert text in shown("/")  # the meeting's card


def _rename_group(event, name):
    event.group.name = name
    event.group.save()


def _rename_venue(event, name):
    event.venue.name = name
    event.venue.save()


def _restate(event, title):
    statement = event.blocks.get(statement__isnull=False).statement
    flyers.update_statement(
        statement=statement, title=title, body=statement.body, dated=statement.dated
    )


def _recell(event, text):
    table = event.blocks.get(comparison__isnull=False).comparison
    comparisons.set_cell(cell=cell_at(table, "Occupied", "Ukraine"), text=text)


def test_a_change_of_another_group_keeps_this_groups_fragments(
    settings, redis_server, meeting, django_assert_num_queries
):
    """With Redis; local memory cannot reach the other workers' memory, and drops all."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": REDIS, "LOCATION": redis_server.url},
    }
    settings.TURNOUT_FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    shown(page(meeting))
    other = make_group(name="Another group", slug="another")
    other.name = "Another group, renamed"
    other.save()

    with django_assert_num_queries(1):
        shown(page(meeting))


def test_each_visitor_gets_their_own_token_in_a_cached_form(fragment_cache, meeting):
    """The Mastodon form on the meeting page and the follow form on the group page are
    inside fragments: each visitor's page carries that visitor's token, which works."""
    for path in (page(meeting), f"/{meeting.group.slug}/"):
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        tokens = [TOKEN.findall(c.get(path).content.decode()) for c in (first, second)]

        assert all(tokens[0]) and all(tokens[1])
        assert not set(tokens[0]) & set(tokens[1]), path
        assert "placeholder" not in str(tokens)
    response = second.post(
        f"/{meeting.group.slug}/subscribe/",
        {"csrfmiddlewaretoken": tokens[1][0], "email": "ann@example.org", "name": "Ann"},
    )
    assert response.status_code != 403


def test_a_meeting_that_has_ended_says_so_with_warm_fragments(fragment_cache, group, venue):
    meeting = make_event(group=group, venue=venue, days_ahead=1)
    assert "This meeting has taken place." not in shown(page(meeting))

    # Time passes: no save changes the meeting.
    earlier = timezone.now() - dt.timedelta(days=2)
    Event.objects.filter(pk=meeting.pk).update(
        starts_at=earlier, ends_at=earlier + dt.timedelta(hours=2)
    )

    html = shown(page(meeting))
    assert "This meeting has taken place." in html
    assert "Print the poster (A4)" not in html


def test_the_page_is_built_whole_while_redis_is_down(settings, meeting, monkeypatch):
    monkeypatch.setattr(pagecache, "_failed_until", 0.0)  # this process's, put back after
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": REDIS, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"},
    }
    settings.TURNOUT_FRAGMENT_CACHE_SECONDS = 600

    response = Client().get(page(meeting))

    assert response.status_code == 200
    assert "Since 2014" in response.content.decode()


def test_a_request_reads_each_version_once(backend, meeting, monkeypatch):
    """The meeting page's fragments all follow its group: one read of the versions for
    the whole page, not one a fragment (each a round trip to Redis)."""
    shown(page(meeting))  # the fragments kept
    reads = []
    used = caches["default"]  # the backend itself (``cache`` is a proxy to it)
    get_many = used.get_many

    def counted(keys, *args, **kwargs):
        reads.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(used, "get_many", counted)
    assert "Since 2014" in shown(page(meeting))
    assert len([keys for keys in reads if pagecache.GENERATION in keys]) == 1


def test_a_change_made_during_a_request_is_read_again(backend, group):
    scope = pagecache.group_scope(group.slug)
    pagecache.request_started()
    try:
        before = pagecache._versions([scope])
        assert pagecache._versions([scope]) == before
        pagecache.changed(scope)
        assert pagecache._versions([scope]) != before
    finally:
        pagecache.request_finished()


def test_outside_a_request_another_process_change_is_read_at_once(backend, group):
    scope = pagecache.group_scope(group.slug)
    before = pagecache._versions([scope])
    cache.set(pagecache.VERSION + scope, "set-by-another-process", timeout=None)
    assert pagecache._versions([scope]) != before
