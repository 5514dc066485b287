"""The group's audit log: what organisers did with personal data and with the group.

Apps above groups call ``record()`` in the same transaction as the act itself, so an
entry exists exactly when the act happened. Owners read it; it is kept one year.
"""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from turnout.groups.models import AuditEntry, Group, User

Action = AuditEntry.Action
KEPT_FOR = dt.timedelta(days=365)


def record(
    *, group: Group, actor: User | None, action: str, subject: str = "", count: int | None = None
) -> AuditEntry:
    """Note that ``actor`` did ``action`` (an ``Action``); never pass an attendee's data."""
    name = (actor.name or actor.email) if actor is not None else ""
    return AuditEntry.objects.create(
        group=group,
        actor=actor,
        actor_name=name[:150],
        action=action,
        subject=subject[:300],
        count=count,
    )


def forget_old_entries() -> int:
    """Delete entries older than a year; how many went."""
    deleted, _by_model = AuditEntry.objects.filter(
        created_at__lt=timezone.now() - KEPT_FOR
    ).delete()
    return deleted


def entries(*, group: Group) -> QuerySet[AuditEntry]:
    """The group's log, newest first (one query a page: the organiser's name is stored)."""
    return AuditEntry.objects.filter(group=group).order_by("-created_at", "-id")
