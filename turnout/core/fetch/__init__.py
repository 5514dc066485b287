"""Fetching from a URL someone typed, without letting it reach inside: for any app
that fetches from the internet (calendar imports in turnout.feeds, federation).

A URL chosen by a user (or by another server) must not become a way to read the
server's own network (server-side request forgery). Every fetch here:

- accepts only http and https, on any port;
- resolves the host name once, refuses it in production mode when any address it
  resolves to is private, loopback, link-local (169.254.0.0/16, so 169.254.169.254
  too), multicast, reserved, unspecified or otherwise not global, IPv4 and IPv6 alike
  (an IPv4-mapped IPv6 address is judged as the IPv4 address it carries);
- connects to the very address it checked (no second lookup, so a name that
  answers differently the second time, DNS rebinding, gains nothing), with the
  Host header and the TLS server name (SNI, and the certificate check) set to the
  host name from the URL;
- follows at most ``MAX_REDIRECTS`` redirects, each checked again from the start;
- stops after ``TURNOUT_IMPORT_TIMEOUT_SECONDS`` (10) in all: name resolution,
  connection, TLS, headers and body, redirects included. A timeout on each read would
  not bound that: a server sending one header line or one byte a second never lets a
  read wait long (slow loris). So a watchdog timer shuts the socket down at the
  deadline, which ends whatever read is blocked, and the name lookup runs in a thread
  that is waited for no longer than the time left;
- stops after ``MAX_BYTES`` of body, read in chunks so a huge answer is never held in
  memory.

A fetch that stalls therefore ends at its deadline; and calendar fetches run on their
own task queue ("imports", turnout.feeds.tasks), so even while one waits its full time
the worker that sends email is not the one waiting.

``TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES`` (off in production mode, on in debug,
demo and test runs) lets a development machine import from a server on itself.

The calendar import fetches with the defaults; federation passes its own ``Options``
and POSTs with ``post`` (no redirect followed with a signed body).
"""

import dataclasses
import http.client
import ipaddress
import math
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from turnout.core.fetch.pinned import (
    PinnedHTTPConnection,
    PinnedHTTPSConnection,
    Watchdog,
    remaining,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "Turnout calendar import (+https://github.com/turnout)"
CALENDAR_ACCEPT = "text/calendar, */*;q=0.5"


class FetchRefused(Exception):
    """The URL cannot be fetched; ``message`` says why, for the organiser."""

    def __init__(self, message: str, *, code: str, status: int | None = None):
        super().__init__(message)
        self.message, self.code = message, code
        self.status = status  # the HTTP status, when the server answered with an error


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    body: bytes
    content_type: str
    status: int = 200


@dataclass(frozen=True)
class Options:
    """How one fetch is made; the defaults are the calendar import's."""

    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    accept: str = CALENDAR_ACCEPT
    user_agent: str = USER_AGENT
    max_bytes: int = MAX_BYTES
    allow_private: bool | None = None  # None: TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES


def allow_private_addresses() -> bool:
    return settings.TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES


def is_public_address(address: str) -> bool:
    """True for an address on the public internet; False for anything else."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # 2002::/16 (6to4) carries an IPv4 address: judged by it too.
    if ip.version == 6 and ip.sixtofour and not is_public_address(str(ip.sixtofour)):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL that may be fetched, or FetchRefused."""
    if not isinstance(url, str) or len(url) > 2000 or any(c in url for c in "\r\n\t\0 "):
        raise FetchRefused(_("This is not a web address."), code="invalid")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise FetchRefused(_("This is not a web address."), code="invalid") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise FetchRefused(_("Only http:// and https:// addresses can be fetched."), code="scheme")
    if not host:
        raise FetchRefused(_("This web address has no host name."), code="invalid")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(
            _("Web addresses with a user name or password cannot be fetched."), code="userinfo"
        )
    scheme = parts.scheme.lower()
    return scheme, host, port or (443 if scheme == "https" else 80)


def timeout_seconds() -> float:
    return settings.TURNOUT_IMPORT_TIMEOUT_SECONDS


def _lookup(host: str, port: int, deadline: float) -> list:
    """``socket.getaddrinfo`` waited for until ``deadline`` at most.

    The system resolver has no deadline of its own to give it (its timeouts and
    retries are in resolv.conf), so it runs in a daemon thread, left to finish on its
    own when the fetch has given up on it."""
    outcome: dict = {}

    def look_up() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except Exception as exc:  # handed to the waiting thread below
            outcome["error"] = exc

    thread = threading.Thread(target=look_up, name="turnout-fetch-lookup", daemon=True)
    thread.start()
    thread.join(remaining(deadline))
    if thread.is_alive():
        raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]
    return outcome["infos"]


