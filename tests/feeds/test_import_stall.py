"""A stalling calendar server cannot hold up email (issue 16, finding 4).

Real processes, as a deployment runs them: one ``turnout worker --queue imports`` and
one ``turnout worker --queue default --queue email``, on the test database, mailing
a real SMTP server on loopback. A slow-loris calendar server holds the import fetch;
an RSVP made meanwhile still has its confirmation email delivered within seconds,
and the fetch ends at its deadline with a clear message on the import page.
"""

import subprocess
import sys
import time

import pytest
from django_tasks_db.models import DBTaskResult

from tests.core.test_fetch_deadline import slow_loris
from tests.factories import make_event
from tests.processes import ROOT, wait_for, worker_env
from turnout.core import schedule
from turnout.core.models import ScheduledJob
from turnout.feeds.models import ImportSource
from turnout.rsvp.services import registration

NEW = "/organise/groups/uig/imports/new/"
FETCHES = DBTaskResult.objects.filter(task_path="turnout.feeds.tasks.fetch_source")
DEADLINE = 4  # seconds, the workers' TURNOUT_IMPORT_TIMEOUT_SECONDS


@pytest.fixture
def deployment(transactional_db, smtp, tmp_path):
    """``deployment()`` starts the two workers a deployment runs; stopped after the test."""
    started: list[subprocess.Popen] = []

    def start() -> None:
        env = worker_env(TURNOUT_EMAIL_URL=smtp.url, TURNOUT_IMPORT_TIMEOUT_SECONDS=str(DEADLINE))
        for name, queues in (("imports", ["imports"]), ("email", ["default", "email"])):
            args = [arg for queue in queues for arg in ("--queue", queue)]
            with open(tmp_path / f"{name}.log", "wb") as log:
                started.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "turnout.cli", "worker", *args],
                        env=env,
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=log,
                        start_new_session=True,
                    )
                )

    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for log in sorted(tmp_path.glob("*.log")):
        print(f"--- {log.name}\n{log.read_text(errors='replace')}")


def test_slow_loris_import_neither_outlives_its_deadline_nor_delays_an_rsvp_email(
    deployment, organiser_client, group, smtp
):
    event = make_event(group=group, capacity=60)
    with slow_loris() as calendar:
        organiser_client.post(NEW, {"url": calendar.url, "mode": "allied"})
        source = ImportSource.objects.get()
        assert FETCHES.get().queue_name == "imports"
        deployment()
        wait_for(lambda: FETCHES.filter(status="RUNNING").exists(), timeout=30)
        fetch_started = time.monotonic()

        # In the same minute, someone signs up: their confirmation must not wait.
        registration.register(event=event, name="Rosa", email="rosa@example.org")
        queued = time.monotonic()
        wait_for(lambda: smtp.to("rosa@example.org"), timeout=30)
        email_took = time.monotonic() - queued

        wait_for(lambda: ImportSource.objects.get(pk=source.pk).state == "failed", timeout=60)
        fetch_took = time.monotonic() - fetch_started

    assert email_took < 5, f"the confirmation email took {email_took:.1f} s"
    assert fetch_took < DEADLINE + 3, f"the fetch was held {fetch_took:.1f} s"
    html = organiser_client.get(f"/organise/groups/uig/imports/{source.pk}/").content.decode()
    assert f"The server took too long to answer (more than {DEADLINE} seconds)." in html
    assert FETCHES.get().status == "SUCCESSFUL"  # the task ended; the source says why
    # Both workers run the schedule; each periodic job still started once, on its queue.
    refreshes = DBTaskResult.objects.filter(task_path="turnout.feeds.tasks.refresh_subscribed")
    assert list(refreshes.values_list("queue_name", flat=True)) == ["imports"]
    assert ScheduledJob.objects.count() == len(schedule.periodic_jobs())
    for job in schedule.periodic_jobs():
        assert DBTaskResult.objects.filter(task_path=job.task.module_path).count() == 1, job.name
