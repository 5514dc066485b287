"""``turnout worker``: django-tasks-db's worker plus Turnout's upkeep thread.

The upkeep thread, every few seconds, records a heartbeat for this worker,
enqueues periodic jobs that are due (turnout.core.schedule) and puts back to
READY any task left RUNNING by a worker whose heartbeat has stopped for longer
than the lease (it was killed). Such a task then runs again: tasks are written
to be idempotent, and an email sent just before a kill may go out twice (at most
one duplicate per kill).

A worker takes every queue in ``TASKS`` unless given some (``turnout worker --queue
NAME``): a deployment runs one for "default" and "email" and one for "imports" and
"federation", so a slow calendar server or fediverse inbox never holds up email. Every
worker runs the upkeep thread; the periodic jobs still start once per period, however
many run (turnout.core.schedule).
"""

import datetime as dt
import logging
import secrets
import threading

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from turnout.core import schedule
from turnout.core.models import WorkerHeartbeat

logger = logging.getLogger("turnout.worker")


def queues() -> list[str]:
    """Every queue tasks may be enqueued on (settings ``TASKS``)."""
    return list(settings.TASKS["default"]["QUEUES"])


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TURNOUT_WORKER_LEASE_SECONDS)


def recover_abandoned_tasks() -> int:
    """READY again every RUNNING task whose worker has been silent past the lease."""
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - lease()).values_list(
            "worker_id", flat=True
        )
    )
    recovered = 0
    running = DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids", "started_at")
    for result in running:
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        recovered += put_back(result)
    if recovered:
        logger.warning("Put %d abandoned task(s) back in the queue.", recovered)
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - 10 * lease()).delete()
    return recovered


def put_back(result: DBTaskResult) -> int:
    """READY again, if it is still the claim read in ``result``; returns 1 or 0.

    Several workers' upkeep may find the same abandoned task. The first puts it
    back and a worker claims it again at once; the others, acting on what they
    read before, must not put back that new, live claim (two workers would then
    run it side by side). A claim is known by its ``started_at``.
    """
    return DBTaskResult.objects.filter(
        id=result.id, status="RUNNING", started_at=result.started_at
    ).update(status="READY", started_at=None)


class Upkeep(threading.Thread):
    def __init__(self, worker_id: str, interval: float) -> None:
        super().__init__(name="turnout-upkeep", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()

    def beat(self) -> None:
        with transaction.atomic():
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id, defaults={"seen_at": timezone.now()}
            )

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.beat()
                schedule.enqueue_due_jobs()
                recover_abandoned_tasks()
            except Exception:  # keep beating: a passing database error must not stop upkeep
                logger.exception("Worker upkeep failed; trying again shortly.")
            finally:
                connection.close()
            self.stopped.wait(self.interval)


def run(*, queue_names: list[str] | None = None, interval: float = 0.2) -> None:
    worker_id = f"w-{secrets.token_hex(8)}"
    upkeep = Upkeep(worker_id, interval=settings.TURNOUT_WORKER_HEARTBEAT_SECONDS)
    upkeep.beat()  # alive before the first task is claimed
    upkeep.start()
    worker = Worker(
        queue_names=queue_names or queues(),
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    logger.info("turnout worker %s started on %s", worker_id, ", ".join(worker.queue_names))
    try:
        worker.run()
    finally:
        upkeep.stopped.set()
        upkeep.join(timeout=10)  # so its last beat cannot land after the goodbye below
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
