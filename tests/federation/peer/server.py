"""The peer's HTTP side: its actor and WebFinger (as Mastodon serves them:
mastodon/mastodon app/serializers/activitypub/actor_serializer.rb and
app/controllers/well_known/webfinger_controller.rb), its inboxes (the account's and
the shared one), and ``/_control/`` for the test.

``/_control/resolve`` (POST ``{"handle": "slug@host:port"}``) finds a group as Mastodon's
search does, ``/_control/follow`` (POST ``{"handle": …, "broken_signature": false}``)
follows it as Mastodon's follow button does (tests/federation/peer/client.py); both
answer what each step gave; ``/_control/received`` (GET) lists what the inboxes
received. Each inbox POST is also appended to ``DIR/received.jsonl`` at once, verified
(``"verified": true``, the activity and what it did here) or refused (the reason).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.federation.peer import client, inbox
from tests.federation.peer.timeline import Timeline

USERNAME = "ana"
MAX_BODY = 1_000_000


class Peer:
    """The account, its key and its timeline; ``record`` writes the received file."""

    def __init__(self, *, base: str, state: Path) -> None:
        self.base = base
        self.state = state
        self.actor_id = f"{base}/users/{USERNAME}"
        self.key_id = f"{self.actor_id}#main-key"
        self.private_pem, self.public_pem = _keypair(state / "key.pem")
        self.timeline = Timeline(self.actor_id)
        self.lock = threading.Lock()
        self.received = state / "received.jsonl"
        self.follow_count = 0

    def actor(self) -> dict:
        return {
            "@context": [
                "https://www.w3.org/ns/activitystreams",
                "https://w3id.org/security/v1",
            ],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": USERNAME,
            "name": "Ana (a Mastodon-shaped test account)",
            "url": f"{self.base}/@{USERNAME}",
            "inbox": f"{self.actor_id}/inbox",
            "outbox": f"{self.actor_id}/outbox",
            "followers": f"{self.actor_id}/followers",
            "following": f"{self.actor_id}/following",
            "manuallyApprovesFollowers": False,
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor_id,
                "publicKeyPem": self.public_pem,
            },
        }

    def webfinger(self, resource: str) -> dict | None:
        domain = urlsplit(self.base).netloc
        if resource.removeprefix("acct:").lower() not in (f"{USERNAME}@{domain}", self.actor_id):
            return None
        return {
            "subject": f"acct:{USERNAME}@{domain}",
            "aliases": [self.actor_id],
            "links": [{"rel": "self", "type": client.ACTIVITY_JSON, "href": self.actor_id}],
        }

    def resolve(self, handle: str) -> dict:
        """Mastodon's search for ``@slug@host``: WebFinger, then the actor it points to."""
        jrd = client.webfinger(handle)
        actor = client.fetch_actor(client.self_link(jrd))
        if not isinstance(actor.get("inbox"), str) or not isinstance(actor.get("publicKey"), dict):
            raise client.Failed(f"{actor['id']} has no inbox or no public key")
        return {"webfinger": jrd, "actor": actor}

    def follow(self, handle: str, *, broken_signature: bool = False) -> dict:
        """Mastodon's follow button: resolve, then send a signed Follow to the inbox."""
        resolved = self.resolve(handle)
        target, inbox_url = resolved["actor"]["id"], resolved["actor"]["inbox"]
        with self.lock:
            self.follow_count += 1
            follow_id = f"{self.base}/{self.follow_count}-{time.time_ns()}"
            if not broken_signature:
                self.timeline.requested(target=target, follow_id=follow_id)
        follow = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": follow_id,
            "type": "Follow",
            "actor": self.actor_id,
            "object": target,
        }
        body = json.dumps(follow).encode()
        headers = client.signed_headers(
            url=inbox_url, body=body, key_id=self.key_id, private_key_pem=self.private_pem
        )
        if broken_signature:
            headers = client.break_signature(headers)
        status, answer = client.post(inbox_url, body, headers)
        return {
            **resolved,
            "follow": follow,
            "status": status,
            "answer": answer.decode(errors="replace")[:500],
        }

    def receive(self, path: str, headers: dict, body: bytes) -> tuple[int, dict]:
        """Verify and apply one inbox POST; the line written to the received file."""
        entry = {"at": time.time(), "path": path, "headers": headers}
        try:
            activity, signer = inbox.verify(path=path, headers=headers, body=body)
        except inbox.Refused as refusal:
            entry.update(verified=False, reason=str(refusal), body=body.decode(errors="replace"))
            status = 401
        else:
            with self.lock:
                outcome = self.timeline.apply(activity, signer["id"])
            entry.update(verified=True, signer=signer["id"], activity=activity, outcome=outcome)
            status = 202
        self.record(entry)
        return status, entry

    def record(self, entry: dict) -> None:
        with self.lock, open(self.received, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def all_received(self) -> list[dict]:
        if not self.received.exists():
            return []
        return [json.loads(line) for line in self.received.read_text().splitlines() if line]


def _keypair(path: Path) -> tuple[str, str]:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    private = path.read_text()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


class Handler(BaseHTTPRequestHandler):
    peer: Peer  # set on the subclass made by ``serve``
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:
        self.server.log.write(f"{self.command} {self.path} {format % args}\n")
        self.server.log.flush()

    def _send(self, status: int, data=None, content_type: str = "application/json") -> None:
        body = b"" if data is None else json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_BODY))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        peer = self.peer
        if parts.path == f"/users/{USERNAME}":
            self._send(200, peer.actor(), client.ACTIVITY_JSON)
        elif parts.path == "/.well-known/webfinger":
            resource = parse_qs(parts.query).get("resource", [""])[0]
            jrd = peer.webfinger(resource)
            self._send(200 if jrd else 404, jrd, "application/jrd+json")
        elif parts.path == "/_control/received":
            self._send(200, peer.all_received())
        elif parts.path == "/_control/ready":
            self._send(200, {"actor": peer.actor_id})
        else:
            self._send(404, {"error": "Not found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        if path in (f"/users/{USERNAME}/inbox", "/inbox"):
            status, _entry = self.peer.receive(path, dict(self.headers.items()), body)
            self._send(status)
        elif path == "/_control/follow":
            self._control(body, lambda asked: self.peer.follow(
                asked["handle"], broken_signature=bool(asked.get("broken_signature"))
            ))  # fmt: skip
        elif path == "/_control/resolve":
            self._control(body, lambda asked: self.peer.resolve(asked["handle"]))
        else:
            self._send(404, {"error": "Not found"})

    def _control(self, body: bytes, action) -> None:
        try:
            result = action(json.loads(body))
        except client.Failed as error:
            self._send(502, {"error": str(error)})
        except (ValueError, KeyError, TypeError) as error:
            self._send(400, {"error": repr(error)})
        else:
            self._send(200, result)


def serve(*, host: str, port: int, state: Path) -> None:
    """Serve until killed; ``state/port`` names the port once it listens."""
    state.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound = server.server_address[1]
    Handler.peer = Peer(base=f"http://{host}:{bound}", state=state)
    server.log = open(state / "access.log", "a", encoding="utf-8")  # noqa: SIM115
    (state / "port.tmp").write_text(str(bound))
    (state / "port.tmp").rename(state / "port")
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        server.log.close()
