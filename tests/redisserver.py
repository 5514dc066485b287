"""A throwaway Redis server for the tests of the shared page cache (Debian's
``redis-server``): its own port and folder, no file written to disk, stopped at the end.

Missing, it fails the test with what to install: CI forbids skipping."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.postgres import _free_port

REDIS_SERVER = "/usr/bin/redis-server"


class ThrowawayRedis:
    def __init__(self) -> None:
        if not Path(REDIS_SERVER).exists():
            raise RuntimeError(
                f"{REDIS_SERVER} not found: install redis-server (see README's apt-get line)"
            )
        self.dir = Path(tempfile.mkdtemp(prefix="turnout-redis-"))
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self) -> "ThrowawayRedis":
        for _attempt in range(3):  # the free port may be taken meanwhile
            self.port = _free_port()
            self.process = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--dir", str(self.dir), "--save", "", "--appendonly", "no",
                 "--logfile", str(self.dir / "redis.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            if self._answers():
                return self
            self.process.kill()
            self.process.wait()
        raise RuntimeError(f"redis-server did not start: {self.dir / 'redis.log'}")

    def _answers(self, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"
