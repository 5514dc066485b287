"""Federation's tasks, on their own queue ("federation"): they wait on other servers, and
the workers that send email must not be the ones waiting. Thin: each calls a service."""

from django.conf import settings
from django_tasks import task

from turnout.core.tasks import retrying_task
from turnout.federation import delivery, inbox_worker

QUEUE = "federation"


@retrying_task(
    attempts=lambda: settings.TURNOUT_FEDERATION_FETCH_ATTEMPTS,
    base_seconds=lambda: settings.TURNOUT_FEDERATION_FETCH_RETRY_SECONDS,
    queue_name=QUEUE,
    on_give_up=inbox_worker.give_up,
)
def work_inbox_item(item_id: int) -> str:
    """Verify an item the inbox kept and act on it (turnout.federation.inbox_worker);
    tried again later, with back-off, while the signer's key cannot be fetched for a
    passing reason, and the item refused after the last attempt."""
    return inbox_worker.work(item_id)


@task(queue_name=QUEUE)
def purge_inbox_items() -> int:
    """Hourly: inbox items a week old go."""
    return inbox_worker.purge()


@task(queue_name=QUEUE)
def deliver() -> None:
    """Deliver what is due (turnout.federation.delivery): enqueued when activities are
    written, and every minute (retries, and the claims of a worker that was killed)."""
    return delivery.deliver_due()


@task(queue_name=QUEUE)
def purge_deliveries() -> int:
    """Hourly: forget deliveries settled more than 30 days ago."""
    return delivery.purge()
