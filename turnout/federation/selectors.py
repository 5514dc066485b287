"""Which meetings federation shows: a group's published or cancelled meetings that are
listed (``turnout.federation.objects.check_federated`` refuses the others one by one)."""

from django.db.models import QuerySet

from turnout.events.models import Event
from turnout.federation.models import DeletedObject
from turnout.groups.models import Group

OUTBOX_PAGE = 20


def federated_events(group: Group) -> QuerySet:
    """Newest first by when they were published, for the group's outbox."""
    return (
        Event.objects.filter(
            group=group,
            unlisted=False,
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        )
        .select_related("group", "venue", "picture")
        .prefetch_related("topics")
        .order_by("-published_at", "-pk")
    )


def federated_event(federation_id) -> Event | None:
    return (
        Event.objects.select_related("group", "venue", "picture")
        .filter(federation_id=federation_id)
        .first()
    )


def deleted_event(federation_id) -> DeletedObject | None:
    """The record of a meeting deleted after it was federated (its id answers 410)."""
    return DeletedObject.objects.filter(federation_id=federation_id).first()
