"""Fetching from a URL someone typed, without letting it reach inside: for any app
that fetches from the internet (calendar imports in turnout.feeds; federation next).

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
- stops after ``TIMEOUT_SECONDS`` in all, and after ``MAX_BYTES`` of body, read in
  chunks so a huge answer is never held in memory.

``TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES`` (off in production mode, on in debug,
demo and test runs) lets a development machine import from a server on itself.

Its one caller so far is the calendar import, which still shows in the User-Agent, the
Accept header and the message for an answer too large: the next caller makes them
arguments.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "Turnout calendar import (+https://github.com/turnout)"


class FetchRefused(Exception):
    """The URL cannot be fetched; ``message`` says why, for the organiser."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    body: bytes
    content_type: str


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


def resolve(host: str, port: int) -> str:
    """The one address to connect to, checked; FetchRefused when it may not be reached."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
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
    if not allow_private_addresses() and not all(is_public_address(a) for a in addresses):
        raise FetchRefused(
            _("This address points inside the server's own network; it cannot be fetched."),
            code="private",
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand; Host stays the host name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above over TLS: SNI and the certificate check use the host name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _timed_out() -> FetchRefused:
    return FetchRefused(
        _("The server took too long to answer (more than %(seconds)s seconds).")
        % {"seconds": int(TIMEOUT_SECONDS)},
        code="timeout",
    )


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timed_out()
    return left


def _too_large() -> FetchRefused:
    return FetchRefused(
        _("The calendar is larger than %(mb)s MB; it cannot be imported.")
        % {"mb": MAX_BYTES // (1024 * 1024)},
        code="too_large",
    )


def _read_body(response: http.client.HTTPResponse, sock, deadline: float) -> bytes:
    length = response.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > MAX_BYTES:
        raise _too_large()
    chunks, total = [], 0
    while True:
        if sock is not None:
            sock.settimeout(_remaining(deadline))
        chunk = (
            response.read1(CHUNK_BYTES)
            if hasattr(response, "read1")
            else response.read(CHUNK_BYTES)
        )
        if not chunk:
            break
        total += len(chunk)
        if total > MAX_BYTES:
            raise _too_large()
        chunks.append(chunk)
        _remaining(deadline)
    return b"".join(chunks)


def _one_request(url: str, deadline: float):
    """(status, location or None, Fetched or None) for one request, nothing followed."""
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address=address, timeout=_remaining(deadline))
    try:
        connection.request(
            "GET",
            target,
            headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"},
        )
        response = connection.getresponse()
        if response.status in REDIRECT_STATUSES:
            return response.status, response.getheader("Location"), None
        if response.status != 200:
            return response.status, None, None
        body = _read_body(response, connection.sock, deadline)
        return (
            200,
            None,
            Fetched(url=url, body=body, content_type=response.getheader("Content-Type", "")),
        )
    finally:
        connection.close()


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """GET ``url`` under every rule above; FetchRefused with the organiser's message.

    ``timeout`` bounds the whole fetch, redirects included (tests shorten it)."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            status, location, fetched = _one_request(url, deadline)
        except FetchRefused:
            raise
        except TimeoutError:
            raise _timed_out() from None
        except ssl.SSLError:
            raise FetchRefused(
                _("A secure connection to the server could not be made (its certificate?)."),
                code="tls",
            ) from None
        except (OSError, http.client.HTTPException, ValueError):
            raise FetchRefused(
                _("The server could not be reached, or its answer was broken. Try again later."),
                code="unreachable",
            ) from None
        if fetched is not None:
            return fetched
        if location is None:
            raise FetchRefused(
                _("The server answered with an error (HTTP %(status)s).") % {"status": status},
                code="status",
            )
        url = urljoin(url, location.strip())
    raise FetchRefused(
        _("The address redirected more than %(count)s times; it cannot be fetched.")
        % {"count": MAX_REDIRECTS},
        code="redirects",
    )
