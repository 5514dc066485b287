"""The emails of organiser accounts and invitations: queued by the services, rendered
by the outbox at delivery (registered in GroupsConfig.ready()), links made only then."""

import datetime as dt

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from turnout.core import outbox
from turnout.core.links import absolute_url
from turnout.core.models import Message
from turnout.groups import sending
from turnout.groups.models import Group, Invitation, User
from turnout.groups.tokens import email_verification_token, invitation_token

VERIFY = "groups/email/verify"
PASSWORD_RESET = "groups/email/password_reset"  # noqa: S105 (a kind, not a password)
INVITATION = "groups/email/invitation"
SIGN_UP_ATTEMPT = "groups/email/sign_up_attempt"
INVITATION_VALID_FOR = dt.timedelta(days=14)
# Told to the group's owners: who changed whose membership, and how.
MEMBERSHIP = "groups/email/membership"
INVITED, JOINED, WITHDRAWN = "invited", "joined", "withdrawn"
REMOVED, LEFT, MADE_OWNER, MADE_ORGANISER = "removed", "left", "made_owner", "made_organiser"
TRANSFERRED = "transferred"
# Organisers' account mail is forgotten (address and subject blanked) as late as a
# group's mail is by default.
ACCOUNT_MAIL_KEPT = dt.timedelta(days=Group._meta.get_field("anonymise_after_days").default)


def forget_group_mail_after(group: Group) -> dt.datetime:
    """When a group's mail not tied to a registration is blanked: its retention from now."""
    return timezone.now() + dt.timedelta(days=group.anonymise_after_days)


def queue_account_email(*, kind: str, user: User) -> Message:
    """In the account's language; not known yet, the language of the page of the moment."""
    return outbox.queue(
        kind=kind,
        to=user.email,
        about=user,
        language=user.language or None,
        forget_after=timezone.now() + ACCOUNT_MAIL_KEPT,
    )


def queue_password_reset(*, email: str) -> Message:
    """For whichever account has this address, if any: looked up at delivery, and written
    in its language (or that of the page the reset was asked from)."""
    return outbox.queue(
        kind=PASSWORD_RESET, to=email, forget_after=timezone.now() + ACCOUNT_MAIL_KEPT
    )


def queue_invitation(*, invitation: Invitation) -> Message:
    """Bulk: mail to someone who did not ask, on the instance's daily quota (the group's
    counts its invitations from its audit log: turnout.groups.sending). In the language
    the inviter is using (the active one): the invitee has no account to tell us theirs."""
    return outbox.queue(
        kind=INVITATION,
        to=invitation.email,
        about=invitation,
        bulk=True,
        forget_after=forget_group_mail_after(invitation.group),
    )


def queue_membership_change(
    *, group: Group, to: str, by: User, change: str, member: str, language: str = ""
) -> Message:
    """One owner's email about a change of membership. The names are a snapshot: the
    membership may be gone by delivery. In the owner's ``language``, else the group's."""
    return outbox.queue(
        kind=MEMBERSHIP,
        to=to,
        about=group,
        params={"change": change, "by": f"{by.name} <{by.email}>", "member": member},
        language=language or group.language,
        forget_after=forget_group_mail_after(group),
    )


# --- the renderers ---


def _uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _user(message: Message) -> User:
    if not isinstance(message.about, User):
        raise outbox.SubjectGone
    return message.about


def render_verify(message: Message) -> outbox.Email:
    user = _user(message)
    link = absolute_url(
        "accounts:verify", uidb64=_uid(user), token=email_verification_token.make_token(user)
    )
    return outbox.Email(*outbox.render_template(VERIFY, {"user": user, "link": link}))


def _reset_account(message: Message) -> User:
    """The account a reset was asked for: the active one with that address and a
    password (as Django's reset form finds it); none, and nothing is sent. (Messages
    queued before the lookup moved here name their account.)"""
    if message.about is not None:
        return _user(message)
    found = User.objects.filter(email__iexact=message.to_email, is_active=True).first()
    if found is None or not found.has_usable_password():
        raise outbox.SubjectGone
    return found


def render_password_reset(message: Message) -> outbox.Email:
    """The reset link's token is made now, by Django's generator: it works until used
    (or the password changes), so a retry's link works too."""
    user = _reset_account(message)
    link = absolute_url(
        "accounts:password_reset_confirm",
        uidb64=_uid(user),
        token=default_token_generator.make_token(user),
    )
    with translation.override(user.language or translation.get_language()):
        rendered = outbox.render_template(PASSWORD_RESET, {"user": user, "link": link})
    return outbox.Email(*rendered)


def render_sign_up_attempt(message: Message) -> outbox.Email:
    """Someone signed up with an address that has an account: tell its owner (the page
    told the visitor only to check their inbox), with the way back in. No secret link."""
    context = {
        "user": _user(message),
        "login_link": absolute_url("accounts:login"),
        "reset_link": absolute_url("accounts:password_reset"),
    }
    return outbox.Email(*outbox.render_template(SIGN_UP_ATTEMPT, context))


def render_invitation(message: Message) -> outbox.Email:
    """Gone once the invitation is (withdrawn and replaced by a newer one, or its group
    deleted). An invitation made before links were HMACs is never rendered here: its
    email was queued finished (outbox.FINISHED)."""
    invitation = message.about
    if not isinstance(invitation, Invitation):
        raise outbox.SubjectGone
    group = invitation.group
    context = {
        "group_name": sending.name_for_strangers(group),  # the invitee confirmed nothing
        "invited_by": invitation.invited_by,
        "link": absolute_url("organise:invitation", token=invitation_token(invitation)),
        "days": INVITATION_VALID_FOR.days,
    }
    invited_by = invitation.invited_by
    return outbox.Email(
        *outbox.render_template(INVITATION, context),
        from_name=sending.sender_for_strangers(group)["from_name"],
        reply_to=invited_by.email if invited_by else "",
    )


def render_membership(message: Message) -> outbox.Email:
    group = message.about
    if not isinstance(group, Group):
        raise outbox.SubjectGone
    context = {
        **message.params,
        "group": group,
        "link": absolute_url("organise:people", group=group.slug),
    }
    return outbox.Email(*outbox.render_template(MEMBERSHIP, context), from_name=group.name)


def register_renderers() -> None:
    outbox.register(VERIFY, render_verify)
    outbox.register(PASSWORD_RESET, render_password_reset)
    outbox.register(INVITATION, render_invitation)
    outbox.register(SIGN_UP_ATTEMPT, render_sign_up_attempt)
    outbox.register(MEMBERSHIP, render_membership)
