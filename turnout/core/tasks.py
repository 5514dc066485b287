"""Turnout's additions to Django's Tasks API: retries with back-off, and core jobs.

django-tasks runs a task once. ``retrying_task`` makes a task that, when its body
raises ``TryAgain``, enqueues itself again with ``run_after`` further and further
in the future; after the last attempt it calls ``on_give_up`` and fails visibly.
"""

import datetime as dt
import functools
import random
from collections.abc import Callable

from django.utils import timezone
from django_tasks import task

from turnout.core import ratelimit


class TryAgain(Exception):
    """A temporary failure (a mail server down): run the task again later."""


def backoff(attempt: int, *, base_seconds: float, cap_seconds: float = 3600) -> dt.timedelta:
    """Delay before attempt ``attempt + 1``: base, 2x base, 4x base…, capped, ±20% jitter."""
    delay = min(base_seconds * 2 ** (attempt - 1), cap_seconds)
    return dt.timedelta(seconds=delay * random.uniform(0.8, 1.2))


def retrying_task(
    *,
    attempts: Callable[[], int],
    base_seconds: Callable[[], float],
    queue_name: str = "default",
    on_give_up: Callable[..., None] | None = None,
):
    """Decorate a module-level function as a task retried on ``TryAgain``.

    ``attempts`` and ``base_seconds`` are callables so settings are read when the
    task runs, not at import. The task takes an extra ``attempt`` keyword.
    """

    def decorate(body):
        @functools.wraps(body)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return body(*args, **kwargs)
            except TryAgain as exc:
                if attempt >= attempts():
                    if on_give_up:
                        on_give_up(*args, error=str(exc), **kwargs)
                    raise
                delay = backoff(attempt, base_seconds=base_seconds())
                the_task.using(run_after=timezone.now() + delay).enqueue(
                    *args, attempt=attempt + 1, **kwargs
                )
                return f"attempt {attempt} failed ({exc}); attempt {attempt + 1} scheduled"

        the_task = task(queue_name=queue_name)(run)
        return the_task

    return decorate


@task()
def purge_rate_counters() -> int:
    """Periodic: drop rate-limit windows older than a day."""
    return ratelimit.purge_older_than(dt.timedelta(days=1))
