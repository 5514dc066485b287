"""Other servers' actors, fetched by the inbox's worker and kept as the key cache.

A signature names its key (``keyId``); the key is found in the actor document, fetched
through turnout.core.fetch (the SSRF-safe fetcher: federation's private-address rule and
deadline, 1 MB at most) and kept as a ``RemoteActor``. A key cached for more than a day,
or one that fails to verify a signature once (the actor changed its key), is fetched
again: once, never in a loop.

The GET is signed by the instance actor: servers in "authorized fetch" mode (Mastodon's
``AUTHORIZED_FETCH``, mastodon/mastodon app/controllers/concerns/signature_verification.rb)
answer only signed requests. A ``keyId`` is either the actor's id with a fragment
(Mastodon, Mobilizon and Gancio: ``…/users/alice#main-key``), or the actor's id itself
(older Gancio, lesion/gancio server/federation/helpers.js ``signAndSend``: the actor's
one key is meant), or a document of the key alone with an ``owner`` (GoToSocial's
``…/main-key``): each is followed to the actor. The key must name the actor as its
owner, and the actor the key.

A fetch that fails is either permanent, and the inbox's worker refuses the item at
once, or passing (``Passing``), and the worker tries again later (turnout.federation.
inbox_worker). The line, per turnout.core.fetch's ``FetchRefused``:

- passing: ``timeout`` (no answer in time), ``unreachable`` (connection refused or
  reset, a broken answer), ``dns`` (the name did not resolve: a resolver's hiccup is
  common, and a name that never resolves costs only the few attempts), ``tls`` (a
  certificate lapsed is usually renewed within the hour), and ``status`` with a 5xx,
  429 (rate-limited: Mastodon answers it to a burst of fetches) or 408;
- permanent: any other ``status`` (404, 410 the actor is gone, 401/403 the server will
  not show it to us), ``too_large``, ``private`` (federation never reaches inside),
  ``invalid``, ``scheme``, ``userinfo``, ``redirects``; and whatever was fetched but is
  not an actor with this key (not JSON, not an object, no key, the wrong owner).
"""

import datetime as dt
import json
from urllib.parse import urldefrag

from django.conf import settings
from django.utils import timezone

from turnout.core import fetch
from turnout.federation import following, ids, keys, signatures
from turnout.federation.models import RemoteActor

FRESH_FOR = dt.timedelta(days=1)
MAX_BYTES = 1024 * 1024
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class Unavailable(Exception):
    """The actor or its key cannot be fetched or read; the message says why (for logs)."""


class Passing(Unavailable):
    """Unavailable for now (the server down, slow or busy): worth trying again later."""


PASSING_CODES = {"timeout", "unreachable", "dns", "tls"}
PASSING_STATUSES = {408, 429}


def is_passing(refused: fetch.FetchRefused) -> bool:
    """Whether another try later may succeed where this fetch failed (see above)."""
    if refused.code == "status":
        return refused.status is not None and (
            refused.status >= 500 or refused.status in PASSING_STATUSES
        )
    return refused.code in PASSING_CODES


def key_for(key_id: str, *, refresh: bool = False) -> tuple[RemoteActor, bool]:
    """The actor owning ``key_id`` and whether it was fetched just now: from the cache
    while fresh, else (or with ``refresh``) fetched again. Unavailable if it cannot be."""
    row = RemoteActor.objects.filter(key_id=key_id).first()
    if row is not None and not refresh and row.fetched_at > timezone.now() - FRESH_FOR:
        return row, False
    return fetch_actor(key_id), True


def fetch_actor(key_id: str) -> RemoteActor:
    document = get_json(urldefrag(key_id).url)
    if "publicKeyPem" in document and isinstance(document.get("owner"), str):
        document = get_json(document["owner"])  # a key document: its owner is the actor
    actor_id, pem, inbox, shared_inbox = _read_actor(document, key_id)
    row, _created = RemoteActor.objects.update_or_create(
        actor_id=actor_id,
        defaults={
            "key_id": key_id,
            "public_key_pem": pem,
            "inbox": inbox,
            "shared_inbox": shared_inbox,
            "fetched_at": timezone.now(),
        },
    )
    return row


def forget(actor_id: str) -> None:
    RemoteActor.objects.filter(actor_id=actor_id).delete()


def get_json(url: str) -> dict:
    """GET ``url`` as ActivityPub JSON, signed by the instance actor; a JSON object or
    Unavailable."""
    options = fetch.Options(
        method="GET",
        headers=tuple(_signed_get(url).items()),
        accept=ACCEPT,
        user_agent=ids.USER_AGENT,
        max_bytes=MAX_BYTES,
        allow_private=settings.TURNOUT_FEDERATION_ALLOW_PRIVATE_ADDRESSES,
    )
    try:
        fetched = fetch.fetch(
            url, options=options, timeout=settings.TURNOUT_FEDERATION_TIMEOUT_SECONDS
        )
    except fetch.FetchRefused as refused:
        what = f"HTTP {refused.status}" if refused.status is not None else refused.code
        kind = Passing if is_passing(refused) else Unavailable
        raise kind(f"{url}: {what}") from None
    try:
        document = json.loads(fetched.body)
    except (ValueError, UnicodeDecodeError):
        raise Unavailable(f"{url}: not JSON") from None
    if not isinstance(document, dict):
        raise Unavailable(f"{url}: not a JSON object")
    return document


def _signed_get(url: str) -> dict[str, str]:
    """Date and Signature (no Host: http.client sends the right one, redirects too)."""
    pair = keys.key_pair(group=None)
    headers = signatures.sign(
        method="GET",
        url=url,
        headers={},
        body=b"",
        private_key_pem=pair.private_key_pem.decode(),
        key_id=ids.instance_actor() + "#main-key",
    )
    return {name: value for name, value in headers.items() if name.lower() != "host"}


def _url(value) -> str:
    return value if following.is_url(value) else ""


def _read_actor(document: dict, key_id: str) -> tuple[str, str, str, str]:
    actor_id = _url(document.get("id"))
    if not actor_id:
        raise Unavailable(f"{key_id}: the actor has no id")
    found = document.get("publicKey")
    candidates = [k for k in (found if isinstance(found, list) else [found]) if isinstance(k, dict)]
    key = next((k for k in candidates if k.get("id") == key_id), None)
    if key is None and key_id == actor_id and len(candidates) == 1:
        key = candidates[0]  # older Gancio signs with the actor's id as its key id
    pem = key.get("publicKeyPem") if key is not None else None
    if not isinstance(pem, str) or "\x00" in pem or len(pem) > 20_000:
        raise Unavailable(f"{key_id}: {actor_id} does not give this key")
    if key.get("owner") != actor_id:
        raise Unavailable(f"{key_id}: the key's owner is not {actor_id}")
    endpoints = document.get("endpoints")
    shared = _url(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else ""
    return actor_id, key["publicKeyPem"], _url(document.get("inbox")), shared
