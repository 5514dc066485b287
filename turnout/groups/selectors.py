from django.db.models import Case, QuerySet, When
from django.http import Http404
from django.utils import timezone

from turnout.groups import twofactor
from turnout.groups.emails import INVITATION_VALID_FOR
from turnout.groups.models import Group, Invitation, Membership, User


class TwoFactorRequired(Exception):
    """The group requires two-factor authentication and this organiser has none yet.

    Raised wherever an organiser opens one of the group's pages;
    turnout.groups.middleware turns it into "set it up, then come back here".
    """

    def __init__(self, group: Group):
        super().__init__(group.slug)
        self.group = group


def groups_organised_by(*, user: User) -> QuerySet[Group]:
    return Group.objects.filter(memberships__user=user).order_by("name")


def group_for_organiser(*, user: User, slug: str) -> Group:
    """The group if ``user`` organises it; 404 otherwise, so outsiders learn nothing.

    Every organiser page of a group finds it here (or through check_two_factor), so
    this is where a group's two-factor requirement holds.
    """
    group = Group.objects.filter(slug=slug, memberships__user=user).first()
    if group is None:
        raise Http404
    check_two_factor(user=user, group=group)
    return group


def check_two_factor(*, user: User, group: Group) -> None:
    """Raise TwoFactorRequired if ``group`` requires it and ``user`` has none."""
    if group.require_two_factor and not twofactor.has_two_factor(user=user):
        raise TwoFactorRequired(group)


def group_for_owner(*, user: User, slug: str) -> Group:
    """The group if ``user`` owns it; 404 otherwise (an organiser learns nothing more)."""
    group = Group.objects.filter(
        slug=slug, memberships__user=user, memberships__role=Membership.Role.OWNER
    ).first()
    if group is None:
        raise Http404
    check_two_factor(user=user, group=group)
    return group


def organisers(*, group: Group) -> QuerySet[Membership]:
    return group.memberships.select_related("user").order_by("created_at")


def is_owner(*, group: Group, user: User) -> bool:
    return group.memberships.filter(user=user, role=Membership.Role.OWNER).exists()


def people(*, group: Group) -> QuerySet[Membership]:
    """Everyone in the group, owners first, then by when they joined."""
    return group.memberships.select_related("user").order_by(
        Case(When(role=Membership.Role.OWNER, then=0), default=1), "created_at", "pk"
    )


def open_invitations(*, group: Group) -> QuerySet[Invitation]:
    """Invitations not accepted yet and still working (14 days)."""
    return (
        group.invitations.filter(
            accepted_at__isnull=True, created_at__gte=timezone.now() - INVITATION_VALID_FOR
        )
        .select_related("invited_by")
        .order_by("created_at", "pk")
    )
