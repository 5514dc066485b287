"""The inboxes' door: the checks on a POST that need no key and no network, made in the
web process; a request that passes is kept as an ``InboxItem`` and answered 202 at once.

Fetching the signer's key may wait on a slow server for seconds, so it is the worker's
(turnout.federation.inbox_worker), never a web process's. Here, in order: the body at
most 1 MB (413; read no further than that), a JSON object with an actor (400), the
signature's headers readable, covering what they must, the digest the body's and the
time within 12 hours (``signatures.claim``: 401), the key on the actor's host (401),
a signature already verified once (a replay: 401), and a rate per actor's host
(``TURNOUT_FEDERATION_INBOX_POSTS_PER_MINUTE``: 429).

A replay is recorded only by the worker, once the signature is verified: recorded here,
anyone who saw a signature could send it first over another body and digest, and the
real request would be refused. A copy arriving before the worker verified the first is
kept, and refused by the worker. The rate is counted on the host the activity claims,
before its signature is verified, so a forger can use up a host's minute (never another
host's, never the rest of the site): the price of never fetching in a web process.
"""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

from turnout.core import ratelimit
from turnout.federation import ids, signatures, tasks
from turnout.federation.following import is_url, object_id
from turnout.federation.models import InboxItem
from turnout.groups.models import Group

logger = logging.getLogger("turnout.federation")
MAX_BODY = 1024 * 1024
# Kept with the item for the worker's check; a signature may cover others, kept too.
SIGNATURE_HEADERS = ("signature", "signature-input", "host", "date", "digest", "content-digest")


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def receive(request: HttpRequest, *, group: Group | None) -> InboxItem:
    """Check ``request`` and keep it for the worker; Refused(status, reason) if not."""
    body = _read_body(request)
    activity = _activity(body)
    url = request.build_absolute_uri()
    actor_id = object_id(activity.get("actor"))
    if len(url) > ids.URL_MAX or not is_url(actor_id):
        raise Refused(400, "an activity needs an actor's URL")
    incoming = signatures.Incoming("POST", url, request.headers, body)
    try:
        claimed = signatures.claim(incoming)
        if len(claimed.key_id) > ids.URL_MAX:
            raise signatures.SignatureRefused(signatures.Refusal.MALFORMED, "keyId too long")
        signatures.check_key_owner(claimed.key_id, actor_id=actor_id)
        if signatures.seen_before(claimed):
            raise signatures.SignatureRefused(signatures.Refusal.REPLAY)
    except signatures.SignatureRefused as refused:
        raise Refused(401, refused.reason.value) from None
    if _over_rate(request, actor_id):
        raise Refused(429, "too many activities from this host; try again in a minute")
    kind = activity.get("type")
    item = InboxItem.objects.create(
        group=group,
        url=url,
        headers=_kept_headers(incoming, claimed),
        body=body.decode(),
        actor_id=actor_id,
        key_id=claimed.key_id,
        activity_type=kind[:64] if isinstance(kind, str) and kind.isprintable() else "",
    )
    tasks.work_inbox_item.enqueue(item.pk)
    return item


def _read_body(request: HttpRequest) -> bytes:
    """The body, never reading past MAX_BODY (a 10 MB body costs 1 MB of reading)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused(400, "Content-Length is not a number") from None
    if declared > MAX_BODY:
        raise Refused(413, "the body is over 1 MB")
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise Refused(413, "the body is over 1 MB")
    return body


def _activity(body: bytes) -> dict:
    try:
        activity = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(activity, dict):
        raise Refused(400, "the body is not a JSON object")
    return activity


def host_of(actor_id: str) -> str:
    parts = urlsplit(actor_id)
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""


def _over_rate(request: HttpRequest, actor_id: str) -> bool:
    rule = ("ap-inbox-host", settings.TURNOUT_FEDERATION_INBOX_POSTS_PER_MINUTE, 60)
    return ratelimit.over_limit(request, rule, host_of(actor_id))


def _kept_headers(incoming: signatures.Incoming, claimed: signatures.Claimed) -> dict:
    names = set(SIGNATURE_HEADERS) | {name for name in claimed.covered if name[:1] not in "(@"}
    kept = {}
    for name in sorted(names):
        value = incoming.header(name)
        if value is not None:
            kept[name] = value
    return kept
