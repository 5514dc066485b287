"""Another server for the inbox tests: a real HTTP server on 127.0.0.2 serving actor
documents, and requests signed with keys the tests make (tests/federation/keys.py).

Every GET it answers is recorded with its headers, so a test can check that the worker's
fetch of an actor was signed by the instance actor ("authorized fetch" servers ask it).
``fail(n, how)`` makes the next ``n`` GETs fail for a passing reason: a 503, or no answer
until the fetcher's deadline has passed ("hang")."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.federation.keys import keypair
from turnout.federation import signatures


class RemoteServer:
    """Serves ``documents[path]`` as activity+json; 404 for any other path."""

    def __init__(self, address: str = "127.0.0.2"):
        self.documents: dict[str, dict] = {}
        self.requests: list[tuple[str, dict]] = []
        self.failures: list[str] = []  # "503" or "hang", one per GET to come
        self.released = threading.Event()  # ends every hang when the server stops
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers.items())))
                if server.failures:
                    self.fail(server.failures.pop(0))
                    return
                document = server.documents.get(urlsplit(self.path).path)
                if document is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def fail(self, how: str):
                if how == "hang":
                    server.released.wait(timeout=5)
                    return
                self.send_response(int(how))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((address, 0), Handler)
        self.base = f"http://{address}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "RemoteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, n: int, how: str = "503") -> None:
        """The next ``n`` GETs fail: ``how`` is an HTTP status, or "hang"."""
        self.failures.extend([how] * n)

    def actor(self, name: str, *, key: str | None = None, served: bool = True, **more) -> dict:
        """A Mastodon-shaped Person (mastodon/mastodon
        app/serializers/activitypub/actor_serializer.rb), served at /users/<name>."""
        actor_id = f"{self.base}/users/{name}"
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor_id,
            "type": "Person",
            "preferredUsername": name,
            "inbox": actor_id + "/inbox",
            "endpoints": {"sharedInbox": self.base + "/inbox"},
            "publicKey": {
                "id": actor_id + "#main-key",
                "owner": actor_id,
                "publicKeyPem": keypair(key or name)[1],
            },
            **more,
        }
        if served:
            self.documents[f"/users/{name}"] = document
        return document


def signed(activity: dict, *, url: str, key: str, key_id: str, body: bytes | None = None, **sign):
    """(body, headers) of a POST of ``activity`` to ``url`` signed with the test key
    ``key``; ``body`` overrides what is sent (a signature over another body)."""
    signed_body = json.dumps(activity).encode()
    headers = signatures.sign(
        method="POST",
        url=url,
        headers={"Content-Type": "application/activity+json"},
        body=signed_body,
        private_key_pem=keypair(key)[0],
        key_id=key_id,
        **sign,
    )
    return (signed_body if body is None else body), headers


def post(client, url: str, body: bytes, headers: dict):
    """POST through Django's test client as another server would (no cookies, no CSRF token)."""
    path = urlsplit(url).path
    extra = {k: v for k, v in headers.items() if k.lower() not in {"content-type", "host"}}
    return client.generic(
        "POST",
        path,
        body,
        content_type=headers.get("Content-Type", "application/activity+json"),
        headers={**extra, "Host": headers.get("Host", "testserver")},
    )