def resolve(host: str, port: int, deadline: float, *, allow_private: bool | None = None) -> str:
    """The one address to connect to, checked; FetchRefused when it may not be reached."""
    try:
        infos = _lookup(host, port, deadline)
    except TimeoutError:
        raise
    except (socket.gaierror, UnicodeError, OSError):
        raise FetchRefused(
            _("The host name “%(host)s” could not be found. Check the address.") % {"host": host},
            code="dns",
        ) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchRefused(
            _("The host name “%(host)s” could not be found. Check the address.") % {"host": host},
            code="dns",
        )
    if allow_private is None:
        allow_private = allow_private_addresses()
    if not allow_private and not all(is_public_address(a) for a in addresses):
        raise FetchRefused(
            _("This address points inside the server's own network; it cannot be fetched."),
            code="private",
        )
    return addresses[0]


def _timed_out(seconds: float) -> FetchRefused:
    return FetchRefused(
        _("The server took too long to answer (more than %(seconds)s seconds).")
        % {"seconds": math.ceil(seconds)},
        code="timeout",
    )


def _too_large(max_bytes: int) -> FetchRefused:
    message = _("The calendar is larger than %(mb)s MB; it cannot be imported.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }  # federation's smaller limits are only logged: no person reads them in a page
    return FetchRefused(
        message if max_bytes == MAX_BYTES else f"Over {max_bytes} bytes.", code="too_large"
    )


def _read_body(response: http.client.HTTPResponse, deadline: float, max_bytes: int) -> bytes:
    length = response.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > max_bytes:
        raise _too_large(max_bytes)
    chunks, total = [], 0
    while True:
        chunk = (
            response.read1(CHUNK_BYTES)
            if hasattr(response, "read1")
            else response.read(CHUNK_BYTES)
        )
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
        remaining(deadline)
    return b"".join(chunks)


def _one_request(url: str, watchdog: Watchdog, options: Options):
    """(status, location or None, Fetched or None) for one request, nothing followed."""
    scheme, host, port = check_url(url)
    address = resolve(host, port, watchdog.deadline, allow_private=options.allow_private)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
    connection = kind(host, port, address=address, watchdog=watchdog)
    headers = {"User-Agent": options.user_agent, "Accept": options.accept}
    headers.update(options.headers)
    try:
        connection.request(options.method, target, body=options.body, headers=headers)
        response = connection.getresponse()
        if response.status in REDIRECT_STATUSES and options.method == "GET":
            return response.status, response.getheader("Location"), None
        if not (200 <= response.status < 300) or (
            options.method == "GET" and response.status != 200
        ):
            return response.status, None, None
        body = _read_body(response, watchdog.deadline, options.max_bytes)
        return (
            response.status,
            None,
            Fetched(
                url=url,
                body=body,
                content_type=response.getheader("Content-Type", ""),
                status=response.status,
            ),
        )
    finally:
        watchdog.watch(None)
        connection.close()


def fetch(url: str, *, timeout: float | None = None, options: Options | None = None) -> Fetched:
    """GET ``url`` under every rule above; FetchRefused with the organiser's message.

    ``timeout`` (by default the setting) bounds the whole fetch, redirects included."""
    options = options or Options()
    seconds = timeout_seconds() if timeout is None else timeout
    with Watchdog(time.monotonic() + seconds) as watchdog:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                status, location, fetched = _one_request(url, watchdog, options)
            except FetchRefused:
                raise
            except (OSError, http.client.HTTPException, ValueError) as exc:
                # Whatever a socket shut down by the watchdog raised, it was the deadline.
                if watchdog.fired.is_set() or isinstance(exc, TimeoutError):
                    raise _timed_out(seconds) from None
                raise _failed(exc) from None
            if watchdog.fired.is_set():  # a body read to a cut-off end is not the body
                raise _timed_out(seconds)
            if fetched is not None:
                return fetched
            if location is None:
                raise FetchRefused(
                    _("The server answered with an error (HTTP %(status)s).") % {"status": status},
                    code="status",
                    status=status,
                )
            url = urljoin(url, location.strip())
    raise FetchRefused(
        _("The address redirected more than %(count)s times; it cannot be fetched.")
        % {"count": MAX_REDIRECTS},
        code="redirects",
    )


def post(url: str, *, body: bytes, options: Options, timeout: float | None = None) -> Fetched:
    """POST ``body`` to ``url`` under the same rules; any 2xx answer is success, and a
    redirect is refused like any other status (``code="status"``)."""
    return fetch(
        url,
        timeout=timeout,
        options=dataclasses.replace(options, method="POST", body=body),
    )


def _failed(exc: Exception) -> FetchRefused:
    if isinstance(exc, ssl.SSLError):
        return FetchRefused(
            _("A secure connection to the server could not be made (its certificate?)."),
            code="tls",
        )
    return FetchRefused(
        _("The server could not be reached, or its answer was broken. Try again later."),
        code="unreachable",
    )
