"""A real SMTP server on loopback (aiosmtpd) that records what it receives.

Used by the delivery tests (tests/mailing/test_delivery.py) and the benchmark
(bench/announcement.py). It can refuse chosen recipients at RCPT, for good (550)
or for now (450), and be stopped and started again on the same port to play a
mail server that goes down and comes back.
"""

import email
import email.policy
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Received:
    """One message as the server got it: envelope recipient and the raw bytes."""

    rcpt: str
    mail_from: str
    raw: bytes
    at: float = field(default_factory=time.monotonic)

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


class Recorder:
    """The aiosmtpd handler: records every message, refuses chosen recipients."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.rejected: set[str] = set()
        self.deferred: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 No such user here"
        if address.lower() in self.deferred:
            return "450 4.2.0 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        got = [
            Received(rcpt=rcpt.lower(), mail_from=envelope.mail_from, raw=envelope.content)
            for rcpt in envelope.rcpt_tos
        ]
        with self.lock:
            self.received.extend(got)
        return "250 Message accepted for delivery"


class SMTPServer:
    """``start()``, ``stop()``, ``start()`` again: always on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        """What a worker needs as ``TURNOUT_EMAIL_URL``."""
        return f"smtp://127.0.0.1:{self.port}?tls=off"

    def start(self) -> "SMTPServer":
        assert self.controller is None, "already running"
        deadline = time.monotonic() + 5
        while True:
            # A stopped controller's event loop is closed: every start needs a new one.
            controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
            try:
                controller.start()
            except OSError:  # the port may linger for a moment after a stop
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
                continue
            self.controller = controller
            return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def running(self) -> bool:
        return self.controller is not None

    def reject(self, address: str) -> None:
        """Answer 550 at RCPT for this address from now on."""
        self.recorder.rejected.add(address.lower())

    def defer(self, address: str) -> None:
        """Answer 450 (try again later) at RCPT for this address from now on."""
        self.recorder.deferred.add(address.lower())

    @property
    def received(self) -> list[Received]:
        with self.recorder.lock:
            return list(self.recorder.received)

    def count(self) -> int:
        with self.recorder.lock:
            return len(self.recorder.received)

    def per_recipient(self) -> Counter:
        with self.recorder.lock:
            return Counter(r.rcpt for r in self.recorder.received)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [r.message for r in self.received if r.rcpt == address.lower()]
