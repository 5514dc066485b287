"""Turnout's additions to django-tasks, called in-process: crash recovery, the
periodic schedule, back-off and retries.

The same behaviour with real worker processes is tested in
tests/mailing/test_delivery.py.
"""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.utils import timezone
from django_tasks.signals import task_finished, task_started
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tests import jobs
from turnout import cli
from turnout.core import schedule, worker
from turnout.core.models import ScheduledJob, WorkerHeartbeat
from turnout.core.tasks import TryAgain, backoff, retrying_task
from turnout.core.worker import Upkeep, put_back, recover_abandoned_tasks

LEASE = 60  # TURNOUT_WORKER_LEASE_SECONDS in the tests below


@pytest.fixture(autouse=True)
def short_settings(settings):
    settings.TURNOUT_WORKER_LEASE_SECONDS = LEASE
    settings.TURNOUT_EXTRA_PERIODIC_JOBS = [("test-tick", "tests.jobs.tick", 60)]


def running_task(*, worker_id: str) -> DBTaskResult:
    """A task claimed by ``worker_id``, as the worker leaves it while running it."""
    row = DBTaskResult.objects.get(pk=jobs.tick.enqueue().id)
    row.claim(worker_id)
    return row


def heartbeat(worker_id: str, *, seconds_ago: float) -> None:
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, seen_at=timezone.now() - dt.timedelta(seconds=seconds_ago)
    )


# --- crash recovery


def test_recover_abandoned_tasks_puts_back_a_task_whose_worker_went_silent(db):
    heartbeat("w-dead", seconds_ago=LEASE + 1)
    task = running_task(worker_id="w-dead")

    assert recover_abandoned_tasks() == 1

    task.refresh_from_db()
    assert (task.status, task.started_at, task.worker_ids) == ("READY", None, ["w-dead"])
    assert DBTaskResult.objects.ready().get() == task


def test_recover_abandoned_tasks_puts_back_a_task_whose_worker_never_beat(db):
    task = running_task(worker_id="w-unknown")

    assert recover_abandoned_tasks() == 1

    task.refresh_from_db()
    assert task.status == "READY"


def test_recover_abandoned_tasks_leaves_a_live_workers_task_alone(db):
    heartbeat("w-alive", seconds_ago=LEASE - 5)
    task = running_task(worker_id="w-alive")
    task.started_at = timezone.now() - dt.timedelta(seconds=10 * LEASE)  # a long task
    task.save()

    assert recover_abandoned_tasks() == 0

    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_recover_abandoned_tasks_looks_at_the_last_worker_only(db):
    """A task recovered once and claimed again belongs to its new worker."""
    heartbeat("w-alive", seconds_ago=1)
    task = running_task(worker_id="w-dead")
    task.claim("w-alive")

    assert recover_abandoned_tasks() == 0
    task.refresh_from_db()
    assert task.worker_ids == ["w-dead", "w-alive"]


def test_recover_abandoned_tasks_touches_no_finished_or_waiting_task(db):
    waiting = DBTaskResult.objects.get(pk=jobs.tick.enqueue().id)
    done = running_task(worker_id="w-dead")
    done.set_successful("tick")

    assert recover_abandoned_tasks() == 0

    assert DBTaskResult.objects.get(pk=waiting.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=done.pk).status == "SUCCESSFUL"


def test_recover_abandoned_tasks_never_puts_back_a_task_claimed_again_meanwhile(db):
    """Two workers' upkeep read the same abandoned task; the first puts it back and a
    worker claims it again; the second, acting on its stale read, must leave it."""
    task = running_task(worker_id="w-dead")
    read_by_second_upkeep = DBTaskResult.objects.get(pk=task.pk)
    assert recover_abandoned_tasks() == 1
    heartbeat("w-new", seconds_ago=0)
    DBTaskResult.objects.get(pk=task.pk).claim("w-new")

    assert put_back(read_by_second_upkeep) == 0

    task.refresh_from_db()
    assert (task.status, task.worker_ids) == ("RUNNING", ["w-dead", "w-new"])


def test_recover_abandoned_tasks_forgets_long_dead_workers(db):
    heartbeat("w-long-gone", seconds_ago=10 * LEASE + 1)
    heartbeat("w-recent", seconds_ago=LEASE + 1)

    recover_abandoned_tasks()

    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w-recent"]


def test_upkeep_beat_records_and_refreshes_the_heartbeat(db):
    upkeep = Upkeep("w-1", interval=1)
    heartbeat("w-1", seconds_ago=LEASE + 1)

    upkeep.beat()

    beat = WorkerHeartbeat.objects.get()
    assert beat.worker_id == "w-1"
    assert timezone.now() - beat.seen_at < dt.timedelta(seconds=5)


