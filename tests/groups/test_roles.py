"""Who is in a group and with which role: the services' rules, the owners' emails and
the audit log. The people page itself is tested in test_people_page.py."""

import re

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import race
from tests.factories import make_group, make_user
from tests.mail import outbox
from turnout.core.models import Message
from turnout.groups import services as groups
from turnout.groups.models import AuditEntry, Invitation, Membership

OWNER, ORGANISER = Membership.Role.OWNER, Membership.Role.ORGANISER
ONLY_OWNERS = "Only the group's owners can do this."
NOT_IN_GROUP = "That person is not in the group (any more). The list below is up to date."


def join(group, email: str, name: str, role=ORGANISER) -> Membership:
    return Membership.objects.create(group=group, user=make_user(email=email, name=name), role=role)


@pytest.fixture
def taras(group):
    return join(group, "taras@example.org", "Taras Co")


@pytest.fixture
def iryna(group):
    """A second owner."""
    return join(group, "iryna@example.org", "Iryna Owner", role=OWNER)


def roles(group) -> dict[str, str]:
    return dict(group.memberships.values_list("user__email", "role"))


def audit_log(group) -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(group=group)
        .order_by("id")
        .values_list("actor_name", "action", "subject")
    )


def told(to: str) -> list[str]:
    """The first line of each email about a membership change queued to ``to``."""
    return [m.body.splitlines()[0] for m in outbox() if m.to == [to] and "has changed" in m.subject]


