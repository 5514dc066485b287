"""Fetching a URL (turnout.core.fetch) from a real HTTP server on 127.0.0.1.

In production mode (TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES off) anything inside the
server's own network is refused, after DNS and on every redirect; in test mode the
local server is fetched. Only what lies outside Turnout is stood in for: the DNS
answer and where a connection to a public address really goes.
"""

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from turnout.core import fetch

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Allies//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:one@allies.example\r\nSUMMARY:Solidarity picnic\r\n"
    b"DTSTART;TZID=Europe/Kyiv:20300612T180000\r\nDTEND;TZID=Europe/Kyiv:20300612T200000\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)
PUBLIC = "93.184.215.14"  # a public address; connections to it are sent to the local server


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append((self.path, self.headers.get("Host")))
        path, _, query = self.path.partition("?")
        if path == "/cal.ics":
            self._send(200, self.server.body, "text/calendar; charset=utf-8")
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", query.removeprefix("to="))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path.startswith("/hop"):
            n = int(path.removeprefix("/hop") or 0)
            self.send_response(301)
            self.send_header("Location", f"/hop{n + 1}" if n < 20 else "/cal.ics")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            try:
                for _i in range(100):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif path in {"/huge", "/huge-declared"}:
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            if path == "/huge-declared":
                self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            chunk = b"X" * 65536
            try:
                for _i in range(50 * 16):  # up to 50 MB, unless the client hangs up first
                    self.wfile.write(chunk)
                    self.server.sent += len(chunk)
            except OSError:
                pass
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve():
    """A real HTTP server on 127.0.0.1; ``.url(path)`` builds its addresses, ``.body`` is
    the calendar it serves and ``.seen`` the (path, Host) of each request."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.body, server.seen, server.sent = ICS, [], 0
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def ics_server():
    with serve() as server:
        yield server


@pytest.fixture
def production(settings):
    settings.TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES = False


@pytest.fixture
def public_dns(monkeypatch, ics_server):
    """allied.example resolves to a public address (then, asked again, to 127.0.0.1, as
    a rebinding attacker would answer); connections to the public address reach the
    local server. Returns the lists of lookups and connections made."""
    lookups, connections = [], []
    real_lookup, real_create = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "allied.example":
            return real_lookup(host, port, *args, **kwargs)
        lookups.append(host)
        address = PUBLIC if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def create_connection(address, *args, **kwargs):
        connections.append(address)
        if address[0] == PUBLIC:
            address = ("127.0.0.1", ics_server.server_port)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return lookups, connections


# --- which addresses are public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",  # noqa: S104
        "224.0.0.1", "240.0.0.1", "100.64.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1", "not-an-ip",
    ],
)  # fmt: skip
def test_is_public_address_refuses_inside_addresses(address):
    assert fetch.is_public_address(address) is False


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111"])
def test_is_public_address_accepts_public_addresses(address):
    assert fetch.is_public_address(address) is True


# --- test mode: the local server is fetched


def test_fetch_in_test_mode_reads_the_local_server(ics_server):
    fetched = fetch.fetch(ics_server.url("/cal.ics"))

    assert fetched.body == ICS
    assert fetched.content_type == "text/calendar; charset=utf-8"
    assert ics_server.seen == [("/cal.ics", f"127.0.0.1:{ics_server.server_port}")]


def test_fetch_follows_a_redirect(ics_server):
    fetched = fetch.fetch(ics_server.url("/redirect?to=/cal.ics"))

    assert fetched.body == ICS
    assert fetched.url == ics_server.url("/cal.ics")


def test_fetch_refuses_more_than_five_redirects(ics_server):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(ics_server.url("/hop0"))

    assert refused.value.code == "redirects"
    assert refused.value.message == (
        "The address redirected more than 5 times; it cannot be fetched."
    )
    assert len(ics_server.seen) == 6


def test_fetch_stops_reading_a_huge_answer_at_5_mb(ics_server):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(ics_server.url("/huge"))

    assert refused.value.code == "too_large"
    assert refused.value.message == "The calendar is larger than 5 MB; it cannot be imported."
    time.sleep(0.2)
    assert ics_server.sent < 50 * 1024 * 1024


def test_fetch_refuses_a_declared_huge_answer_without_reading_it(ics_server):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(ics_server.url("/huge-declared"))

    assert refused.value.code == "too_large"


def test_fetch_gives_up_on_a_slow_server(ics_server):
    started = time.monotonic()

    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(ics_server.url("/slow"), timeout=1)

    assert refused.value.code == "timeout"
    assert time.monotonic() - started < 3


def test_fetch_reports_an_error_status(ics_server):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(ics_server.url("/missing.ics"))

    assert refused.value.message == "The server answered with an error (HTTP 404)."


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.org/cal.ics", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:25/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http://", "invalid"),
        ("http://user:pw@example.org/", "userinfo"),
        ("http://example.org:99999/", "invalid"),
        ("http://exa mple.org/", "invalid"),
    ],
)
def test_fetch_refuses_what_is_not_a_web_address(url, code):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(url)

    assert refused.value.code == code


def test_fetch_of_an_unknown_host_says_so():
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch("http://no-such-host.invalid/cal.ics")

    assert refused.value.code == "dns"


# --- production mode: nothing inside the server's network


INSIDE = "This address points inside the server's own network; it cannot be fetched."


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    "where",
    [
        "http://127.0.0.1:{port}/cal.ics",
        "http://localhost:{port}/cal.ics",
        "http://[::1]:{port}/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:{port}/cal.ics",
        "http://0.0.0.0:{port}/cal.ics",
        "http://2130706433:{port}/cal.ics",  # 127.0.0.1 written as one number
    ],
)
def test_fetch_in_production_refuses_inside_addresses(ics_server, where):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(where.format(port=ics_server.server_port))

    assert (refused.value.code, refused.value.message) == ("private", INSIDE)
    assert ics_server.seen == []


@pytest.mark.usefixtures("production")
def test_fetch_in_production_reads_a_public_host_connecting_to_the_checked_address(
    ics_server, public_dns
):
    lookups, connections = public_dns
    port = ics_server.server_port

    fetched = fetch.fetch(f"http://allied.example:{port}/cal.ics")

    assert fetched.body == ICS
    assert lookups == ["allied.example"]  # one lookup: a second answer is never used
    assert connections == [(PUBLIC, port)]
    assert ics_server.seen == [("/cal.ics", f"allied.example:{port}")]


@pytest.mark.usefixtures("production")
def test_fetch_in_production_refuses_a_redirect_to_127_0_0_1(ics_server, public_dns):
    port = ics_server.server_port
    inside = ics_server.url("/cal.ics")

    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(f"http://allied.example:{port}/redirect?to={inside}")

    assert (refused.value.code, refused.value.message) == ("private", INSIDE)
    assert [path for path, _host in ics_server.seen] == [f"/redirect?to={inside}"]


@pytest.mark.usefixtures("production")
def test_fetch_in_production_refuses_a_redirect_to_the_metadata_address(ics_server, public_dns):
    port = ics_server.server_port

    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(f"http://allied.example:{port}/redirect?to=http://169.254.169.254/")

    assert refused.value.code == "private"


@pytest.mark.usefixtures("production")
def test_fetch_in_production_judges_every_address_a_name_resolves_to(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch("http://mixed.example/cal.ics")

    assert refused.value.code == "private"


class PostHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.server.posted.append((self.path, dict(self.headers), self.rfile.read(length)))
        status = {"/inbox": 202, "/moved": 301, "/gone": 410}.get(self.path, 404)
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/inbox")
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def post_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PostHandler)
    server.posted = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_post_sends_the_body_and_headers_given(post_server):
    url = f"http://127.0.0.1:{post_server.server_port}/inbox"
    options = fetch.Options(headers=(("Signature", "sig"),), accept="application/activity+json")
    answer = fetch.post(url, body=b'{"type":"Follow"}', options=options)
    assert answer.status == 202
    path, headers, body = post_server.posted[0]
    assert (path, body, headers["Signature"]) == ("/inbox", b'{"type":"Follow"}', "sig")
    assert headers["Accept"] == "application/activity+json"


@pytest.mark.parametrize(("path", "status"), [("/moved", "301"), ("/gone", "410")])
def test_post_refuses_a_redirect_or_an_error_and_follows_nothing(post_server, path, status):
    url = f"http://127.0.0.1:{post_server.server_port}{path}"
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.post(url, body=b"{}", options=fetch.Options())
    assert refused.value.code == "status" and status in refused.value.message
    assert [p for p, _h, _b in post_server.posted] == [path]


def test_allow_private_false_refuses_loopback_even_in_test_mode(post_server):
    url = f"http://127.0.0.1:{post_server.server_port}/inbox"
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.post(url, body=b"{}", options=fetch.Options(allow_private=False))
    assert refused.value.code == "private" and post_server.posted == []


def test_a_smaller_limit_given_refuses_a_larger_answer(ics_server):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(ics_server.url("/cal.ics"), options=fetch.Options(max_bytes=10))
    assert refused.value.code == "too_large"
