"""A group's picture, shown on its page: set and removed by its owners
(``turnout.core.pictures`` verifies and re-encodes it)."""

from django.db import transaction

from turnout.core import pagecache, pictures
from turnout.groups.models import Group


def set_picture(*, group: Group, upload=None, alt_text: str) -> Group:
    """A new upload replaces the old picture, whose files go once this commits; without
    one, only the description changes."""
    with transaction.atomic():
        group.picture = pictures.replace(current=group.picture, upload=upload, alt_text=alt_text)
        group.save(update_fields=["picture"])
        transaction.on_commit(pagecache.drop_all)
    return group


def remove_picture(*, group: Group) -> Group:
    with transaction.atomic():
        if group.picture is not None:
            pictures.discard(group.picture)
        group.picture = None
        group.save(update_fields=["picture"])
        transaction.on_commit(pagecache.drop_all)
    return group