# --- periodic schedule


def ticks() -> int:
    return DBTaskResult.objects.filter(task_path="tests.jobs.tick").count()


def test_enqueue_due_jobs_enqueues_each_job_once_per_period(db):
    first = schedule.enqueue_due_jobs()
    second = schedule.enqueue_due_jobs()

    assert first == [name for name, _path, _seconds in schedule.periodic_jobs()]
    assert "test-tick" in first
    assert second == []
    assert ticks() == 1
    job = ScheduledJob.objects.get(name="test-tick")
    assert dt.timedelta(seconds=59) < job.next_run_at - timezone.now() <= dt.timedelta(seconds=60)


def test_enqueue_due_jobs_enqueues_again_when_the_period_is_over(db):
    schedule.enqueue_due_jobs()
    ScheduledJob.objects.filter(name="test-tick").update(
        next_run_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert schedule.enqueue_due_jobs() == ["test-tick"]
    assert schedule.enqueue_due_jobs() == []
    assert ticks() == 2


def test_enqueue_due_jobs_runs_a_missed_job_once_not_once_per_missed_period(db):
    schedule.enqueue_due_jobs()
    ScheduledJob.objects.filter(name="test-tick").update(
        next_run_at=timezone.now() - dt.timedelta(days=1)  # the workers were down for a day
    )

    assert schedule.enqueue_due_jobs() == ["test-tick"]
    assert schedule.enqueue_due_jobs() == []
    assert ticks() == 2


# --- back-off


def test_backoff_doubles_each_attempt_within_its_jitter():
    for attempt in range(1, 8):
        nominal = 30 * 2 ** (attempt - 1)
        delays = [backoff(attempt, base_seconds=30).total_seconds() for _ in range(200)]
        assert nominal * 0.8 <= min(delays)
        assert max(delays) <= nominal * 1.2
        # the ranges never overlap: attempt n+1 always waits longer than attempt n
        assert max(delays) < 2 * nominal * 0.8


def test_backoff_is_capped():
    delays = [backoff(30, base_seconds=30, cap_seconds=3600).total_seconds() for _ in range(200)]
    assert min(delays) >= 3600 * 0.8
    assert max(delays) <= 3600 * 1.2


def test_backoff_is_jittered_so_workers_do_not_retry_in_step():
    delays = {backoff(3, base_seconds=10).total_seconds() for _ in range(50)}
    assert len(delays) > 40
    assert min(delays) < 40 * 0.95 and max(delays) > 40 * 1.05


# --- retries


give_ups: list[dict] = []


def record_give_up(*, note: str, error: str) -> None:
    give_ups.append({"note": note, "error": error})


@retrying_task(attempts=lambda: 3, base_seconds=lambda: 30, on_give_up=record_give_up)
def flaky(*, note: str) -> str:
    if note == "fine":
        return "done"
    raise TryAgain(f"not now ({note})")


@pytest.fixture
def no_give_ups():
    give_ups.clear()
    yield give_ups
    give_ups.clear()


def test_retrying_task_success_returns_and_enqueues_nothing(db, no_give_ups):
    assert flaky.call(note="fine") == "done"
    assert not DBTaskResult.objects.exists()
    assert no_give_ups == []


def test_retrying_task_try_again_enqueues_the_next_attempt_later(db, no_give_ups):
    before = timezone.now()

    result = flaky.call(note="busy", attempt=1)

    assert result == "attempt 1 failed (not now (busy)); attempt 2 scheduled"
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "tests.core.test_worker.flaky"
    assert retry.args_kwargs == {"args": [], "kwargs": {"note": "busy", "attempt": 2}}
    assert retry.status == "READY"
    assert before + dt.timedelta(seconds=24) <= retry.run_after
    assert retry.run_after <= timezone.now() + dt.timedelta(seconds=36)
    assert not DBTaskResult.objects.ready().exists()  # not before its time
    assert no_give_ups == []


def test_retrying_task_attempts_are_counted_across_retries(db, no_give_ups):
    flaky.call(note="busy", attempt=2)

    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 3
    assert retry.run_after - timezone.now() > dt.timedelta(seconds=47)  # 2 x 30 s, -20%


def test_retrying_task_last_attempt_gives_up_and_fails(db, no_give_ups):
    with pytest.raises(TryAgain, match="not now"):
        flaky.call(note="busy", attempt=3)

    assert no_give_ups == [{"note": "busy", "error": "not now (busy)"}]
    assert not DBTaskResult.objects.exists()


@retrying_task(attempts=lambda: django_settings.TURNOUT_EMAIL_ATTEMPTS, base_seconds=lambda: 1)
def always_busy() -> None:
    raise TryAgain("no")


def test_retrying_task_reads_its_settings_when_it_runs_not_at_import(db, settings):
    settings.TURNOUT_EMAIL_ATTEMPTS = 2
    always_busy.call()
    assert DBTaskResult.objects.count() == 1

    settings.TURNOUT_EMAIL_ATTEMPTS = 1
    with pytest.raises(TryAgain):
        always_busy.call()
    assert DBTaskResult.objects.count() == 1


@retrying_task(attempts=lambda: 3, base_seconds=lambda: 30, on_give_up=record_give_up)
def fragile(*, note: str) -> str:
    if note == "locked":
        raise OperationalError("database is locked")
    raise KeyError(note)


def test_retrying_task_passing_database_error_is_retried(db, no_give_ups):
    result = fragile.call(note="locked", attempt=1)

    assert result == "attempt 1 failed (database is locked); attempt 2 scheduled"
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"note": "locked", "attempt": 2}
    assert no_give_ups == []


