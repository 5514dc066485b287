"""``turnout demo`` as a real process: it serves, and a SIGTERM to it leaves nothing running.

A service manager or ``kill`` signals the ``turnout`` process alone, not its children
(the gunicorn server and the worker): they must stop with it.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    """Every live process under ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped; only its parent's wait is missing


def _command(pid: int) -> list[str]:
    """The process's command line, as its arguments."""
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return cmdline.read().decode().rstrip("\0").split("\0")


def _wait_for_page(url: str, process: subprocess.Popen, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "turnout demo stopped before serving"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (http://127.0.0.1)
                return response.status
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.mark.own_database  # the demo's own SQLite: the same in both passes
def test_demo_serves_and_stops_with_its_server_and_worker_on_sigterm(tmp_path):
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "TURNOUT_VAR_DIR": str(tmp_path / "var"),
    }
    with open(tmp_path / "demo.log", "wb") as log:
        demo = subprocess.Popen(
            [sys.executable, "-m", "turnout.cli", "demo", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    started: set[int] = set()
    try:
        assert _wait_for_page(f"http://127.0.0.1:{port}/", demo, seconds=120) == 200
        started = _descendants(demo.pid)
        commands = [_command(pid) for pid in started]
        # Two background workers, one for email and quick tasks, one for other servers...
        workers = sorted(c[c.index("worker") + 1 :] for c in commands if "worker" in c)
        assert workers == [
            ["--queue", "default", "--queue", "email"],
            ["--queue", "imports", "--queue", "federation"],
        ]
        # ...and gunicorn's two workers beside them.
        assert len(started) - len(workers) >= 2

        demo.send_signal(signal.SIGTERM)

        assert demo.wait(timeout=60) is not None
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in started if _alive(pid)], (tmp_path / "demo.log").read_text()
    finally:
        for pid in [demo.pid, *started, *_descendants(demo.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
