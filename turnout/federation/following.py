"""Following a group from another server: what the inbox's worker does with a verified
``Follow``, ``Undo{Follow}`` and ``Delete`` of an actor, and what a group's organisers do
with follows waiting for their approval.

Only a group's own actor can be followed: a Follow of a meeting's id, of a person, or of
another server's actor is refused and nothing is kept. A group that approves its
followers (``Group.manually_approves_followers``) leaves the Follower waiting
(``accepted_at`` None); any other accepts at once. Every answer (Accept, Reject) is
queued through turnout.federation.outgoing to the follower's own inbox, in the same
transaction as the row it answers for.
"""

import logging
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnout.federation import activities, ids, outgoing
from turnout.federation.models import Follower, RemoteActor
from turnout.groups.models import Group

logger = logging.getLogger("turnout.federation")
GROUPS_PATH = "/federation/groups/"


class Refused(Exception):
    """The activity cannot be acted on; the message says why (for the item and the log)."""


def object_id(value) -> str:
    """An activity's ``object`` (or ``actor``) as its id: a string, or an object's ``id``."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def is_url(value) -> bool:
    """An http(s) URL with a host, at most 2000 characters, nothing unprintable in it
    (PostgreSQL's text refuses NUL; a line break has no place in an id)."""
    if not isinstance(value, str) or len(value) > ids.URL_MAX or not value.isprintable():
        return False
    if " " in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def group_of(actor_id: str) -> Group | None:
    """The group whose actor id ``actor_id`` is exactly, or None."""
    prefix = settings.BASE_URL + GROUPS_PATH
    if not actor_id.startswith(prefix) or not actor_id.endswith("/"):
        return None
    try:
        federation_id = uuid.UUID(actor_id[len(prefix) : -1])
    except ValueError:
        return None
    group = Group.objects.filter(federation_id=federation_id).first()
    return group if group is not None and ids.group_id(group) == actor_id else None


def follow(activity: dict, actor: RemoteActor) -> Follower:
    """A Follow of a group by ``actor``: kept, and accepted unless the group approves
    each follower. A second Follow from the same actor updates the same row."""
    group = group_of(object_id(activity.get("object")))
    if group is None:
        raise Refused("a Follow of something that is not a group here")
    follow_id = object_id(activity)
    if not is_url(follow_id) or not actor.inbox:
        raise Refused("a Follow without an id, or from an actor without an inbox")
    with transaction.atomic():
        follower, _created = Follower.objects.select_for_update().update_or_create(
            group=group,
            actor_id=actor.actor_id,
            defaults={
                "inbox": actor.inbox,
                "shared_inbox": actor.shared_inbox,
                "follow_id": follow_id,
            },
        )
        if follower.accepted_at is None and not group.manually_approves_followers:
            follower.accepted_at = timezone.now()
            follower.save(update_fields=["accepted_at"])
        if follower.accepted_at is not None:
            _answer(follower, activities.accept)
    return follower


def undo_follow(activity: dict, actor: RemoteActor) -> int:
    """``Undo{Follow}``: the actor's follow removed, found by the Follow's id or by the
    group it followed. Only the actor's own: the verified key's owner is ``actor``."""
    undone = activity.get("object")
    undone_id = object_id(undone)
    target = group_of(object_id(undone.get("object"))) if isinstance(undone, dict) else None
    follows = Follower.objects.filter(actor_id=actor.actor_id)
    by_id = follows.filter(follow_id=undone_id) if undone_id else follows.none()
    if by_id.exists():
        return by_id.delete()[0]
    if target is not None:
        return follows.filter(group=target).delete()[0]
    raise Refused("an Undo of a Follow that is not here")


def forget_actor(actor_id: str) -> int:
    """The actor was deleted on its server: its follows and its cached key go."""
    with transaction.atomic():
        removed = Follower.objects.filter(actor_id=actor_id).delete()[0]
        RemoteActor.objects.filter(actor_id=actor_id).delete()
    return removed


def waiting(group: Group):
    """The follows waiting for the organisers' approval, oldest first."""
    return Follower.objects.filter(group=group, accepted_at__isnull=True).order_by("created_at")


def accepted_count(group: Group) -> int:
    return Follower.objects.filter(group=group, accepted_at__isnull=False).count()


def waiting_note(group: Group) -> str:
    """The people page's note beside its link here: how many wait, if any."""
    count = waiting(group).count()
    return _("Waiting for approval: %(count)s") % {"count": count} if count else ""


def approve(follower: Follower) -> None:
    """An organiser accepts a waiting follow: accepted, and an Accept queued."""
    with transaction.atomic():
        updated = Follower.objects.filter(pk=follower.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if updated:
            _answer(follower, activities.accept)


def decline(follower: Follower) -> None:
    """An organiser declines a waiting follow: a Reject queued, the row removed."""
    with transaction.atomic():
        if Follower.objects.filter(pk=follower.pk, accepted_at__isnull=True).delete()[0]:
            _answer(follower, activities.reject)


def _answer(follower: Follower, build) -> None:
    outgoing.send(group=follower.group, activity=build(follower), inboxes=[follower.inbox])
