"""The group's people page (/organise/groups/<group>/people/) and its buttons, and what
an organiser sees of the owners' pages."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_user
from tests.mail import outbox
from turnout.groups import services as groups
from turnout.groups.models import Invitation, Membership

OWNER, ORGANISER = Membership.Role.OWNER, Membership.Role.ORGANISER
PEOPLE = "/organise/groups/uig/people/"


@pytest.fixture
def taras(group):
    user = make_user(email="taras@example.org", name="Taras Co")
    return Membership.objects.create(group=group, user=user, role=ORGANISER)


@pytest.fixture
def taras_client(taras):
    client = Client()
    client.force_login(taras.user)
    return client


def roles(group) -> dict[str, str]:
    return dict(group.memberships.values_list("user__email", "role"))


def shown(client, path: str = PEOPLE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_everyone_with_their_role_and_the_open_invitations(
    organiser_client, group, organiser, taras
):
    groups.invite_organiser(group=group, email="mykola@example.org", invited_by=organiser)

    html = shown(organiser_client)

    assert "<h1>People</h1>" in html
    assert html.index("Olena Organiser") < html.index("Taras Co")  # owners first
    assert "olena@example.org" in html and "taras@example.org" in html
    assert '<span class="badge">owner</span>' in html
    assert '<span class="badge">organiser</span>' in html
    assert '<td class="address"><bdi>mykola@example.org</bdi></td>' in html
    assert "Withdraw the invitation to mykola@example.org" in html
    assert "Invite a co-organiser" in html
    assert "You are the only owner: to leave, first make someone else owner" in html
    assert "Leave the group…" not in html  # the only owner has no leave button


def test_an_organiser_sees_the_page_without_the_owners_buttons(taras_client, group, organiser):
    groups.invite_organiser(group=group, email="mykola@example.org", invited_by=organiser)

    html = shown(taras_client)

    assert "Olena Organiser" in html and "mykola@example.org" in html
    assert "Only the group’s owners can invite people, change roles or remove someone." in html
    for owners_only in ("Invite a co-organiser", "Make owner", "Remove…", "Hand over", "Withdraw"):
        assert owners_only not in html
    assert "Leave the group…" in html


def test_an_organiser_sees_no_owners_buttons_on_the_group_settings(taras_client, organiser_client):
    mine, owners = (
        shown(taras_client, "/organise/groups/uig/settings/"),
        shown(organiser_client, "/organise/groups/uig/settings/"),
    )

    for link in ('href="/organise/groups/uig/edit/"', 'href="/organise/groups/uig/invite/"'):
        assert link in owners
        assert link not in mine
    assert 'href="/organise/groups/uig/people/"' in mine


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("remove/", "member"),
        ("role/", "member"),
        ("transfer/", "member"),
        ("withdraw/", "invitation"),
    ],
)
def test_an_organiser_posting_an_owners_button_gets_a_404(
    taras_client, group, organiser, table_rows, path, data
):
    invitation = groups.invite_organiser(group=group, email="m@example.org", invited_by=organiser)
    owner = group.memberships.get(user=organiser)
    before = table_rows()

    response = taras_client.post(
        PEOPLE + path, {data: owner.pk if data == "member" else invitation.pk, "role": ORGANISER}
    )

    assert response.status_code == 404
    assert table_rows() == before


def test_remove_button(organiser_client, group, taras):
    response = organiser_client.post(PEOPLE + "remove/", {"member": taras.pk})

    assert response.status_code == 302
    assert response["Location"] == PEOPLE
    assert roles(group) == {"olena@example.org": OWNER}
    assert "Taras Co is no longer in the group." in shown(organiser_client)


def test_remove_button_pressed_twice_says_so_and_changes_nothing(
    organiser_client, group, taras, table_rows
):
    organiser_client.post(PEOPLE + "remove/", {"member": taras.pk})
    shown(organiser_client)  # the first message is read
    before = table_rows()

    response = organiser_client.post(PEOPLE + "remove/", {"member": taras.pk}, follow=True)

    assert response.status_code == 200
    assert "That person is not in the group (any more)." in response.content.decode()
    assert table_rows() == before


@pytest.mark.parametrize("member", ["", "x", "-1", "99999999999999999999", "<script>"])
def test_remove_button_with_a_bad_id_says_so(organiser_client, group, taras, table_rows, member):
    before = table_rows()

    response = organiser_client.post(PEOPLE + "remove/", {"member": member}, follow=True)

    assert response.status_code == 200
    assert "That person is not in the group (any more)." in response.content.decode()
    assert table_rows() == before


def test_removing_oneself_with_the_remove_form_is_refused(organiser_client, group, table_rows):
    mine = group.memberships.get(user__email="olena@example.org")
    before = table_rows()

    response = organiser_client.post(PEOPLE + "remove/", {"member": mine.pk}, follow=True)

    assert "You cannot remove yourself: use “Leave the group” instead." in (
        response.content.decode()
    )
    assert table_rows() == before


def test_make_owner_and_step_down_buttons(organiser_client, group, taras):
    organiser_client.post(PEOPLE + "role/", {"member": taras.pk, "role": OWNER})
    assert "Taras Co is now an owner." in shown(organiser_client)
    mine = group.memberships.get(user__email="olena@example.org")

    organiser_client.post(PEOPLE + "role/", {"member": mine.pk, "role": ORGANISER})

    assert roles(group) == {"olena@example.org": ORGANISER, "taras@example.org": OWNER}
    assert organiser_client.get("/organise/groups/uig/edit/").status_code == 404


def test_the_last_owner_stepping_down_is_refused(organiser_client, group, taras, table_rows):
    mine = group.memberships.get(user__email="olena@example.org")
    before = table_rows()

    response = organiser_client.post(
        PEOPLE + "role/", {"member": mine.pk, "role": ORGANISER}, follow=True
    )

    assert "is the group&#x27;s only owner: make someone else owner first" in (
        response.content.decode()
    )
    assert table_rows() == before


def test_transfer_button(organiser_client, group, taras):
    response = organiser_client.post(PEOPLE + "transfer/", {"member": taras.pk}, follow=True)

    assert roles(group) == {"olena@example.org": ORGANISER, "taras@example.org": OWNER}
    assert "Taras Co now owns the group, and you are an organiser." in response.content.decode()


def test_transfer_to_someone_of_another_group_is_refused(
    organiser_client, group, outsider, table_rows
):
    before = table_rows()

    response = organiser_client.post(
        PEOPLE + "transfer/", {"member": outsider.memberships.get().pk}, follow=True
    )

    assert "That person is not in the group (any more)." in response.content.decode()
    assert table_rows() == before


def test_withdraw_button(organiser_client, group, organiser):
    invitation = groups.invite_organiser(
        group=group, email="mykola@example.org", invited_by=organiser
    )

    response = organiser_client.post(
        PEOPLE + "withdraw/", {"invitation": invitation.pk}, follow=True
    )

    assert not Invitation.objects.exists()
    html = response.content.decode()
    assert "The invitation to mykola@example.org is withdrawn: its link no longer works." in html
    assert "No open invitations." in html


def test_leave_button(taras_client, group):
    response = taras_client.post(PEOPLE + "leave/", follow=True)

    assert response.redirect_chain == [("/organise/", 302)]
    assert "You have left Ukraine Information Group." in response.content.decode()
    assert roles(group) == {"olena@example.org": OWNER}
    assert taras_client.get(PEOPLE).status_code == 404


def test_the_last_owner_leaving_is_refused_with_a_clear_message(
    organiser_client, group, table_rows
):
    before = table_rows()

    response = organiser_client.post(PEOPLE + "leave/", follow=True)

    assert response.redirect_chain == [(PEOPLE, 302)]
    assert "You are the group&#x27;s only owner, so you cannot leave it yet" in (
        response.content.decode()
    )
    assert table_rows() == before


def test_a_removed_organisers_open_session_loses_the_group_at_once(
    organiser_client, group, event, taras, taras_client
):
    pages = [
        ("GET", "/organise/groups/uig/"),
        ("GET", f"/organise/groups/uig/events/{event.slug}/registrations/"),
        ("POST", f"/organise/groups/uig/events/{event.slug}/registrations/export.csv"),
        ("GET", PEOPLE),
    ]
    for method, path in pages:
        assert getattr(taras_client, method.lower())(path).status_code == 200, path

    organiser_client.post(PEOPLE + "remove/", {"member": taras.pk})

    for method, path in pages:
        assert getattr(taras_client, method.lower())(path).status_code == 404, path
    assert "Ukraine Information Group" not in taras_client.get("/organise/").content.decode()


def test_accepting_an_expired_invitation_shows_why_and_changes_nothing(
    organiser_client, group, organiser, table_rows
):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    (path,) = re.findall(r"http://\S+(/organise/invitations/\S+/)", outbox()[-1].body)
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=15))
    taras = Client()
    taras.force_login(make_user(email="taras@example.org"))
    before = table_rows()

    response = taras.post(path)

    assert response.status_code == 400
    assert "older than 14 days. Ask the organiser to invite you again." in (
        response.content.decode()
    )
    assert table_rows() == before
