"""Thin tasks: call a service in turnout.feeds.imports."""

from django_tasks import task

from turnout.feeds import imports


@task()
def fetch_source(source_id: int) -> str:
    """Fetch an import source's calendar; a subscribed one is applied at once."""
    return imports.fetch_source(source_id=source_id)


@task()
def refresh_subscribed() -> int:
    """Periodic: fetch again every "keep in sync" calendar not fetched for six hours."""
    return imports.refresh_subscribed()
