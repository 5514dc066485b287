"""Thin tasks of federation, all on the "federation" queue: call a service."""

from django_tasks import task

from turnout.federation import delivery

# --- Delivery (turnout.federation.delivery) ---

QUEUE = "federation"


@task(queue_name=QUEUE)
def deliver() -> None:
    """Deliver what is due: enqueued when activities are written, and every minute
    (retries, and the claims of a worker that was killed)."""
    return delivery.deliver_due()


@task(queue_name=QUEUE)
def purge_deliveries() -> int:
    """Hourly: forget deliveries settled more than 30 days ago."""
    return delivery.purge()
