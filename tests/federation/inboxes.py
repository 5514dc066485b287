"""Receiving servers on loopback for the delivery tests: real HTTP, signatures verified
with an independent library (``httpsig``, draft-cavage-http-signatures-12), every POST
recorded with the moment it arrived.

``InboxServer(address, keys)`` listens on ``address`` (127.0.0.1, 127.0.0.2, ...: each a
host of its own for the delivery worker) and answers each POST as ``answer`` says:
a status (202 by default), or ``"silent"``: it reads the request and never answers
(until the server stops), like a host that hangs. ``delay`` slows every answer.
"""

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpsig


@dataclass(frozen=True)
class Receipt:
    at: float  # time.monotonic() when the request was read
    path: str
    activity_id: str
    key_id: str
    verified: bool
    digest_ok: bool
    content_type: str


class InboxServer:
    def __init__(
        self,
        address: str,
        keys: dict[str, str],
        answer: int | str = 202,
        delay: float = 0,
        answer_body: bytes = b"",
    ) -> None:
        self.keys = keys  # key id -> public key PEM
        self.answer = answer
        self.delay = delay  # seconds before each answer
        self.answer_body = answer_body
        self.receipts: list[Receipt] = []
        self.arrivals: list[float] = []  # every request, answered or not
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((address, 0), self._handler())
        self.server.daemon_threads = True
        self.address = address
        self.port = self.server.server_address[1]

    def inbox(self, path: str = "inbox") -> str:
        return f"http://{self.address}:{self.port}/{path}"

    def start(self) -> "InboxServer":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def ids(self) -> list[str]:
        with self._lock:
            return [r.activity_id for r in self.receipts]

    def _record(self, receipt: Receipt) -> None:
        with self._lock:
            self.receipts.append(receipt)

    def _verify(self, method: str, path: str, headers: dict, body: bytes) -> tuple[bool, str]:
        signature = headers.get("signature", "")
        params = dict(
            part.split("=", 1) for part in signature.split(",") if "=" in part
        )  # keyId="…" pairs
        key_id = params.get("keyId", "").strip('"')
        public = self.keys.get(key_id)
        if public is None:
            return False, key_id
        verifier = httpsig.HeaderVerifier(
            headers=headers,
            secret=public,
            required_headers=["(request-target)", "host", "date", "digest"],
            method=method,
            path=path,
            sign_header="signature",
        )
        try:
            return bool(verifier.verify()), key_id
        except Exception:  # any failure is "not verified", recorded
            return False, key_id

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.arrivals.append(time.monotonic())
                if outer.answer == "silent":
                    outer.stopping.wait(30)
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified, key_id = outer._verify("POST", self.path, headers, body)
                digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
                try:
                    activity_id = json.loads(body).get("id", "")
                except ValueError:
                    activity_id = ""
                outer._record(
                    Receipt(
                        at=time.monotonic(),
                        path=self.path,
                        activity_id=activity_id,
                        key_id=key_id,
                        verified=verified,
                        digest_ok=headers.get("digest") == digest,
                        content_type=headers.get("content-type", ""),
                    )
                )
                time.sleep(outer.delay)
                self.send_response(int(outer.answer))
                self.send_header("Content-Length", str(len(outer.answer_body)))
                self.end_headers()
                self.wfile.write(outer.answer_body)

        return Handler
