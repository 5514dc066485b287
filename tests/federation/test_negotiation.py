"""The group page and the meeting page under content negotiation: ActivityPub clients
(``Accept: application/activity+json`` or ``application/ld+json;
profile="https://www.w3.org/ns/activitystreams"``) get the actor JSON / a 303 to the
meeting's object; everyone else the HTML. Decided before the page cache, with
``Vary: Accept`` on both, so that neither is ever served for the other."""

import json
import re

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import make_event, make_group
from turnout.federation.negotiation import wants_activity_json

pytestmark = pytest.mark.django_db
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def without_csrf(content: bytes) -> bytes:
    """The page with its CSRF token (each response's own) left out."""
    return CSRF.sub(b"", content)


AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MASTODON = f"{AP}, {LD}"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (AP, True),
        (LD, True),
        (MASTODON, True),
        ("application/ld+json;profile=https://www.w3.org/ns/activitystreams", True),
        (f"text/html;q=0.5, {AP}", True),
        (f"{AP};q=0.1, text/html", False),
        (f"{AP};q=0", False),
        (BROWSER, False),
        ("*/*", False),
        ("", False),
        ("application/ld+json", False),
        ("application/json", False),
        ("garbage;;;q=zz,,", False),
        (f"{AP};q=abc", False),
        ("text/html, " + AP, False),
    ],
)
def test_accept_parsing(rf, accept, expected):
    assert wants_activity_json(rf.get("/", HTTP_ACCEPT=accept)) is expected


@given(accept=st.text(max_size=500))
def test_accept_parsing_never_fails(accept):
    from django.test import RequestFactory

    assert wants_activity_json(RequestFactory().get("/", HTTP_ACCEPT=accept)) in (True, False)


def test_the_group_page_answers_the_actor_to_activitypub(client):
    group = make_group(slug="riverside-tenants")

    response = client.get("/riverside-tenants/", HTTP_ACCEPT=MASTODON)

    assert response.status_code == 200
    assert response["Content-Type"] == AP
    assert "Accept" in response["Vary"]
    assert json.loads(response.content)["id"] == (
        f"{settings.BASE_URL}/federation/groups/{group.federation_id}/"
    )


def test_the_group_page_html_varies_on_accept(client):
    make_group(slug="riverside-tenants")

    response = client.get("/riverside-tenants/", HTTP_ACCEPT=BROWSER)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


@pytest.fixture
def page_cache(settings):
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60
    from turnout.core import pagecache

    pagecache.drop_all()
    yield
    pagecache.drop_all()


def test_a_cached_html_group_page_is_never_served_as_json(client, page_cache):
    make_group(slug="riverside-tenants")

    html = client.get("/riverside-tenants/", HTTP_ACCEPT=BROWSER)
    as_json = client.get("/riverside-tenants/", HTTP_ACCEPT=AP)
    html_again = client.get("/riverside-tenants/", HTTP_ACCEPT=BROWSER)

    assert html["Content-Type"].startswith("text/html")
    assert as_json["Content-Type"] == AP
    json.loads(as_json.content)
    assert html_again["Content-Type"].startswith("text/html")
    assert without_csrf(html_again.content) == without_csrf(html.content)


def test_json_first_then_html_from_the_cache(client, page_cache):
    make_group(slug="riverside-tenants")

    as_json = client.get("/riverside-tenants/", HTTP_ACCEPT=AP)
    html = client.get("/riverside-tenants/", HTTP_ACCEPT=BROWSER)
    as_json_again = client.get("/riverside-tenants/", HTTP_ACCEPT=AP)

    assert as_json["Content-Type"] == AP
    assert html["Content-Type"].startswith("text/html")
    assert b"<html" in html.content
    assert as_json_again.content == as_json.content


def test_the_meeting_page_sends_activitypub_to_the_object(client, page_cache):
    group = make_group(slug="riverside-tenants")
    event = make_event(group=group, slug="what-internationalism-means")
    url = "/riverside-tenants/events/what-internationalism-means/"

    html = client.get(url, HTTP_ACCEPT=BROWSER)
    redirect = client.get(url, HTTP_ACCEPT=LD)

    assert html["Content-Type"].startswith("text/html")
    assert "Accept" in html["Vary"]
    assert redirect.status_code == 303
    assert redirect["Location"] == f"{settings.BASE_URL}/federation/events/{event.federation_id}/"
    assert "Accept" in redirect["Vary"]
    assert without_csrf(client.get(url, HTTP_ACCEPT=BROWSER).content) == without_csrf(html.content)


def test_the_meeting_page_hides_drafts_and_unlisted_meetings_from_activitypub(client):
    group = make_group(slug="riverside-tenants")
    draft = make_event(group=group, published=False, slug="draft")
    unlisted = make_event(group=group, unlisted=True)

    for event in (draft, unlisted):
        response = client.get(f"/riverside-tenants/events/{event.slug}/", HTTP_ACCEPT=AP)
        assert response.status_code == 404
        assert str(event.federation_id) not in response.content.decode()


def test_an_unknown_group_page_is_404_to_activitypub(client):
    assert client.get("/nobody-here/", HTTP_ACCEPT=AP).status_code == 404


def test_an_old_group_address_leads_activitypub_to_the_same_actor(client):
    from turnout.groups import services as groups

    group = make_group(slug="old-name")
    groups.update_group(group=group, slug="new-name")

    moved = client.get("/old-name/", HTTP_ACCEPT=AP)
    actor = client.get(moved["Location"], HTTP_ACCEPT=AP)

    assert moved.status_code == 301
    assert moved["Location"] == "/new-name/"
    assert json.loads(actor.content)["id"] == (
        f"{settings.BASE_URL}/federation/groups/{group.federation_id}/"
    )
