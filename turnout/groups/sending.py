"""How much mail the site may send, and on whose behalf: the limits that keep it from
being a mail cannon.

Two kinds of limit:

- **Rate limits** on mail anyone can make the site send (a sign-up's verification, its
  re-send from the login form, a password reset, the note that someone tried to sign up
  with an existing address) and on what an account can do (invitations, new groups):
  counted per address written to, per client address and per account, in the counters
  every worker shares (turnout.core.ratelimit). Account mail over its limit is dropped
  silently, because its pages must answer alike whether an account exists or not; an
  organiser over theirs is told why.
- **Daily quotas** on mail sent on a group's behalf to people who did not ask for it
  (announcements, confirmation requests of imported contacts, invitations): each
  group's (``Group.daily_email_quota``, else ``TURNOUT_DAILY_EMAIL_QUOTA``) and the
  instance's (``TURNOUT_INSTANCE_DAILY_EMAIL_QUOTA``), over the last 24 hours. Apps
  above groups add the mail only they can see (``count_usage``).

And one rule on what mail to strangers says: an email to an address that has confirmed
nothing carries no text a group chose but its name, and that only once the instance
admin approved it (``name_for_strangers``): a group's name is whatever its founder typed.
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnout.core import ratelimit
from turnout.core.links import site_host
from turnout.core.models import Message
from turnout.groups.models import AuditEntry, Group, User

HOUR, DAY = 3600, 86400
QUOTA_WINDOW = dt.timedelta(hours=24)

# --- what mail to strangers may say ---


def is_approved(group: Group) -> bool:
    """Whether the group may mail people who did not ask (announcements, imported
    contacts) and be named to them: approved by the instance admin, or approval is off."""
    return not settings.TURNOUT_REQUIRE_GROUP_APPROVAL or group.email_approved_at is not None


def name_for_strangers(group: Group) -> str:
    """How an email to an address that has confirmed nothing names the group: its name if
    approved, else "a group on <this site>"."""
    if is_approved(group):
        return group.name
    return _("a group on %(site)s") % {"site": site_host()}


def sender_for_strangers(group: Group) -> dict[str, str]:
    """From name and Reply-To of such an email: the group's only once it is approved."""
    if is_approved(group):
        return {"from_name": group.name, "reply_to": group.contact_email}
    return {"from_name": "", "reply_to": ""}


# --- rate limits ---


def _allowed(checks: list[tuple[str, str, int, int]], client: str) -> bool:
    """Count one attempt under each (action, subject, window, limit); whether all are
    within their limits. A client exempt from rate limits is counted, never refused."""
    counts = ratelimit.hits([(action, subject, window) for action, subject, window, _ in checks])
    if client and client in settings.TURNOUT_RATE_LIMIT_EXEMPT:
        return True
    return all(count <= limit for count, (*_, limit) in zip(counts, checks, strict=True))


def account_mail_allowed(*, kind: str, to: str, client: str = "") -> bool:
    """Whether one more account email of ``kind`` may go to ``to``, asked for from
    ``client`` (empty: not asked from a page); counts the attempt either way."""
    checks = [
        (f"mail-to:{kind}", to.strip().lower(), HOUR, settings.TURNOUT_ACCOUNT_EMAILS_PER_ADDRESS)
    ]
    if client:
        checks.append(("mail-from", client, HOUR, settings.TURNOUT_ACCOUNT_EMAILS_PER_CLIENT))
    return _allowed(checks, client)


def check_invitation_allowed(*, group: Group, by: User, to: str, client: str = "") -> None:
    """One more invitation from ``by`` (asked from ``client``) to ``to`` for ``group``, or
    a ValidationError saying why not. Counted per account, per address invited (whoever
    invites it: the message does not say so, which would tell of other groups' invitations)
    and per client."""
    checks = [
        ("invitations", str(by.pk), HOUR, settings.TURNOUT_INVITATIONS_PER_ACCOUNT),
        ("invitations-to", to.strip().lower(), HOUR, settings.TURNOUT_ACCOUNT_EMAILS_PER_ADDRESS),
    ]
    if client:
        checks.append(
            ("invitations-from", client, HOUR, settings.TURNOUT_ACCOUNT_EMAILS_PER_CLIENT)
        )
    if not _allowed(checks, client):
        raise ValidationError(
            _("You have sent many invitations; try again in an hour."), code="too_many"
        )
    if emails_left_today(group=group) < 1:
        if site_limit_binds(group=group):
            raise ValidationError(site_quota_message(left=0), code="over_quota")
        raise ValidationError(
            _(
                "This group has used all of its emails for today, so no invitation can go "
                "now. Try again tomorrow, or ask the instance admin to raise the limit."
            ),
            code="over_quota",
        )


