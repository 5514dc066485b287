"""The test's side of the peer: start it as its own process, drive it through
``/_control/``, read what it received (tests/federation/peer/__init__.py)."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.processes import ROOT

START_TIMEOUT = 15


class PeerProcess:
    """``python -m tests.federation.peer`` on ``host``, its state in ``state``."""

    def __init__(self, *, host: str, state: Path) -> None:
        self.host = host
        self.state = state
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "PeerProcess":
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.state / "stderr.log", "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.federation.peer", "--host", self.host,
                 "--port", "0", "--state", str(self.state)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )  # fmt: skip
        port_file = self.state / "port"
        deadline = time.monotonic() + START_TIMEOUT
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the peer did not start: {self.logs()}")
            time.sleep(0.05)
        self.url = f"http://{self.host}:{port_file.read_text()}"
        return self

    @property
    def actor_id(self) -> str:
        return f"{self.url}/users/ana"

    def resolve(self, handle: str) -> dict:
        """Find ``handle`` as Mastodon's search does: its WebFinger JRD and actor."""
        return self._control("resolve", {"handle": handle})

    def follow(self, handle: str, *, broken_signature: bool = False) -> dict:
        """Follow ``handle`` as Mastodon's button does; what each step gave."""
        return self._control("follow", {"handle": handle, "broken_signature": broken_signature})

    def _control(self, action: str, asked: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/_control/{action}", data=json.dumps(asked).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"the peer's {action} failed: {error.read()!r}") from error

    def received(self) -> list[dict]:
        """Every POST its inboxes received so far, in order (the JSON-lines file)."""
        path = self.state / "received.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def wait_for(self, predicate, *, timeout: float = 15) -> dict:
        """The first received entry ``predicate`` accepts, polled until ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.received():
                if predicate(entry):
                    return entry
            time.sleep(0.05)
        raise AssertionError(
            f"the peer received nothing of the kind within {timeout}s; it got:\n"
            + json.dumps(self.received(), indent=1)[:6000]
        )

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n{(self.state / name).read_text(errors='replace')}"
            for name in ("stderr.log", "access.log")
            if (self.state / name).exists()
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
