"""Every write to organiser accounts, groups, invitations and venues."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.core.slugs import RESERVED_GROUP_SLUGS, slug_from
from turnout.core.tokens import new_secret, token_hash
from turnout.groups import addresses, emails
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


def sign_up(*, email: str, name: str, password: str) -> User:
    with transaction.atomic():
        user = User.objects.create_user(email=email, name=name, password=password)
        send_verification_email(user=user)
    return user


def send_verification_email(*, user: User) -> None:
    """Queue the email with the verification link (made when it is delivered)."""
    emails.queue_account_email(kind=emails.VERIFY, user=user)


def send_password_reset_email(*, user: User) -> None:
    """Queue the email with the password reset link (made when it is delivered)."""
    emails.queue_account_email(kind=emails.PASSWORD_RESET, user=user)


def verify_email(*, user: User) -> None:
    user.email_verified = True
    user.save(update_fields=["email_verified"])


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
    _saved(group)
    addresses.keep(group=group, slugs=[before, group.slug])
    return group


@transaction.atomic
def create_group(*, owner: User, **fields) -> Group:
    if not fields.get("slug"):
        fields["slug"] = unique_group_slug(fields.get("name", ""))
    group = _saved_keeping_addresses(Group(**fields))
    Membership.objects.create(group=group, user=owner, role=Membership.Role.OWNER)
    return group


@transaction.atomic
def update_group(*, group: Group, **fields) -> Group:
    """Change the group's settings. A new address keeps the old one the group's for good:
    it redirects to the new one, and only this group may take it back."""
    for name, value in fields.items():
        setattr(group, name, value)
    return _saved_keeping_addresses(group)


@transaction.atomic
def save_group(*, group: Group) -> Group:
    """Save a group the admin's form changed or made (no owner), keeping its addresses."""
    return _saved_keeping_addresses(group)


def invite_organiser(*, group: Group, email: str, invited_by: User) -> Invitation:
    """Email an invitation link; raises ValidationError if they already organise it."""
    email = email.strip().lower()
    if Membership.objects.filter(group=group, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s already organises this group.") % {"email": email}}
        )
    with transaction.atomic():
        Invitation.objects.filter(
            group=group, email__iexact=email, accepted_at__isnull=True
        ).delete()
        invitation = Invitation(group=group, email=email, invited_by=invited_by)
        invitation.token_secret = new_secret()
        invitation.token_hash = token_hash(invitation_token(invitation))
        invitation.save()
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
    membership, _created = Membership.objects.get_or_create(
        group=invitation.group, user=user, defaults={"role": Membership.Role.ORGANISER}
    )
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
