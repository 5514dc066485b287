"""Fetching a calendar over https, for real: a TLS server on loopback with a
certificate from a throwaway authority (made with the openssl command), trusted
through SSL_CERT_FILE. The name the organiser typed is what SNI sends and what the
certificate is checked against, although the connection goes to the address that
was resolved and checked."""

import socket
import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest

from tests.core.test_fetch import ICS, Handler
from turnout.core import fetch

HOST = "calendar.example"


def openssl(*args: str, cwd) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A certificate authority, and a server certificate for HOST signed by it."""
    where = tmp_path_factory.mktemp("tls")
    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Turnout test authority",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=where,
    )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", f"/CN={HOST}",
        cwd=where,
    )  # fmt: skip
    (where / "server.cnf").write_text(
        f"subjectAltName=DNS:{HOST}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.cnf",
        cwd=where,
    )  # fmt: skip
    return where


@pytest.fixture
def tls_server(certificates):
    """An https server on 127.0.0.1 serving ICS; ``.names`` holds the SNI of each handshake."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.body, server.seen, server.sent, server.names = ICS, [], 0, []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    context.sni_callback = lambda sock, name, ctx: server.names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def name_resolves_to_loopback(monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in (HOST, "other.example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_https_calendar_is_fetched_with_the_host_name_for_sni_and_the_certificate(
    certificates, tls_server, name_resolves_to_loopback, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))

    fetched = fetch.fetch(f"https://{HOST}:{tls_server.server_port}/cal.ics")

    assert fetched.body == ICS
    assert tls_server.names == [HOST]
    assert tls_server.seen[0][1] == f"{HOST}:{tls_server.server_port}"  # the Host header


def test_a_certificate_for_another_name_is_refused(
    certificates, tls_server, name_resolves_to_loopback, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))

    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(f"https://other.example:{tls_server.server_port}/cal.ics")

    assert refused.value.code == "tls"


def test_a_certificate_from_an_unknown_authority_is_refused(tls_server, name_resolves_to_loopback):
    with pytest.raises(fetch.FetchRefused) as refused:
        fetch.fetch(f"https://{HOST}:{tls_server.server_port}/cal.ics")

    assert refused.value.code == "tls"
    assert tls_server.seen == []  # nothing was asked over an untrusted connection
