"""The sockets of a fetch (turnout.core.fetch): pinned to the address checked, and shut
down by a watchdog at the fetch's deadline, wherever it waits."""

import contextlib
import http.client
import socket
import ssl
import threading
import time


class Watchdog:
    """Shuts the fetch's socket down when the deadline passes, wherever the fetch waits.

    A blocked read on a socket shut down from another thread returns at once (an end
    of file, or an error); the fetch then sees ``fired`` and reports the timeout, so
    a body cut short is never taken for the whole. One watchdog serves every hop of a
    fetch: each connection is ``watch``ed while it is open."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = threading.Event()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> "Watchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        """Guard ``sock`` from now on (None: the connection is closed, guard nothing)."""
        with self._lock:
            if sock is not None and self.fired.is_set():
                sock.close()
                raise TimeoutError
            self._sock = sock

    def _fire(self) -> None:
        with self._lock:
            self.fired.set()
            sock = self._sock
        if sock is not None:
            # The plain socket's shutdown, also under TLS: SSLSocket.shutdown would drop
            # its TLS state while the fetch's thread is reading with it. OSError: closed.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def connect(self, address: str, port: int) -> socket.socket:
        # One address, one connect call: its timeout bounds it by the time left.
        sock = socket.create_connection((address, port), remaining(self.deadline))
        self.watch(sock)
        return sock


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand; Host stays the host name."""

    def __init__(self, host, port, *, address, watchdog):
        super().__init__(host, port, timeout=remaining(watchdog.deadline))
        self._address, self._watchdog = address, watchdog

    def connect(self):
        self.sock = self._watchdog.connect(self._address, self.port)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above over TLS: SNI and the certificate check use the host name."""

    def __init__(self, host, port, *, address, watchdog):
        super().__init__(
            host,
            port,
            timeout=remaining(watchdog.deadline),
            context=ssl.create_default_context(),
        )
        self._address, self._watchdog = address, watchdog

    def connect(self):
        sock = self._watchdog.connect(self._address, self.port)
        tls = self._context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self._watchdog.watch(tls)  # wrapping took over the plain socket
        self.sock = tls
        tls.do_handshake()


def remaining(deadline: float) -> float:
    """Seconds left before ``deadline``; TimeoutError when none are (fetch() words it)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left
