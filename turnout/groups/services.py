"""Every write to organiser accounts, groups, invitations and venues."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from turnout.core import search
from turnout.core.slugs import RESERVED_GROUP_SLUGS, slug_from
from turnout.core.tokens import new_secret, token_hash
from turnout.groups import addresses, audit, emails, sending
from turnout.groups.accounts import (  # noqa: F401 -- called as groups.sign_up etc.
    request_password_reset,
    send_verification_email,
    set_account_language,
    sign_up,
    verify_email,
)
from turnout.groups.emails import INVITATION_VALID_FOR
from turnout.groups.models import Group, Invitation, Membership, User, Venue
from turnout.groups.tokens import invitation_token


class InvitationInvalid(Exception):
    """The invitation link is unknown, used or expired."""


class InvitationForAnotherAddress(Exception):
    """The invitation was sent to another address than the account's: a forwarded or
    stolen link is worth nothing. ``masked`` shows which address, without giving it away."""

    def __init__(self, masked: str):
        super().__init__(masked)
        self.masked = masked


def masked_email(email: str) -> str:
    """ "co@example.org" as "c•@example.org": enough to recognise one's own address."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•@{domain}"


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


def unique_group_slug(name: str) -> str:
    """An address from the name that no group has or ever had, and not a reserved word."""
    base = slug_from(name, fallback="group")
    slug, n = base, 2
    while addresses.ever_used(slug) or slug in RESERVED_GROUP_SLUGS:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _saved_keeping_addresses(group: Group) -> Group:
    """Validate and save the group; its address before and after are kept as its own for
    good (turnout.groups.addresses). In the caller's transaction."""
    before = None
    if group.pk is not None:
        stored = Group.objects.select_for_update().filter(pk=group.pk)
        before = stored.values_list("slug", flat=True).first()
    addresses.check(slug=group.slug, group=group)
    group.search_name = search.text(group.name)
    try:
        with transaction.atomic():
            _saved(group)
    except IntegrityError:  # another group took the address a moment ago
        raise ValidationError({"slug": addresses.taken_message(group.slug)}) from None
    addresses.keep(group=group, slugs=[before, group.slug])
    return group


@transaction.atomic
def create_group(*, owner: User, **fields) -> Group:
    """A new group owned by ``owner``; a ValidationError past the account's groups a day
    (TURNOUT_NEW_GROUPS_PER_DAY: each group may mail on its own quota)."""
    sending.check_new_group_allowed(owner=owner)
    if not fields.get("slug"):
        fields["slug"] = unique_group_slug(fields.get("name", ""))
    group = _saved_keeping_addresses(Group(**fields))
    Membership.objects.create(group=group, user=owner, role=Membership.Role.OWNER)
    return group


@transaction.atomic
def update_group(*, group: Group, by: User | None = None, **fields) -> Group:
    """Save the owners' changes to the group's settings; the audit log names which
    settings changed (never their values: a contact address is personal), when an
    organiser (``by``) made them. A new address
    keeps the old one the group's for good: it redirects to the new one, and only this
    group may take it back. A new name, where the instance admin approves groups, waits
    for approval again: it is what the group's mail to strangers carries in From and
    Subject."""
    changed = [name for name, value in fields.items() if getattr(group, name) != value]
    if "name" in changed and settings.TURNOUT_REQUIRE_GROUP_APPROVAL:
        group.email_approved_at = None
    for name, value in fields.items():
        setattr(group, name, value)
    group = _saved_keeping_addresses(group)
    if changed and by is not None:
        with translation.override(group.language):
            labels = [str(Group._meta.get_field(name).verbose_name) for name in changed]
        audit.record(group=group, actor=by, action=audit.Action.SETTINGS, subject=", ".join(labels))
    return group


@transaction.atomic
def save_group(*, group: Group) -> Group:
    """Save a group the admin's form changed or made (no owner), keeping its addresses."""
    return _saved_keeping_addresses(group)


def invite_organiser(*, group: Group, email: str, invited_by: User, client: str = "") -> Invitation:
    """Email an invitation link; raises ValidationError if they already organise it, or
    past the inviter's hourly limit or the group's daily quota (turnout.groups.sending)."""
    email = email.strip().lower()
    if Membership.objects.filter(group=group, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s already organises this group.") % {"email": email}}
        )
    sending.check_invitation_allowed(group=group, by=invited_by, to=email, client=client)
    with transaction.atomic():
        Invitation.objects.filter(
            group=group, email__iexact=email, accepted_at__isnull=True
        ).delete()
        invitation = Invitation(group=group, email=email, invited_by=invited_by)
        invitation.token_secret = new_secret()
        invitation.token_hash = token_hash(invitation_token(invitation))
        invitation.save()
        _tell_owners(group=group, by=invited_by, change=emails.INVITED, member=email)
        emails.queue_invitation(invitation=invitation)
    return invitation


