"""The outbox's tasks: delivery (queue "email", retried while the mail server is down)
and forgetting old mail records (periodic)."""

from django.conf import settings
from django_tasks import task

from turnout.core.outbox import delivery, queueing
from turnout.core.tasks import retrying_task


@retrying_task(
    attempts=lambda: settings.TURNOUT_EMAIL_ATTEMPTS,
    base_seconds=lambda: settings.TURNOUT_EMAIL_RETRY_SECONDS,
    queue_name="email",
    on_give_up=delivery.give_up,
)
def deliver(*, message_ids: list[int]) -> int:
    return delivery.deliver(message_ids=message_ids)


@task()
def forget_old_mail() -> int:
    """Periodic: blank the mail records whose ``forget_after`` has passed."""
    return queueing.forget_due()
