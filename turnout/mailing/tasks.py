"""Thin tasks: ids in, re-fetch, call a service."""

from django.db import OperationalError

from turnout.core.tasks import TryAgain, retrying_task
from turnout.mailing.models import Announcement


@retrying_task(attempts=lambda: 5, base_seconds=lambda: 10)
def fan_out_announcement(*, announcement_id: int) -> int:
    """Write an announcement's messages and enqueue their delivery (see the service)."""
    from turnout.mailing.services import announcements  # it enqueues these tasks

    found = Announcement.objects.filter(
        pk=announcement_id, status=Announcement.Status.SENDING
    ).first()
    if found is None:
        return 0
    try:
        return announcements.fan_out(announcement=found)
    except OperationalError as exc:  # the database busy past its timeout: try again
        raise TryAgain(f"database busy: {exc}") from exc
