"""Real processes for tests: ``turnout worker`` on the test database, and an SMTP server."""

import os
import signal
import subprocess
import sys
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="turnout.test_settings",
        TURNOUT_DATABASE_URL=database_url(),
        TURNOUT_WORKER_HEARTBEAT_SECONDS="0.5",
        TURNOUT_WORKER_LEASE_SECONDS="3",
        TURNOUT_EMAIL_RETRY_SECONDS="0.5",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


class Workers:
    """Start, kill and stop ``turnout worker`` processes; always stopped by the fixture."""

    def __init__(self, **env: str) -> None:
        self.env = env
        self.processes: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> list[subprocess.Popen]:
        started = [
            subprocess.Popen(
                [sys.executable, "-m", "turnout.cli", "worker"],
                env=worker_env(**self.env),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            for _ in range(count)
        ]
        self.processes += started
        return started

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


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; return its value or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
