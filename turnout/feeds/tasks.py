"""Thin tasks: call a service in turnout.feeds.imports.

Both run on the "imports" queue: a fetch may wait on a slow server up to its deadline
(turnout.core.fetch), and the worker that waits must not be the one sending email."""

from django_tasks import task

from turnout.feeds import imports

QUEUE = "imports"


@task(queue_name=QUEUE)
def fetch_source(source_id: int) -> str:
    """Fetch an import source's calendar; a subscribed one is applied at once."""
    return imports.fetch_source(source_id=source_id)


@task(queue_name=QUEUE)
def refresh_subscribed() -> int:
    """Periodic: fetch again every "keep in sync" calendar not fetched for six hours."""
    return imports.refresh_subscribed()
