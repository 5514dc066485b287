"""WebFinger (RFC 7033) for groups, the only actors, and for the instance actor.

Mastodon resolves ``@slug@host`` through ``/.well-known/webfinger`` and reads the
``rel=self`` link of type ``application/activity+json`` (mastodon/mastodon
app/lib/webfinger.rb); Mobilizon does the same (framasoft/mobilizon
lib/federation/web_finger/web_finger.ex). Hostile or malformed resources get a short
4xx, never a 5xx.
"""

import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.factories import make_event, make_group, make_user
from turnout.core.links import site_host
from turnout.groups import services as groups

pytestmark = pytest.mark.django_db
URL = "/.well-known/webfinger"
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"


def domain() -> str:
    """What accounts here are named with: the host and, as in the tests, a port."""
    return urlsplit(settings.BASE_URL).netloc


def actor_id(group) -> str:
    return f"{settings.BASE_URL}/federation/groups/{group.federation_id}/"


def finger(client, resource: str):
    return client.get(URL, {"resource": resource})


def test_webfinger_for_a_group_answers_its_actor(client):
    group = make_group(slug="riverside-tenants")

    response = finger(client, f"acct:riverside-tenants@{site_host()}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jrd+json"
    jrd = json.loads(response.content)
    assert jrd["subject"] == f"acct:riverside-tenants@{domain()}"
    assert jrd["aliases"] == [actor_id(group), f"{settings.BASE_URL}/riverside-tenants/"]
    assert jrd["links"] == [
        {"rel": "self", "type": "application/activity+json", "href": actor_id(group)},
        {
            "rel": PROFILE_PAGE,
            "type": "text/html",
            "href": f"{settings.BASE_URL}/riverside-tenants/",
        },
    ]


def test_webfinger_without_the_acct_scheme_answers_too(client):
    make_group(slug="riverside-tenants")

    response = finger(client, f"riverside-tenants@{site_host()}")

    assert response.status_code == 200
    assert json.loads(response.content)["subject"] == f"acct:riverside-tenants@{domain()}"


def test_webfinger_for_an_old_slug_answers_the_current_identity(client):
    group = make_group(slug="old-name")
    groups.update_group(group=group, slug="new-name")

    response = finger(client, f"acct:old-name@{site_host()}")

    assert response.status_code == 200
    jrd = json.loads(response.content)
    assert jrd["subject"] == f"acct:new-name@{domain()}"
    assert jrd["links"][0]["href"] == actor_id(group)


def test_webfinger_for_the_actor_id_answers_the_group(client):
    group = make_group(slug="riverside-tenants")

    response = finger(client, actor_id(group))

    assert response.status_code == 200
    assert json.loads(response.content)["subject"] == f"acct:riverside-tenants@{domain()}"


def test_webfinger_for_the_instance_actor(client):
    response = finger(client, f"acct:{site_host()}@{site_host()}")

    assert response.status_code == 200
    jrd = json.loads(response.content)
    assert jrd["links"][0] == {
        "rel": "self",
        "type": "application/activity+json",
        "href": f"{settings.BASE_URL}/federation/actor/",
    }


def test_webfinger_for_an_unknown_group_is_404(client):
    response = finger(client, f"acct:nobody@{site_host()}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_webfinger_for_another_host_is_404(client):
    make_group(slug="riverside-tenants")

    assert finger(client, "acct:riverside-tenants@elsewhere.example").status_code == 404


def test_webfinger_for_an_organiser_or_a_meeting_is_404(client):
    user = make_user(email="olena@example.org")
    group = make_group(owner=user, slug="riverside-tenants")
    draft = make_event(group=group, published=False, slug="secret-plan")

    assert finger(client, f"acct:olena@{site_host()}").status_code == 404
    assert finger(client, f"acct:{draft.slug}@{site_host()}").status_code == 404
    assert finger(client, "acct:olena@example.org").status_code == 404


def test_webfinger_without_a_resource_is_400(client):
    assert client.get(URL).status_code == 400


@pytest.mark.parametrize(
    "resource",
    [
        "acct:../../etc/passwd@127.0.0.1",
        "acct:a@b@127.0.0.1",
        "acct:" + "a" * 5000 + "@127.0.0.1",
        "acct:@127.0.0.1",
        "acct:riverside-tenants@",
        "acct:",
        "http://127.0.0.1:8000/federation/groups/not-a-uuid/",
        "http://127.0.0.1:8000/../federation/actor/",
        "\x00",
        "acct:RIVERSIDE%00@127.0.0.1",
    ],
)
def test_webfinger_refuses_hostile_resources(client, resource):
    make_group(slug="riverside-tenants")

    response = finger(client, resource)

    assert response.status_code in (400, 404)
    assert len(response.content) < 200


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(resource=st.text(max_size=300))
def test_webfinger_never_fails_on_any_text(client, resource):
    response = client.get(URL, {"resource": resource})

    assert response.status_code in (200, 400, 404)


def test_a_site_on_another_port_is_named_with_it_as_mastodon_checks(client, settings):
    """Mastodon asks again for the subject's account when it is not the one it asked
    for (mastodon/mastodon app/services/resolve_account_service.rb
    ``process_webfinger!``): a site served on a port must keep it in the subject, or
    ``@slug@host:port`` would be asked for at the port-less host, where nothing answers."""
    settings.BASE_URL = "http://127.0.0.3:8123"
    make_group(slug="riverside-tenants")

    group = json.loads(finger(client, "acct:riverside-tenants@127.0.0.3:8123").content)
    instance = json.loads(finger(client, "acct:127.0.0.3@127.0.0.3:8123").content)

    assert group["subject"] == "acct:riverside-tenants@127.0.0.3:8123"
    assert instance["subject"] == "acct:127.0.0.3@127.0.0.3:8123"
