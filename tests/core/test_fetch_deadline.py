"""The whole fetch stops at its deadline, however the other side stalls it.

A server can hold a fetch with a trickle that never lets a single read wait long:
one header line a second (slow loris), or a body a byte at a time. A name lookup
that is never answered holds it before any connection. The deadline counts the
name lookup, the connection, the headers and the body together.
"""

import contextlib
import socket
import threading
import time

import pytest

from turnout.core import fetch

HEADER_LINES = 40  # one a second: the slow loris of issue 16 held a fetch 40 s


@contextlib.contextmanager
def slow_loris(*, in_body: bool = False, seconds: int = HEADER_LINES):
    """A server on 127.0.0.1 that answers every connection one line a second.

    Headers (``in_body`` False): a status line, then ``seconds`` header lines, then a
    calendar. Body (``in_body`` True): headers at once, then one byte a second. Yields
    the URL; ``server.held`` records how long each connection was kept open."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop, held = threading.Event(), []

    def answer(conn: socket.socket) -> None:
        start = time.monotonic()
        try:
            conn.recv(65536)  # the request
            if in_body:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n\r\n")
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for n in range(seconds):
                if stop.wait(1):
                    return
                conn.sendall(b"X" if in_body else f"X-Pad-{n}: {n}\r\n".encode())
            if not in_body:
                conn.sendall(b"Content-Length: 0\r\n\r\n")
        except OSError:
            pass  # the client hung up: that is the point
        finally:
            held.append(time.monotonic() - start)
            conn.close()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    try:
        yield type("Loris", (), {"url": f"http://127.0.0.1:{port}/cal.ics", "held": held})
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def timed(url: str, timeout: float) -> tuple[fetch.FetchRefused, float]:
    start = time.monotonic()
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(url, timeout=timeout)
    return refused.value, time.monotonic() - start


def test_fetch_slow_loris_headers_stop_at_the_total_deadline():
    with slow_loris() as server:
        refused, took = timed(server.url, timeout=2)

    assert took < 3.5
    assert refused.code == "timeout"
    assert refused.message == "The server took too long to answer (more than 2 seconds)."


def test_fetch_body_trickling_forever_stops_at_the_total_deadline():
    with slow_loris(in_body=True, seconds=600) as server:
        refused, took = timed(server.url, timeout=2)

    assert took < 3.5
    assert refused.code == "timeout"


def test_fetch_name_lookup_never_answered_stops_at_the_total_deadline(monkeypatch):
    """No resolver on loopback can be made to stall getaddrinfo, so the lookup itself
    stands in: it blocks as an unanswered resolver would (released after the test)."""
    released = threading.Event()

    def stalled(*args, **kwargs):
        released.wait(30)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", stalled)
    try:
        refused, took = timed("https://calendar.allies.example/cal.ics", timeout=1)
    finally:
        released.set()

    assert took < 2.5
    assert refused.code == "timeout"


def test_fetch_deadline_is_a_setting(settings):
    settings.TURNOUT_IMPORT_TIMEOUT_SECONDS = 2
    with slow_loris() as server:
        start = time.monotonic()
        with pytest.raises(fetch.FetchRefused) as refused:
            fetch.fetch(server.url)
        took = time.monotonic() - start

    assert took < 3.5
    assert refused.value.message == "The server took too long to answer (more than 2 seconds)."
