"""Tasks used only by the tests (imported by real worker processes), and running a
queued task in the test's own process as ``turnout worker`` would."""

from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_as_a_worker(task_id) -> DBTaskResult:
    """Claim and run one task in this process the way ``turnout worker`` does."""
    row = DBTaskResult.objects.get(pk=task_id)
    row.claim("w-test")
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-test",
        excluded_queue_names=[],
    ).run_task(row)
    return DBTaskResult.objects.get(pk=task_id)


@task()
def tick() -> str:
    return "tick"


@task()
def sleep_then_succeed(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "slept"
