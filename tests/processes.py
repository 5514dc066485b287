"""Real processes for tests: ``turnout worker`` on the test database (SMTP: tests/smtp.py)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the test database this process uses, for other processes to open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def worker_env(**extra: str) -> dict:
    """The environment of a test worker; ``extra`` may override any default here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="turnout.test_settings",
        TURNOUT_DATABASE_URL=database_url(),
        TURNOUT_WORKER_HEARTBEAT_SECONDS="0.5",
        TURNOUT_WORKER_LEASE_SECONDS="3",
        TURNOUT_EMAIL_RETRY_SECONDS="0.5",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class Workers:
    """Start, kill and stop ``turnout worker`` processes (on ``queues`` only, if given:
    every queue otherwise); always stopped by the fixture.

    Each worker's stderr goes to a file (``logs()`` reads them all): a pipe nobody
    reads would fill up with log lines and block the worker.
    """

    def __init__(self, *, queues: tuple[str, ...] = (), **env: str) -> None:
        self.env = env
        self.queue_args = [arg for queue in queues for arg in ("--queue", queue)]
        self.processes: list[subprocess.Popen] = []
        self.log_dir = Path(tempfile.mkdtemp(prefix="turnout-workers-"))

    def start(self, count: int = 1) -> list[subprocess.Popen]:
        started = []
        for _ in range(count):
            log = self.log_dir / f"worker-{len(self.processes) + 1}.log"
            with open(log, "wb") as stderr:
                process = subprocess.Popen(
                    [sys.executable, "-m", "turnout.cli", "worker", *self.queue_args],
                    env=worker_env(**self.env),
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    start_new_session=True,
                )
            self.processes.append(process)
            started.append(process)
        return started

    def logs(self) -> str:
        """Everything the workers wrote to stderr, one section per worker."""
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')}"
            for log in sorted(self.log_dir.glob("*.log"))
        )

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def remove_logs(self) -> None:
        shutil.rmtree(self.log_dir, ignore_errors=True)


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; return its value or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