def check_new_group_allowed(*, owner: User) -> None:
    """One more group by ``owner`` today, or a ValidationError saying why not."""
    if not _allowed([("new-groups", str(owner.pk), DAY, settings.TURNOUT_NEW_GROUPS_PER_DAY)], ""):
        raise ValidationError(
            _("You have created many groups today; try again tomorrow."), code="too_many"
        )


# --- daily quotas ---

# Each: (group or None for the whole instance, since) -> how many emails of the window
# it knows of that are not bulk messages about the group itself.
_usage: list[Callable[..., int]] = []


def count_usage(counter: Callable[..., int]) -> None:
    """An app above groups adds the mail it sends on groups' behalf (its ``ready()``):
    ``counter(group=..., since=...)`` with ``group=None`` for the whole instance, counting
    only what bulk messages about the group do not show."""
    if counter not in _usage:
        _usage.append(counter)


def daily_quota(*, group: Group) -> int:
    if group.daily_email_quota is not None:
        return group.daily_email_quota
    return settings.TURNOUT_DAILY_EMAIL_QUOTA


def _left_today(group: Group) -> tuple[int, int]:
    """What is left now of the group's daily quota and of the instance's, over the last
    24 hours.

    The group's own: bulk messages about it (import confirmations), its invitations (as
    its audit log records them: a withdrawn invitation still went), and what the apps
    above count. The instance's: every bulk message, and what those apps count.
    """
    since = timezone.now() - QUOTA_WINDOW
    recent = Message.objects.filter(bulk=True, created_at__gte=since)
    group_type = ContentType.objects.get_for_model(Group)
    invited = AuditEntry.objects.filter(
        group=group, action=AuditEntry.Action.INVITED, created_at__gte=since
    )
    group_used = (
        recent.filter(about_type=group_type, about_id=group.pk).count()
        + invited.count()
        + sum(counter(group=group, since=since) for counter in _usage)
    )
    instance_used = recent.count() + sum(counter(group=None, since=since) for counter in _usage)
    return (
        daily_quota(group=group) - group_used,
        settings.TURNOUT_INSTANCE_DAILY_EMAIL_QUOTA - instance_used,
    )


def emails_left_today(*, group: Group) -> int:
    """How many more emails the group may send on its behalf now: the least of what is
    left of its own quota and of the instance's."""
    return max(min(_left_today(group)), 0)


def site_limit_binds(*, group: Group) -> bool:
    """Whether the instance's quota, not the group's, is what limits the group now."""
    group_left, site_left = _left_today(group)
    return site_left < group_left


def site_quota_message(*, left: int, needed: int = 1) -> str:
    """Why mail cannot go when the instance's daily quota is what ran out."""
    if left <= 0:
        return _(
            "This site has sent all the email it sends in a day on behalf of groups (a "
            "limit its admin sets). Try again tomorrow."
        )
    return ngettext(
        "Only %(left)s email is left of the limit this site sets for all groups together "
        "in a day, and this needs %(needed)s. Try again tomorrow.",
        "Only %(left)s emails are left of the limit this site sets for all groups together "
        "in a day, and this needs %(needed)s. Try again tomorrow.",
        left,
    ) % {"left": left, "needed": needed}


def group_quota_message(*, quota: int, left: int, needed: int) -> str:
    """Why mail cannot go when the group's own daily quota is what runs out."""
    if left <= 0:
        return _(
            "This group has used all %(quota)s emails of its daily limit. Send it tomorrow, "
            "or ask the instance admin to raise the limit."
        ) % {"quota": quota}
    return ngettext(
        "Only %(left)s email is left of this group's daily limit of %(quota)s, and this "
        "needs %(needed)s. Send it tomorrow, or ask the instance admin to raise the limit.",
        "Only %(left)s emails are left of this group's daily limit of %(quota)s, and this "
        "needs %(needed)s. Send it tomorrow, or ask the instance admin to raise the limit.",
        left,
    ) % {"left": left, "quota": quota, "needed": needed}


def check_quota(*, group: Group, needed: int) -> None:
    """A ValidationError (code ``over_quota``) saying which limit, if ``needed`` more
    emails on the group's behalf would go over what is left today. The caller holds the
    group's row lock, so two sends cannot both pass."""
    left = emails_left_today(group=group)
    if needed <= left:
        return
    if site_limit_binds(group=group):
        message = site_quota_message(left=left, needed=needed)
    else:
        message = group_quota_message(quota=daily_quota(group=group), left=left, needed=needed)
    raise ValidationError(message, code="over_quota")
