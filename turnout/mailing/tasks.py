"""Thin tasks: ids in, re-fetch, call the outbox or a service."""

from django.conf import settings

from turnout.core.tasks import retrying_task
from turnout.mailing import outbox


@retrying_task(
    attempts=lambda: settings.TURNOUT_EMAIL_ATTEMPTS,
    base_seconds=lambda: settings.TURNOUT_EMAIL_RETRY_SECONDS,
    queue_name="email",
    on_give_up=outbox.give_up,
)
def deliver(*, message_ids: list[int]) -> int:
    return outbox.deliver(message_ids=message_ids)
