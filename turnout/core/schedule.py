"""Periodic jobs: what runs every so often, shared by however many workers run.

Each entry is (name, dotted path of a task, seconds between runs). Settings may add
entries (``TURNOUT_EXTRA_PERIODIC_JOBS``), which the tests use for a fast tick.
A worker claims a run with one conditional UPDATE on the job's row and enqueues
the task in the same transaction, so two workers never start the same run.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from turnout.core.models import ScheduledJob

PERIODIC_JOBS = [
    ("purge-rate-counters", "turnout.core.tasks.purge_rate_counters", 3600),
    ("expire-rsvp-holds", "turnout.rsvp.tasks.expire_holds", 60),
    ("send-rsvp-reminders", "turnout.rsvp.tasks.send_reminders", 60),
    ("anonymise-attendees", "turnout.rsvp.tasks.anonymise_attendees", 3600),
    ("refresh-ics-imports", "turnout.feeds.tasks.refresh_subscribed", 3600),
]


def periodic_jobs() -> list[tuple[str, str, float]]:
    return PERIODIC_JOBS + list(getattr(settings, "TURNOUT_EXTRA_PERIODIC_JOBS", []))


def enqueue_due_jobs() -> list[str]:
    """Enqueue every job whose time has come; returns the names this call enqueued."""
    now = timezone.now()
    started = []
    for name, task_path, seconds in periodic_jobs():
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
                import_string(task_path).enqueue()
                started.append(name)
    return started
