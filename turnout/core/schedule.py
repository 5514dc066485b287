"""Periodic jobs: what runs every so often, shared by however many workers run.

Each app registers its own jobs in its ``AppConfig.ready()``: ``register(name=...,
task=..., every=seconds)``, with the task itself, so core names no app above it.
Settings may add jobs (``TURNOUT_EXTRA_PERIODIC_JOBS``), which the tests use for a
fast tick. A worker claims a run with one conditional UPDATE on the job's row and
enqueues the task in the same transaction, so two workers never start the same run.
"""

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from turnout.core.models import ScheduledJob


class Job(NamedTuple):
    name: str  # the ScheduledJob row's name: keep it, or the job runs at once under a new one
    task: Task
    every: float  # seconds between runs


_registered: dict[str, Job] = {}


def register(*, name: str, task: Task, every: float) -> None:
    """Run ``task`` (with no arguments) every ``every`` seconds. Registering the same job
    again changes nothing (apps may be made ready twice); another job of that name is a
    mistake."""
    job = Job(name, task, every)
    if _registered.setdefault(name, job) != job:
        raise ValueError(f"Another periodic job is registered as {name!r}.")


def periodic_jobs() -> list[Job]:
    """The registered jobs, in the order the apps registered them, then the extra ones
    from settings. Those are (name, dotted path of a task, seconds): settings are read
    before any app is loaded, so they name a task rather than hold it."""
    extra = getattr(settings, "TURNOUT_EXTRA_PERIODIC_JOBS", [])
    return [
        *_registered.values(),
        *(Job(name, import_string(path), every) for name, path, every in extra),
    ]


def enqueue_due_jobs() -> list[str]:
    """Enqueue every job whose time has come; returns the names this call enqueued."""
    now = timezone.now()
    started = []
    for name, task, seconds in periodic_jobs():
        if not ScheduledJob.objects.filter(name=name).exists():
            try:
                with transaction.atomic():
                    ScheduledJob.objects.create(name=name, next_run_at=now)
            except IntegrityError:  # another worker created it first
                pass
        with transaction.atomic():
            claimed = ScheduledJob.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + dt.timedelta(seconds=seconds)
            )
            if claimed:
                task.enqueue()
                started.append(name)
    return started
