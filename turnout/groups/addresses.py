"""A group's web addresses are kept for good (turnout.groups.models.GroupSlug).

Every address a group has had stays that group's: another group can never take it, not
even after the group is deleted, because a flyer printed with a QR code to it cannot be
recalled. The group itself may take an old address back. turnout.groups.services calls
these when it saves a group (from the organiser's form or the admin's); a deleted
group's address is kept by ``keep_address_of_deleted_group`` (a ``pre_delete``
receiver, since the admin deletes without a service).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from turnout.groups.models import Group, GroupSlug


def taken_message(slug: str) -> str:
    return _(
        "The address “%(slug)s” was used by another group and stays theirs, so that old "
        "links and printed QR codes never lead to someone else. Choose another address."
    ) % {"slug": slug}


def ever_used(slug: str) -> bool:
    """Whether any group has, or ever had, ``slug`` as its address."""
    return GroupSlug.objects.filter(slug=slug).exists() or Group.objects.filter(slug=slug).exists()


def check(*, slug: str, group: Group | None = None) -> None:
    """A field-level ValidationError if ``slug`` was the address of a group other than
    ``group`` (None: a new group), deleted groups included. An address another group
    has now is left to the unique constraint, which says so in its own words."""
    if not slug:
        return
    others = Group.objects.filter(slug=slug)
    kept = GroupSlug.objects.filter(slug=slug)
    if group is not None and group.pk is not None:
        others = others.exclude(pk=group.pk)
        kept = kept.exclude(group_id=group.pk)  # a deleted group's (None) stays in
    if kept.exists() and not others.exists():
        raise ValidationError({"slug": taken_message(slug)}, code="slug_kept")


def keep(*, group: Group, slugs: list[str]) -> None:
    """Record ``slugs`` (its address before a change, and now) as the group's for good.

    Inside the saving transaction. An address another group holds (a race the check
    before saving could not see) raises a field-level ValidationError, which rolls the
    change back.
    """
    for slug in dict.fromkeys(s for s in slugs if s):
        kept, _created = GroupSlug.objects.get_or_create(slug=slug, defaults={"group": group})
        if kept.group_id != group.pk:
            raise ValidationError({"slug": taken_message(slug)}, code="slug_kept")


def group_at(*, slug: str) -> Group | None:
    """The group whose address is, or was, ``slug``; None if none (or it was deleted)."""
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        kept = GroupSlug.objects.filter(slug=slug, group__isnull=False).select_related("group")
        group = next((row.group for row in kept[:1]), None)
    return group


def keep_address_of_deleted_group(sender, instance: Group, **kwargs) -> None:
    """Before a group is deleted (by any path, the admin's included), its current address
    is kept with no group, so nobody can take it. Its earlier ones lose their group by
    ``on_delete=SET_NULL`` and stay kept too."""
    GroupSlug.objects.get_or_create(slug=instance.slug, defaults={"group": None})
