"""NodeInfo 2.1 (nodeinfo.diaspora.software): how Mobilizon finds an instance's relay
and how fediverse directories count a server. Counts of groups and published meetings
only: nothing about people."""

import json
from importlib.metadata import version

import pytest
from django.conf import settings

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
        "usage": {"users": {}, "localPosts": 1, "groups": 2},
        "metadata": {},
    }
    assert "@" not in response.content.decode()
