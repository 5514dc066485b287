"""NodeInfo 2.1 (nodeinfo.diaspora.software): how Mobilizon finds an instance's relay
and how fediverse directories count a server. Counts of groups and published meetings
only: nothing about people."""

import json
from importlib.metadata import version

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import make_event, make_group

pytestmark = pytest.mark.django_db
SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"


def test_well_known_nodeinfo_links_to_2_1_and_the_instance_actor(client):
    response = client.get("/.well-known/nodeinfo")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "links": [
            {"rel": SCHEMA, "href": f"{settings.BASE_URL}/nodeinfo/2.1"},
            # Where Mobilizon looks for an instance's relay actor (issue 21).
            {
                "rel": "https://www.w3.org/ns/activitystreams#Application",
                "href": f"{settings.BASE_URL}/federation/actor/",
            },
        ]
    }


def test_nodeinfo_counts_groups_and_published_meetings_only(client):
    group = make_group()
    make_group()
    make_event(group=group)
    make_event(group=group, published=False)
    make_event(group=group, unlisted=True)

    response = client.get("/nodeinfo/2.1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    info = json.loads(response.content)
    assert info == {
        "version": "2.1",
        "software": {"name": "turnout", "version": version("turnout")},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": True,
        "usage": {"users": {}, "localPosts": 1},
        "metadata": {"groups": 2},
    }
    assert "@" not in response.content.decode()


def test_nodeinfo_keeps_to_the_2_1_schema(client):
    """jhass/nodeinfo schemas/2.1/schema.json: ``usage`` and ``usage.users`` take no
    other keys (additionalProperties false), so the groups' count is in ``metadata``,
    the free-form part; ``users`` is required but none of its counts is."""
    make_group()

    info = json.loads(client.get("/nodeinfo/2.1").content)

    assert set(info) == {
        "version", "software", "protocols", "services", "openRegistrations", "usage",
        "metadata",
    }  # fmt: skip
    assert set(info["usage"]) <= {"users", "localPosts", "localComments"}
    assert set(info["usage"]["users"]) <= {"total", "activeHalfyear", "activeMonth"}
    assert set(info["software"]) <= {"name", "version", "repository", "homepage"}
    assert set(info["services"]) == {"inbound", "outbound"}


def test_the_counts_are_kept_a_while_not_counted_each_request(
    client, settings, django_assert_num_queries
):
    settings.TURNOUT_NODEINFO_CACHE_SECONDS = 600
    cache.clear()
    make_event(group=make_group())
    assert json.loads(client.get("/nodeinfo/2.1").content)["metadata"] == {"groups": 1}
    make_group()

    with django_assert_num_queries(0):
        info = json.loads(client.get("/nodeinfo/2.1").content)

    assert (info["usage"]["localPosts"], info["metadata"]) == (1, {"groups": 1})
    cache.clear()
