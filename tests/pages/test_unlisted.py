"""Unlisted meetings (issue 17, item 3): reachable by their link, listed nowhere.

Every public listing (found by walking the URL resolver, so a listing added later is
walked too) leaves out an unlisted meeting's title and address; its own page, calendar
file and flyer work for whoever has the link, with ``noindex``; its address cannot be
guessed from its title, and an address it had before it was unlisted answers 404.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_event, make_group
from tests.routes import fill, placeholders, public_routes
from turnout.events import services as events
from turnout.events.models import Event, EventSlug

SECRET = re.compile(r"[a-z0-9]{16}")
HIDDEN = "Refugee solidarity evening"
HIDDEN_PAST = "Earlier refugee gathering"
SHOWN = "Open public meeting"


def listing_urls(group) -> list[str]:
    """Every public URL that takes no more than a group: "/", the site's feeds, and each
    group page, feed and widget (and whatever listing is added to the resolver later)."""
    return [
        fill(path, group=group.slug)
        for name, path in public_routes()
        if name.startswith("public:") and placeholders(path) <= {"group"}
    ]


@pytest.fixture
def hidden(group, venue):
    return make_event(group=group, venue=venue, title=HIDDEN, unlisted=True)


@pytest.fixture
def hidden_past(group, venue):
    return make_event(group=group, venue=venue, title=HIDDEN_PAST, unlisted=True, days_ahead=-3)


@pytest.fixture
def shown(group, venue):
    return make_event(group=group, venue=venue, title=SHOWN, days_ahead=3)


def test_the_walk_covers_every_listing(group):
    assert sorted(listing_urls(group)) == sorted(
        [
            "/",
            "/groups/",
            "/past/",
            "/events.ics",
            "/feed.atom",
            "/uig/",
            "/uig/events.ics",
            "/uig/feed.atom",
            "/uig/widget/",
            "/uig/past/",
        ]
    )


def test_no_listing_shows_an_unlisted_meeting(client, group, hidden, hidden_past, shown):
    for url in listing_urls(group):
        body = client.get(url).content.decode()

        assert client.get(url).status_code == 200, url
        assert HIDDEN not in body and HIDDEN_PAST not in body, url
        assert hidden.slug not in body and hidden_past.slug not in body, url
        assert "Refugee" not in body, url
    # The listed meeting beside it is there: the walk looks where meetings show.
    for url in ("/", "/uig/", "/uig/widget/", "/uig/events.ics", "/uig/feed.atom"):
        assert SHOWN in client.get(url).content.decode(), url


def test_an_unlisted_meetings_own_page_works_with_noindex(client, hidden):
    response = client.get(f"/uig/events/{hidden.slug}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert HIDDEN in body
    assert '<meta name="robots" content="noindex">' in body
    assert response["X-Robots-Tag"] == "noindex"
    assert '<script type="application/ld+json">' in body and '"@type": "Event"' in body
    assert f'<meta property="og:title" content="{HIDDEN}">' in body
    assert f'/uig/events/{hidden.slug}/">' in re.search(r'<meta property="og:url"[^>]+>', body)[0]


@pytest.mark.parametrize("suffix", ["event.ics", "flyer.pdf", "flyer.png"])
def test_an_unlisted_meetings_files_work_by_its_link_with_noindex(client, hidden, suffix):
    response = client.get(f"/uig/events/{hidden.slug}/{suffix}")

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"


def test_a_listed_meetings_page_may_be_indexed(client, shown):
    response = client.get(f"/uig/events/{shown.slug}/")

    assert 'name="robots"' not in response.content.decode()
    assert "X-Robots-Tag" not in response


def test_an_unlisted_meetings_address_has_no_title_words(hidden):
    assert SECRET.fullmatch(hidden.slug), hidden.slug
    assert list(EventSlug.objects.filter(event=hidden).values_list("slug", flat=True)) == [
        hidden.slug
    ]


def test_guessing_an_unlisted_meetings_address_from_its_title_finds_nothing(client, hidden):
    guess = events.default_slug(group=hidden.group, title=HIDDEN, start_date=hidden.start_date)

    for url in (f"/uig/events/{guess}/", f"/uig/events/{guess}/flyer.pdf"):
        assert client.get(url).status_code == 404
    assert client.get("/uig/events/refugee-solidarity-evening/").status_code == 404


def test_made_unlisted_after_publishing_it_gets_a_new_address_and_the_old_one_is_gone(
    client, group, venue
):
    meeting = make_event(group=group, venue=venue, title=HIDDEN)
    old = meeting.slug
    assert client.get(f"/uig/events/{old}/").status_code == 200

    events.update_event(event=meeting, unlisted=True)

    meeting.refresh_from_db()
    assert meeting.slug != old and SECRET.fullmatch(meeting.slug)
    for suffix in ("", "event.ics", "flyer.pdf", "flyer.png", "flyer.pdf?size=A5"):
        response = client.get(f"/uig/events/{old}/{suffix}")
        assert response.status_code == 404, suffix  # not a redirect to the new address
    assert client.get(f"/uig/events/{meeting.slug}/").status_code == 200
    # The old address stays the meeting's for good: no other meeting can take it.
    assert EventSlug.objects.get(group=group, slug=old).event == meeting
    with pytest.raises(Exception, match="stays with it"):
        make_event(group=group, venue=venue, title="Another", slug=old)
    assert Event.objects.filter(group=group).count() == 1


def test_old_address_of_an_unlisted_meeting_under_a_renamed_group_is_404_too(client, group, venue):
    from turnout.groups import services as groups

    meeting = make_event(group=group, venue=venue, title=HIDDEN)
    old = meeting.slug
    events.update_event(event=meeting, unlisted=True)
    meeting.refresh_from_db()
    groups.update_group(group=group, slug="uig-london")

    assert client.get(f"/uig/events/{old}/").status_code == 404
    assert client.get(f"/uig-london/events/{old}/").status_code == 404
    # Its own secret address follows the group, as every address does.
    moved = client.get(f"/uig/events/{meeting.slug}/")
    assert moved.status_code == 301
    assert moved["Location"] == f"/uig-london/events/{meeting.slug}/"


def test_listings_drop_a_meeting_made_unlisted_at_once_despite_the_page_cache(
    settings, group, venue
):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60
    cache.clear()
    try:
        meeting = make_event(group=group, venue=venue, title=HIDDEN)
        old = meeting.slug
        pages = ["/", "/uig/", "/uig/widget/", f"/uig/events/{old}/"]
        for url in pages:
            assert HIDDEN in Client().get(url).content.decode(), url  # now cached

        events.update_event(event=meeting, unlisted=True)

        for url in pages[:3]:
            assert HIDDEN not in Client().get(url).content.decode(), url
        assert Client().get(f"/uig/events/{old}/").status_code == 404
    finally:
        cache.clear()


def test_organisers_still_see_an_unlisted_meeting_labelled(organiser_client, hidden):
    group_page = organiser_client.get("/organise/groups/uig/").content.decode()
    meeting_page = organiser_client.get(
        f"/organise/groups/uig/events/{hidden.slug}/"
    ).content.decode()

    assert HIDDEN in group_page
    assert '<span class="badge unlisted">Unlisted</span>' in group_page
    assert '<span class="badge unlisted">Unlisted</span>' in meeting_page


def test_another_groups_meeting_is_unaffected(client, hidden):
    other = make_group(name="Other group", slug="other")
    make_event(group=other, title="Other meeting")

    assert "Other meeting" in client.get("/").content.decode()
    assert HIDDEN not in client.get("/").content.decode()


def test_a_cached_copy_of_an_unlisted_meetings_page_keeps_its_noindex_header(
    settings, hidden, django_assert_num_queries
):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60
    cache.clear()
    try:
        Client().get(f"/uig/events/{hidden.slug}/")  # fills the cache

        with django_assert_num_queries(0):
            again = Client().get(f"/uig/events/{hidden.slug}/")

        assert again["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in again.content.decode()
    finally:
        cache.clear()
