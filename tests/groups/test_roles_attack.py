"""Issue 15, finding 2: the owner role must mean something.

Tried against the demo: a co-organiser (role organiser) changed the group's slug, its
contact email (the Reply-To of mail to attendees) and its anonymisation period (to
3650 days), and invited more people. Each must be refused as the group's other owner-only
pages are (404: an organiser learns nothing more) and change nothing.
"""

import pytest
from django.test import Client

from tests.factories import make_user
from tests.mail import outbox
from turnout.groups.models import Membership


@pytest.fixture
def co_organiser_client(group):
    co = make_user(email="taras@example.org", name="Taras Co")
    Membership.objects.create(group=group, user=co, role=Membership.Role.ORGANISER)
    client = Client()
    client.force_login(co)
    return client


def settings_data(group, **changes) -> dict:
    return {
        "name": group.name,
        "slug": group.slug,
        "about": group.about,
        "contact_email": group.contact_email,
        "website": group.website,
        "time_zone": group.time_zone,
        "language": group.language,
        "anonymise_after_days": str(group.anonymise_after_days),
        **changes,
    }


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"slug": "uig-hijacked"}, id="slug"),
        pytest.param({"contact_email": "attacker@example.org"}, id="contact-email"),
        pytest.param({"anonymise_after_days": "3650"}, id="anonymise-3650-days"),
    ],
)
def test_a_co_organiser_cannot_change_the_groups_settings(
    co_organiser_client, group, table_rows, changes
):
    before = table_rows()

    page = co_organiser_client.get("/organise/groups/uig/edit/")
    response = co_organiser_client.post(
        "/organise/groups/uig/edit/", settings_data(group, **changes)
    )

    assert (page.status_code, response.status_code) == (404, 404)
    assert table_rows() == before


def test_a_co_organiser_cannot_invite_more_people(co_organiser_client, group, table_rows):
    before = table_rows()

    page = co_organiser_client.get("/organise/groups/uig/invite/")
    response = co_organiser_client.post(
        "/organise/groups/uig/invite/", {"email": "accomplice@example.org"}
    )

    assert (page.status_code, response.status_code) == (404, 404)
    assert outbox() == []
    assert table_rows() == before
