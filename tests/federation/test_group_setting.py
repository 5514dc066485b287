"""The owners' settings form has the "approve each new follower" box
(``Group.manually_approves_followers``, the actor's ``manuallyApprovesFollowers``)."""

import pytest

from tests.factories import make_group, make_user
from turnout.groups.models import Group

pytestmark = pytest.mark.django_db


def group_data(**changes) -> dict:
    return {
        "name": "Tenants Union",
        "slug": "tenants",
        "about": "",
        "contact_email": "tenants@example.org",
        "website": "",
        "time_zone": "Europe/London",
        "language": "en",
        **changes,
    }


def test_an_owner_ticks_approve_each_new_follower(client):
    owner = make_user()
    make_group(owner=owner, slug="tenants")
    client.force_login(owner)

    page = client.get("/organise/groups/tenants/edit/")
    response = client.post(
        "/organise/groups/tenants/edit/", group_data(manually_approves_followers="on")
    )

    assert b'name="manually_approves_followers"' in page.content
    assert response.status_code == 302
    assert Group.objects.get(slug="tenants").manually_approves_followers is True


def test_a_new_group_does_not_approve_followers_by_hand():
    assert make_group().manually_approves_followers is False
