"""Turnout's additions to Django's Tasks API: retries with back-off, and core jobs.

django-tasks runs a task once. ``retrying_task`` makes a task that, when its body
raises ``TryAgain`` (or the database has a passing error), enqueues itself again
with ``run_after`` further and further in the future; after the last attempt it
calls ``on_give_up`` and fails visibly. Any other exception is a bug, not bad
luck: ``on_give_up`` is called at once and the task fails with its traceback, so
nothing it was doing stays "queued" for ever.

When a worker runs the task, the next attempt is enqueued in the same transaction
that marks this run finished. A worker killed between the two would otherwise
leave both the next attempt and this run (put back by crash recovery) to run
again, side by side: two deliveries of one batch, more than one duplicate per kill.
"""

import contextvars
import datetime as dt
import functools
import random
from collections.abc import Callable

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task
from django_tasks.signals import task_finished, task_started

from turnout.core import ratelimit


class TryAgain(Exception):
    """A temporary failure (a mail server down): run the task again later."""


# Worth another attempt: the body said so, or the database was busy or unreachable
# (SQLite locked past its timeout, a PostgreSQL restart).
TRANSIENT = (TryAgain, OperationalError, InterfaceError)


# The task this worker process is running (set from django-tasks' signals), or None
# when a task's function is called directly.
_running = contextvars.ContextVar("turnout_running_task", default=None)


@receiver(task_started)
def _started(sender, task_result, **kwargs) -> None:
    _running.set(task_result)


@receiver(task_finished)
def _finished(sender, task_result, **kwargs) -> None:
    _running.set(None)


def _finish_running_task(the_task, return_value: str) -> bool:
    """Mark the run in progress successful, unless it is no longer this worker's.

    False when crash recovery put it back and another worker claimed it since
    (its ``started_at`` changed): that run does what remains. True, doing nothing,
    when ``the_task`` is not what a database worker is running (called directly).
    """
    current = _running.get()
    if (
        current is None
        or not hasattr(current, "db_result")  # another backend: no row to finish
        or current.task.module_path != the_task.module_path
    ):
        return True
    from django_tasks_db.models import DBTaskResult

    return bool(
        DBTaskResult.objects.filter(
            id=current.id, status="RUNNING", started_at=current.started_at
        ).update(status="SUCCESSFUL", finished_at=timezone.now(), return_value=return_value)
    )


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

    ``on_give_up(*args, error=..., **kwargs)`` runs after the last attempt, or at
    once when the body raises anything not transient; the exception is then
    raised again so the task shows as FAILED with its traceback.

    ``attempts`` and ``base_seconds`` are callables so settings are read when the
    task runs, not at import. The task takes an extra ``attempt`` keyword.
    """

    def decorate(body):
        @functools.wraps(body)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return body(*args, **kwargs)
            except TRANSIENT as exc:
                if attempt >= attempts():
                    if on_give_up:
                        on_give_up(*args, error=str(exc), **kwargs)
                    raise
                delay = backoff(attempt, base_seconds=base_seconds())
                note = f"attempt {attempt} failed ({exc}); attempt {attempt + 1} scheduled"
                with transaction.atomic():
                    if not _finish_running_task(the_task, note):
                        return f"attempt {attempt} failed ({exc}); taken over by another worker"
                    the_task.using(run_after=timezone.now() + delay).enqueue(
                        *args, attempt=attempt + 1, **kwargs
                    )
                return note
            except Exception as exc:
                if on_give_up:
                    on_give_up(*args, error=f"{type(exc).__name__}: {exc}", **kwargs)
                raise

        the_task = task(queue_name=queue_name)(run)
        return the_task

    return decorate


@task()
def purge_rate_counters() -> int:
    """Periodic: drop rate-limit windows older than a day."""
    return ratelimit.purge_older_than(dt.timedelta(days=1))


# Finished task results are deleted this long after they finished.
TASK_RESULTS_KEPT = dt.timedelta(days=1)


def delete_finished(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Delete task results that finished more than a day ago; how many.

    They are operational records: their arguments are ids, but an error or a
    traceback may quote an address, and a day is the shortest retention a group can
    choose (turnout.rsvp.privacy). The outcome that matters stays on the rows they
    worked on (a Message's status and error).
    """
    if not apps.is_installed("django_tasks_db"):  # another task backend keeps no rows here
        return 0
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    finished = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=now - TASK_RESULTS_KEPT
    )
    total = 0
    while True:
        with transaction.atomic():
            ids = list(finished.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return total
            total += DBTaskResult.objects.filter(pk__in=ids).delete()[0]


@task()
def delete_finished_task_results() -> int:
    """Periodic: drop finished task results a day old (``delete_finished``)."""
    return delete_finished()


@task()
def clear_expired_sessions() -> int:
    """Periodic: delete sessions past their expiry (Django leaves them in the table);
    how many went. Sessions live in the database (Django's default engine)."""
    return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]