def find_invitation(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("group", "invited_by")
        .filter(token_hash=token_hash(token), accepted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.created_at < timezone.now() - INVITATION_VALID_FOR:
        raise InvitationInvalid
    return invitation


def check_invitee(*, invitation: Invitation, user: User) -> None:
    """Only the account whose verified email is the invited one (in any case) may accept."""
    if user.email.strip().lower() != invitation.email.strip().lower():
        raise InvitationForAnotherAddress(masked_email(invitation.email))
    if not user.email_verified:
        raise ValidationError(
            _(
                "Confirm your email address first: follow the link we emailed you when you "
                "signed up, then come back to this page."
            )
        )


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    """InvitationInvalid, InvitationForAnotherAddress or ValidationError change nothing."""
    invitation = find_invitation(token=token)
    check_invitee(invitation=invitation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership, created = Membership.objects.get_or_create(
        group=invitation.group, user=user, defaults={"role": Membership.Role.ORGANISER}
    )
    if created:
        _tell_owners(group=invitation.group, by=user, change=emails.JOINED, member=user)
    return membership


@transaction.atomic
def approve_for_email(*, group: Group) -> Group:
    """The instance admin lets the group send announcements (a first approval is kept)."""
    Group.objects.filter(pk=group.pk, email_approved_at__isnull=True).update(
        email_approved_at=timezone.now()
    )
    group.refresh_from_db(fields=["email_approved_at"])
    return group


@transaction.atomic
def create_venue(*, group: Group, **fields) -> Venue:
    return _saved(Venue(group=group, **fields))


@transaction.atomic
def update_venue(*, venue: Venue, **fields) -> Venue:
    for name, value in fields.items():
        setattr(venue, name, value)
    return _saved(venue)


# --- who is in the group, and with which role ---
#
# Every change locks the group's memberships first (select_for_update; on SQLite the
# IMMEDIATE transaction takes the write lock), then checks the rules against the rows
# it holds: two owners acting at once (each removing or demoting the other, both
# leaving) are served one after the other, and the second finds the group as the first
# left it, so a group never ends without an owner.

Role = Membership.Role
AUDITED_AS = {
    emails.INVITED: audit.Action.INVITED,
    emails.JOINED: audit.Action.JOINED,
    emails.WITHDRAWN: audit.Action.REMOVED,
    emails.REMOVED: audit.Action.REMOVED,
    emails.LEFT: audit.Action.LEFT,
    emails.MADE_OWNER: audit.Action.OWNERSHIP,
    emails.MADE_ORGANISER: audit.Action.OWNERSHIP,
    emails.TRANSFERRED: audit.Action.OWNERSHIP,
}
NEW_ROLE = {
    emails.MADE_OWNER: Role.OWNER,
    emails.MADE_ORGANISER: Role.ORGANISER,
    emails.TRANSFERRED: Role.OWNER,
}


def _locked_members(group: Group) -> dict[int, Membership]:
    """The group's memberships by id, locked until the transaction ends."""
    rows = Membership.objects.select_for_update(of=("self",)).select_related("user")
    return {m.pk: m for m in rows.filter(group=group).order_by("pk")}


def _owner_among(members: dict[int, Membership], user: User) -> Membership:
    for membership in members.values():
        if membership.user_id == user.pk and membership.role == Role.OWNER:
            return membership
    raise ValidationError(_("Only the group's owners can do this."), code="not_owner")


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _member(members: dict[int, Membership], member_id) -> Membership:
    """The membership ``member_id`` of this group: an id from elsewhere, a stale page
    or a double submit finds nothing and says so."""
    if _as_id(member_id) not in members:
        raise ValidationError(
            _("That person is not in the group (any more). The list below is up to date."),
            code="not_member",
        )
    return members[_as_id(member_id)]


def _last_owner(members: dict[int, Membership], membership: Membership) -> bool:
    return membership.role == Role.OWNER and not any(
        m.role == Role.OWNER and m.pk != membership.pk for m in members.values()
    )


def _check_owner_left(members: dict[int, Membership], leaving: Membership) -> None:
    if _last_owner(members, leaving):
        raise ValidationError(
            _(
                "%(name)s is the group's only owner: make someone else owner first, "
                "or transfer ownership."
            )
            % {"name": leaving.user},
            code="last_owner",
        )


def _tell_owners(*, group: Group, by: User, change: str, member, also=()) -> None:
    """Record the change in the audit log and email it to the group's owners, and to
    ``also`` (addresses of whoever stopped being one by it), each in their account's
    language. ``member``: a User, or an invited address."""
    name = member if isinstance(member, str) else f"{member.name} <{member.email}>"
    subject = name
    if change in NEW_ROLE:
        with translation.override(group.language):
            subject = f"{name} → {NEW_ROLE[change].label}"
    audit.record(group=group, actor=by, action=AUDITED_AS[change], subject=subject)
    owners = group.memberships.filter(role=Role.OWNER).values_list("user__email", flat=True)
    to = sorted({*owners, *also})
    spoken = dict(User.objects.filter(email__in=to).values_list("email", "language"))
    for email in to:
        emails.queue_membership_change(
            group=group, to=email, by=by, change=change, member=name, language=spoken.get(email, "")
        )


@transaction.atomic
def withdraw_invitation(*, group: Group, invitation_id, by: User) -> Invitation:
    _owner_among(_locked_members(group), by)
    open_ones = {i.pk: i for i in group.invitations.filter(accepted_at__isnull=True)}
    invitation = open_ones.get(_as_id(invitation_id))
    if invitation is None:
        raise ValidationError(_("That invitation is no longer open."), code="not_open")
    invitation.delete()
    _tell_owners(group=group, by=by, change=emails.WITHDRAWN, member=invitation.email)
    return invitation


@transaction.atomic
def remove_member(*, group: Group, member_id, by: User) -> Membership:
    """An owner removes someone else; one leaves with ``leave_group``."""
    members = _locked_members(group)
    _owner_among(members, by)
    removed = _member(members, member_id)
    if removed.user_id == by.pk:
        raise ValidationError(
            _("You cannot remove yourself: use “Leave the group” instead."), code="self"
        )
    _check_owner_left(members, removed)
    removed.delete()
    was_owner = [removed.user.email] if removed.role == Role.OWNER else []
    _tell_owners(group=group, by=by, change=emails.REMOVED, member=removed.user, also=was_owner)
    return removed


@transaction.atomic
def leave_group(*, group: Group, user: User) -> None:
    members = _locked_members(group)
    mine = next((m for m in members.values() if m.user_id == user.pk), None)
    if mine is None:
        raise ValidationError(_("You are not in this group."), code="not_member")
    if _last_owner(members, mine):
        raise ValidationError(
            _(
                "You are the group's only owner, so you cannot leave it yet: make someone "
                "else owner first (or transfer ownership), then leave."
            ),
            code="last_owner",
        )
    was_owner = [user.email] if mine.role == Role.OWNER else []
    mine.delete()
    _tell_owners(group=group, by=user, change=emails.LEFT, member=user, also=was_owner)


@transaction.atomic
def set_role(*, group: Group, member_id, role: str, by: User) -> Membership:
    """An owner makes a member owner or organiser (themselves too, if another owner stays)."""
    members = _locked_members(group)
    _owner_among(members, by)
    membership = _member(members, member_id)
    if role not in Role.values:
        raise ValidationError(_("Choose owner or organiser."), code="role")
    if membership.role == role:
        return membership  # a double submit: already done
    if role == Role.ORGANISER:
        _check_owner_left(members, membership)
    was_owner = [membership.user.email] if membership.role == Role.OWNER else []
    membership.role = role
    membership.save(update_fields=["role"])
    change = emails.MADE_OWNER if role == Role.OWNER else emails.MADE_ORGANISER
    _tell_owners(group=group, by=by, change=change, member=membership.user, also=was_owner)
    return membership


@transaction.atomic
def transfer_ownership(*, group: Group, member_id, by: User) -> Membership:
    """Make another member owner and step down to organiser, in one step."""
    members = _locked_members(group)
    mine = _owner_among(members, by)
    new_owner = _member(members, member_id)
    if new_owner.pk == mine.pk:
        raise ValidationError(_("You already own the group: choose someone else."), code="self")
    new_owner.role, mine.role = Role.OWNER, Role.ORGANISER
    new_owner.save(update_fields=["role"])
    mine.save(update_fields=["role"])
    _tell_owners(
        group=group, by=by, change=emails.TRANSFERRED, member=new_owner.user, also=[by.email]
    )
    return new_owner
