"""Reads of announcements and their messages, shaped for the organiser's pages."""

from django.db.models import Count, Q, QuerySet

from turnout.core.models import Message
from turnout.groups.models import Group
from turnout.mailing.models import Announcement

FAILED_SHOWN = 200


def announcements_for_organisers(*, group: Group) -> QuerySet[Announcement]:
    """The group's announcements, newest first, each with its queued/sent/failed counts."""
    return (
        Announcement.objects.filter(group=group)
        .annotate(
            queued=Count("messages", filter=Q(messages__status=Message.Status.QUEUED)),
            sent=Count("messages", filter=Q(messages__status=Message.Status.SENT)),
            failed=Count("messages", filter=Q(messages__status=Message.Status.FAILED)),
        )
        .order_by("-created_at", "-id")
    )


def failed_messages(*, announcement: Announcement) -> QuerySet[Message]:
    """Who did not get it and why, for the organiser (the first FAILED_SHOWN)."""
    return (
        announcement.messages.filter(status=Message.Status.FAILED)
        .only("id", "to_email", "last_error")
        .order_by("to_email", "id")[:FAILED_SHOWN]
    )
