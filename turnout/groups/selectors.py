from django.db.models import QuerySet
from django.http import Http404

from turnout.groups.models import Group, Membership, User


def groups_organised_by(*, user: User) -> QuerySet[Group]:
    return Group.objects.filter(memberships__user=user).order_by("name")


def group_for_organiser(*, user: User, slug: str) -> Group:
    """The group if ``user`` organises it; 404 otherwise, so outsiders learn nothing."""
    group = Group.objects.filter(slug=slug, memberships__user=user).first()
    if group is None:
        raise Http404
    return group


def group_for_owner(*, user: User, slug: str) -> Group:
    """The group if ``user`` owns it; 404 otherwise (an organiser learns nothing more)."""
    group = Group.objects.filter(
        slug=slug, memberships__user=user, memberships__role=Membership.Role.OWNER
    ).first()
    if group is None:
        raise Http404
    return group


def organisers(*, group: Group) -> QuerySet[Membership]:
    return group.memberships.select_related("user").order_by("created_at")
