"""Response headers: a Content-Security-Policy on every response, and no caching of
pages that show personal data or are reached by a secret link (issue 16, finding 5)."""

import pytest

from turnout.rsvp import services as rsvp
from turnout.rsvp.links import token_for

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
WIDGET_POLICY = POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize(
    "path", ["/", "/groups/", "/uig/", "/uig/events/{event}/", "/uig/feed.atom", "/no-such-group/"]
)
def test_every_public_response_has_the_content_security_policy(client, event, path):
    response = client.get(path.format(event=event.slug))

    assert response.status_code in {200, 404}
    assert response["Content-Security-Policy"] == POLICY


def test_the_widget_may_be_framed_by_any_site_and_nothing_else_changes(client, event):
    response = client.get("/uig/widget/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == WIDGET_POLICY
    assert directives(response)["frame-ancestors"] == "*"


def test_organiser_pages_have_the_policy_too(organiser_client, event):
    response = organiser_client.get("/organise/")

    assert response["Content-Security-Policy"] == POLICY


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("method", "page"),
    [
        ("get", "registrations/"),
        ("get", "door/"),
        ("get", "door/counts.json"),
        ("post", "registrations/export.csv"),
    ],
)
def test_organiser_pages_with_personal_data_are_never_stored(organiser_client, event, method, page):
    rsvp.register(event=event, name="Ada Attendee", email="ada@example.org")
    path = f"/organise/groups/uig/events/{event.slug}/{page}"

    response = getattr(organiser_client, method)(path)

    assert response.status_code == 200
    assert _no_store(response)


def test_the_attendee_page_reached_by_a_secret_link_is_never_stored(client, event):
    registration, _ = rsvp.register(event=event, name="Ada Attendee", email="ada@example.org")

    response = client.get(f"/rsvp/{token_for(registration)}/")

    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize(
    "path",
    [
        "/organise/login/",
        "/organise/password-reset/",
        "/organise/password-reset/MQ/set-password/",
        "/organise/invitations/not-a-token/",
        "/subscriptions/unsubscribe/not-a-token/",
        "/rsvp/not-a-token/",
    ],
)
def test_account_and_secret_link_pages_are_never_stored(client, db, path):
    response = client.get(path)

    assert response.status_code in {200, 302, 400, 404}  # a bad token: 400 or 404
    assert _no_store(response)


@pytest.mark.parametrize("path", ["/", "/uig/", "/uig/events/{event}/", "/uig/widget/"])
def test_public_pages_stay_cacheable(client, event, path):
    response = client.get(path.format(event=event.slug))

    assert response.status_code == 200
    assert not _no_store(response)