def refused(call, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    return exc.value.messages


# --- remove ---


def test_an_owner_removes_an_organiser(group, organiser, taras):
    removed = groups.remove_member(group=group, member_id=taras.pk, by=organiser)

    assert removed.user.email == "taras@example.org"
    assert roles(group) == {"olena@example.org": OWNER}
    assert audit_log(group) == [("Olena Organiser", "removed", "Taras Co <taras@example.org>")]
    assert told("olena@example.org") == [
        "Olena Organiser <olena@example.org> removed Taras Co <taras@example.org> "
        "from Ukraine Information Group."
    ]
    assert told("taras@example.org") == []  # owners are told, not the organiser


def test_the_owners_email_links_to_the_people_page_and_is_in_the_groups_language(
    group, organiser, taras
):
    groups.update_group(group=group, language="uk")

    groups.remove_member(group=group, member_id=taras.pk, by=organiser)

    message = Message.objects.get(kind="groups/email/membership")
    assert (message.language, message.to_email) == ("uk", "olena@example.org")
    (email,) = outbox()
    assert re.search(r"http://\S+/organise/groups/uig/people/", email.body)
    assert email.from_email.startswith("Ukraine Information Group <")


def test_every_owner_is_told(group, organiser, taras, iryna):
    groups.remove_member(group=group, member_id=taras.pk, by=iryna.user)

    assert len(told("olena@example.org")) == len(told("iryna@example.org")) == 1


def test_removing_oneself_through_the_remove_form_is_refused(group, organiser, iryna, table_rows):
    mine = group.memberships.get(user=organiser)
    before = table_rows()

    messages = refused(groups.remove_member, group=group, member_id=mine.pk, by=organiser)

    assert messages == ["You cannot remove yourself: use “Leave the group” instead."]
    assert table_rows() == before


def test_an_organiser_cannot_remove_anyone(group, organiser, taras, table_rows):
    owner = group.memberships.get(user=organiser)
    before = table_rows()

    messages = refused(groups.remove_member, group=group, member_id=owner.pk, by=taras.user)

    assert messages == [ONLY_OWNERS]
    assert table_rows() == before


@pytest.mark.parametrize("member_id", ["another-group", "unknown", "", None, "1e3", "-1", "9" * 30])
def test_removing_someone_of_another_group_or_an_unknown_id_is_refused(
    group, organiser, outsider, table_rows, member_id
):
    if member_id == "another-group":
        member_id = outsider.memberships.get().pk
    elif member_id == "unknown":
        member_id = Membership.objects.order_by("-pk").first().pk + 1
    before = table_rows()

    messages = refused(groups.remove_member, group=group, member_id=member_id, by=organiser)

    assert messages == [NOT_IN_GROUP]
    assert table_rows() == before


def test_removing_twice_is_refused_the_second_time(group, organiser, taras, table_rows):
    groups.remove_member(group=group, member_id=taras.pk, by=organiser)
    before = table_rows()

    messages = refused(groups.remove_member, group=group, member_id=taras.pk, by=organiser)

    assert messages == [NOT_IN_GROUP]
    assert table_rows() == before


def test_an_owner_removes_another_owner(group, organiser, iryna):
    groups.remove_member(group=group, member_id=iryna.pk, by=organiser)

    assert roles(group) == {"olena@example.org": OWNER}
    assert len(told("iryna@example.org")) == 1  # no longer an owner, but told why


# --- leave ---


def test_an_organiser_leaves(group, organiser, taras):
    groups.leave_group(group=group, user=taras.user)

    assert roles(group) == {"olena@example.org": OWNER}
    assert audit_log(group) == [("Taras Co", "left", "Taras Co <taras@example.org>")]
    assert told("olena@example.org") == [
        "Taras Co <taras@example.org> left Ukraine Information Group."
    ]


def test_the_last_owner_cannot_leave(group, organiser, taras, table_rows):
    before = table_rows()

    messages = refused(groups.leave_group, group=group, user=organiser)

    assert messages == [
        "You are the group's only owner, so you cannot leave it yet: make someone else "
        "owner first (or transfer ownership), then leave."
    ]
    assert table_rows() == before


def test_an_owner_leaves_when_another_stays(group, organiser, iryna):
    groups.leave_group(group=group, user=organiser)

    assert roles(group) == {"iryna@example.org": OWNER}
    assert len(told("olena@example.org")) == len(told("iryna@example.org")) == 1


def test_leaving_a_group_one_is_not_in_is_refused(group, outsider, table_rows):
    before = table_rows()

    assert refused(groups.leave_group, group=group, user=outsider) == ["You are not in this group."]
    assert table_rows() == before


# --- roles ---


def test_an_owner_makes_an_organiser_owner(group, organiser, taras):
    groups.set_role(group=group, member_id=taras.pk, role=OWNER, by=organiser)

    assert roles(group) == {"olena@example.org": OWNER, "taras@example.org": OWNER}
    assert audit_log(group) == [
        ("Olena Organiser", "ownership", "Taras Co <taras@example.org> → owner")
    ]
    assert told("olena@example.org") == [
        "Olena Organiser <olena@example.org> made Taras Co <taras@example.org> an owner "
        "of Ukraine Information Group."
    ]
    assert len(told("taras@example.org")) == 1  # an owner now


def test_the_same_role_twice_changes_nothing_more(group, organiser, taras, table_rows):
    groups.set_role(group=group, member_id=taras.pk, role=OWNER, by=organiser)
    before = table_rows()

    groups.set_role(group=group, member_id=taras.pk, role=OWNER, by=organiser)

    assert table_rows() == before


def test_the_last_owner_cannot_step_down(group, organiser, taras, table_rows):
    mine = group.memberships.get(user=organiser)
    before = table_rows()

    messages = refused(
        groups.set_role, group=group, member_id=mine.pk, role=ORGANISER, by=organiser
    )

    assert messages == [
        "Olena Organiser is the group's only owner: make someone else owner first, "
        "or transfer ownership."
    ]
    assert table_rows() == before


def test_an_owner_makes_another_owner_organiser(group, organiser, iryna):
    groups.set_role(group=group, member_id=iryna.pk, role=ORGANISER, by=organiser)

    assert roles(group) == {"olena@example.org": OWNER, "iryna@example.org": ORGANISER}
    assert told("iryna@example.org") == [
        "Olena Organiser <olena@example.org> made Iryna Owner <iryna@example.org> an "
        "organiser of Ukraine Information Group, no longer an owner."
    ]


def test_an_owner_steps_down_when_another_stays(group, organiser, iryna):
    mine = group.memberships.get(user=organiser)

    groups.set_role(group=group, member_id=mine.pk, role=ORGANISER, by=organiser)

    assert roles(group) == {"olena@example.org": ORGANISER, "iryna@example.org": OWNER}
    assert told("olena@example.org") == [
        "Olena Organiser <olena@example.org> stepped down from owner to organiser of "
        "Ukraine Information Group."
    ]


@pytest.mark.parametrize("role", ["admin", "", "OWNER", None])
def test_an_unknown_role_is_refused(group, organiser, taras, table_rows, role):
    before = table_rows()

    messages = refused(groups.set_role, group=group, member_id=taras.pk, role=role, by=organiser)

    assert messages == ["Choose owner or organiser."]
    assert table_rows() == before


def test_an_organiser_cannot_make_themselves_owner(group, organiser, taras, table_rows):
    before = table_rows()

    messages = refused(groups.set_role, group=group, member_id=taras.pk, role=OWNER, by=taras.user)

    assert messages == [ONLY_OWNERS]
    assert table_rows() == before


# --- transfer ---


def test_transfer_ownership_swaps_the_roles_in_one_step(group, organiser, taras):
    groups.transfer_ownership(group=group, member_id=taras.pk, by=organiser)

    assert roles(group) == {"olena@example.org": ORGANISER, "taras@example.org": OWNER}
    assert audit_log(group) == [
        ("Olena Organiser", "ownership", "Taras Co <taras@example.org> → owner")
    ]
    line = (
        "Olena Organiser <olena@example.org> handed the ownership of Ukraine Information "
        "Group to Taras Co <taras@example.org> and is now an organiser."
    )
    assert told("olena@example.org") == told("taras@example.org") == [line]


def test_transfer_ownership_to_a_non_member_or_another_groups_member_is_refused(
    group, organiser, outsider, table_rows
):
    stranger = make_user(email="stranger@example.org")
    elsewhere = make_group(owner=stranger).memberships.get()
    before = table_rows()

    for member_id in (outsider.memberships.get().pk, elsewhere.pk, stranger.pk + 1000):
        messages = refused(
            groups.transfer_ownership, group=group, member_id=member_id, by=organiser
        )
        assert messages == [NOT_IN_GROUP]
    assert table_rows() == before


def test_transfer_ownership_to_oneself_is_refused(group, organiser, table_rows):
    mine = group.memberships.get(user=organiser)
    before = table_rows()

    messages = refused(groups.transfer_ownership, group=group, member_id=mine.pk, by=organiser)

    assert messages == ["You already own the group: choose someone else."]
    assert table_rows() == before


def test_transfer_ownership_twice_is_refused_the_second_time(group, organiser, taras, table_rows):
    groups.transfer_ownership(group=group, member_id=taras.pk, by=organiser)
    before = table_rows()

    messages = refused(groups.transfer_ownership, group=group, member_id=taras.pk, by=organiser)

    assert messages == [ONLY_OWNERS]
    assert table_rows() == before


# --- invitations ---


def test_inviting_is_recorded_and_told_to_the_owners(group, organiser):
    groups.invite_organiser(group=group, email="Taras@example.org", invited_by=organiser)

    assert audit_log(group) == [("Olena Organiser", "invited", "taras@example.org")]
    assert told("olena@example.org") == [
        "Olena Organiser <olena@example.org> invited taras@example.org to organise "
        "Ukraine Information Group."
    ]


def test_joining_by_invitation_is_recorded_and_told_to_the_owners(group, organiser):
    groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    (token,) = re.findall(r"/organise/invitations/([^/\s]+)/", outbox()[-1].body)
    taras = make_user(email="taras@example.org", name="Taras Co")

    groups.accept_invitation(token=token, user=taras)

    assert audit_log(group)[-1] == ("Taras Co", "joined", "Taras Co <taras@example.org>")
    assert told("olena@example.org")[-1] == (
        "Taras Co <taras@example.org> accepted an invitation and now organises "
        "Ukraine Information Group."
    )


def test_an_owner_withdraws_an_invitation(group, organiser):
    invitation = groups.invite_organiser(
        group=group, email="taras@example.org", invited_by=organiser
    )

    groups.withdraw_invitation(group=group, invitation_id=invitation.pk, by=organiser)

    assert not Invitation.objects.exists()
    assert audit_log(group)[-1] == ("Olena Organiser", "removed", "taras@example.org")
    assert told("olena@example.org")[-1] == (
        "Olena Organiser <olena@example.org> withdrew the invitation to taras@example.org "
        "to organise Ukraine Information Group."
    )
    assert [m.to for m in outbox()].count(["taras@example.org"]) == 0  # never delivered


def test_withdrawing_twice_or_another_groups_invitation_is_refused(
    group, organiser, outsider, table_rows
):
    mine = groups.invite_organiser(group=group, email="taras@example.org", invited_by=organiser)
    theirs = groups.invite_organiser(
        group=outsider.memberships.get().group, email="x@example.org", invited_by=outsider
    )
    groups.withdraw_invitation(group=group, invitation_id=mine.pk, by=organiser)
    before = table_rows()

    for invitation_id in (mine.pk, theirs.pk, "x", None):
        messages = refused(
            groups.withdraw_invitation, group=group, invitation_id=invitation_id, by=organiser
        )
        assert messages == ["That invitation is no longer open."]
    assert table_rows() == before


def test_an_organiser_cannot_withdraw_an_invitation(group, organiser, taras, table_rows):
    invitation = groups.invite_organiser(
        group=group, email="mykola@example.org", invited_by=organiser
    )
    before = table_rows()

    messages = refused(
        groups.withdraw_invitation, group=group, invitation_id=invitation.pk, by=taras.user
    )

    assert messages == [ONLY_OWNERS]
    assert table_rows() == before


# --- settings ---


def test_settings_changes_are_recorded_by_name_never_by_value(group, organiser):
    groups.update_group(
        group=group,
        by=organiser,
        name=group.name,
        contact_email="private.person@example.org",
        anonymise_after_days=30,
    )

    assert audit_log(group) == [
        ("Olena Organiser", "settings", "contact email, anonymise attendees after (days)")
    ]


def test_saving_unchanged_settings_records_nothing(group, organiser):
    groups.update_group(group=group, by=organiser, name=group.name, slug=group.slug)

    assert audit_log(group) == []


# --- two owners at once ---


@pytest.mark.parametrize("round_", range(3))
def test_two_owners_leaving_at_once_leave_one_owner(transactional_db, round_):
    first, second = make_user(name="First"), make_user(name="Second")
    group = make_group(owner=first)
    Membership.objects.create(group=group, user=second, role=OWNER)

    def leave(i: int) -> str:
        try:
            groups.leave_group(group=group, user=(first, second)[i])
        except ValidationError as exc:
            return exc.code
        return "left"

    assert sorted(race(2, leave)) == ["last_owner", "left"]
    assert group.memberships.filter(role=OWNER).count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_two_owners_removing_each_other_at_once_leave_one_owner(transactional_db, round_):
    first, second = make_user(name="First"), make_user(name="Second")
    group = make_group(owner=first)
    theirs = Membership.objects.create(group=group, user=second, role=OWNER)
    mine = group.memberships.get(user=first)

    def remove(i: int) -> str:
        member, by = ((theirs, first), (mine, second))[i]
        try:
            groups.remove_member(group=group, member_id=member.pk, by=by)
        except ValidationError as exc:
            return exc.code
        return "removed"

    assert sorted(race(2, remove)) == ["not_owner", "removed"]
    assert group.memberships.filter(role=OWNER).count() == 1


def test_a_hostile_name_is_harmless_in_the_owners_email(group, organiser):
    mallory = join(
        group, "mallory@example.org", '<script>alert("x")</script>\r\nBcc: x@evil.example'
    )

    groups.leave_group(group=group, user=mallory.user)

    (email,) = outbox()
    [(html, _mimetype)] = email.alternatives
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "\n" not in email.subject and "Bcc" not in str(email.extra_headers)