def test_retrying_task_unexpected_error_gives_up_at_once_and_fails(db, no_give_ups):
    """A bug is not bad luck: no retry, and what the task was doing shows as failed."""
    with pytest.raises(KeyError):
        fragile.call(note="bug", attempt=1)

    assert no_give_ups == [{"note": "bug", "error": "KeyError: 'bug'"}]
    assert not DBTaskResult.objects.exists()


def test_retrying_task_run_by_a_worker_finishes_the_run_with_the_retry(db, no_give_ups):
    first = jobs.run_as_a_worker(flaky.enqueue(note="busy").id)

    assert first.status == "SUCCESSFUL"
    assert first.return_value == "attempt 1 failed (not now (busy)); attempt 2 scheduled"
    [retry] = DBTaskResult.objects.exclude(pk=first.pk)
    assert (retry.status, retry.args_kwargs["kwargs"]) == ("READY", {"note": "busy", "attempt": 2})


def test_retrying_task_run_taken_over_by_another_worker_schedules_no_retry(db, no_give_ups):
    """This worker was thought dead: its run was put back and claimed by another
    worker, which will do what remains. A second retry would double the work."""
    row = DBTaskResult.objects.get(pk=flaky.enqueue(note="busy").id)
    row.claim("w-slow")
    ours = row.task_result
    row.claim("w-other")  # put back meanwhile, and claimed again

    task_started.send(sender=DatabaseBackend, task_result=ours)
    try:
        result = flaky.call(note="busy", attempt=1)
    finally:
        task_finished.send(sender=DatabaseBackend, task_result=ours)

    assert result == "attempt 1 failed (not now (busy)); taken over by another worker"
    assert list(DBTaskResult.objects.values_list("status", "worker_ids")) == [
        ("RUNNING", ["w-slow", "w-other"])
    ]


# --- queues: `turnout worker --queue NAME`


@pytest.fixture
def started_on(monkeypatch):
    """The queues each ``turnout worker`` run below was started on (none really runs)."""
    runs: list[list[str]] = []
    monkeypatch.setattr(worker, "run", lambda *, queue_names: runs.append(queue_names))
    return runs


def test_worker_takes_every_queue_by_default(started_on):
    assert cli.main(["worker"]) == 0

    assert started_on == [[]]  # run() then takes worker.queues()
    assert worker.queues() == ["default", "email", "imports", "federation"]


def test_worker_queue_option_is_repeatable(started_on):
    assert cli.main(["worker", "--queue", "default", "--queue", "email", "--queue", "email"]) == 0
    assert cli.main(["worker", "--queue", "imports"]) == 0

    assert started_on == [["default", "email"], ["imports"]]


def test_worker_refuses_a_queue_no_task_is_put_on(started_on, capsys):
    assert cli.main(["worker", "--queue", "imports", "--queue", "emails"]) == 2

    assert started_on == []
    assert capsys.readouterr().err == (
        "turnout worker: no queue emails (queues: default, email, imports, federation)\n"
    )


def test_calendar_fetches_are_queued_apart_from_email(db):
    from turnout.core.outbox import tasks as outbox_tasks
    from turnout.feeds import tasks as feeds_tasks

    assert feeds_tasks.fetch_source.queue_name == "imports"
    assert feeds_tasks.refresh_subscribed.queue_name == "imports"
    assert outbox_tasks.deliver.queue_name == "email"
