"""The peer's inbox checks: every POST verified as Mastodon verifies it, by code that is
not Turnout's (mastodon/mastodon app/controllers/concerns/signature_verification.rb):

1. a ``Signature`` header with ``keyId`` and ``signature`` (``incompatible_signature?``);
2. covering ``(request-target)``, ``host``, ``date`` and, on a POST, ``digest``
   (``verify_signature_strength!``);
3. ``Date`` within 12 hours of now (``matches_time_window?``);
4. ``Digest`` equal to the SHA-256 of the body received (``body_digest``);
5. the key: the ``keyId`` fetched (app/services/activitypub/fetch_remote_key_service.rb:
   the document at the key id without its fragment, an actor whose ``publicKey`` has
   that id and names the actor as its ``owner``);
6. the signature over the signed string, checked by ``httpsig.HeaderVerifier``;
7. the activity's ``actor`` the key's owner (app/lib/activitypub/activity.rb and
   app/services/activitypub/process_collection_service.rb drop an activity whose actor
   is not the signer).

``verify`` returns the activity and its signer, or raises ``Refused`` with the reason.
"""

import base64
import email.utils
import hashlib
import json
import time
from urllib.parse import urlsplit

import httpsig
from httpsig.utils import parse_signature_header

from tests.federation.peer import client

WINDOW = 12 * 3600
REQUIRED = ("(request-target)", "host", "date", "digest")


class Refused(Exception):
    """The POST is refused: Mastodon answers 401 and keeps nothing."""


def verify(*, path: str, headers: dict, body: bytes) -> tuple[dict, dict]:
    """(activity, signer's actor) of a signed POST to ``path``; Refused if not."""
    header = _header(headers, "Signature")
    if not header:
        raise Refused("Request not signed")
    params = {name.lower(): value for name, value in parse_signature_header(header).items()}
    if not params.get("keyid") or not params.get("signature"):
        raise Refused("Incompatible request signature")
    covered = params.get("headers", "date").lower().split()
    missing = [name for name in REQUIRED if name not in covered]
    if missing:
        raise Refused(f"Mastodon requires the {', '.join(missing)} header(s) to be signed")
    _check_date(_header(headers, "Date"))
    _check_digest(_header(headers, "Digest"), body)
    actor = fetch_key_owner(params["keyid"])
    verifier = httpsig.HeaderVerifier(
        headers=headers,
        secret=actor["publicKey"]["publicKeyPem"],
        required_headers=list(REQUIRED),
        method="POST",
        path=path,
        sign_header="signature",
    )
    try:
        good = verifier.verify()
    except Exception as error:  # httpsig raises bare Exceptions for what is missing
        raise Refused(f"Verification failed: {error}") from error
    if not good:
        raise Refused(f"Verification failed for {actor['id']}")
    try:
        activity = json.loads(body)
    except ValueError as error:
        raise Refused("Body is not JSON") from error
    if not isinstance(activity, dict):
        raise Refused("Body is not a JSON object")
    claimed = activity.get("actor")
    claimed = claimed.get("id") if isinstance(claimed, dict) else claimed
    if claimed != actor["id"]:
        raise Refused(f"Signed by {actor['id']} for the actor {claimed!r}")
    return activity, actor


def _header(headers: dict, name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _check_date(value: str | None) -> None:
    if not value:
        raise Refused("No Date header")
    try:
        sent = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError) as error:
        raise Refused(f"Invalid Date header: {value!r}") from error
    if abs(time.time() - sent) > WINDOW:
        raise Refused("Signed request date outside acceptable time window")


def _check_digest(value: str | None, body: bytes) -> None:
    if not value:
        raise Refused("Mastodon requires the Digest header")
    expected = base64.b64encode(hashlib.sha256(body).digest()).decode()
    sha256 = [
        part.split("=", 1)[1]
        for part in value.split(",")
        if part.strip().lower().startswith("sha-256=")
    ]
    if not sha256:
        raise Refused("Mastodon only supports SHA-256 in Digest header")
    if sha256[0].strip() != expected:
        raise Refused("Invalid Digest value")


def fetch_key_owner(key_id: str) -> dict:
    """The actor that owns ``key_id``, fetched now (the peer keeps no key cache)."""
    document_url = key_id.split("#", 1)[0]
    try:
        actor = client.fetch_actor(document_url)
    except client.Failed as error:
        raise Refused(f"Public key not found for key {key_id}: {error}") from error
    key = actor.get("publicKey")
    keys = key if isinstance(key, list) else [key]
    found = [k for k in keys if isinstance(k, dict) and k.get("id") == key_id]
    if not found or found[0].get("owner") != actor["id"] or not found[0].get("publicKeyPem"):
        raise Refused(f"Public key not found for key {key_id}")
    if urlsplit(key_id).netloc != urlsplit(actor["id"]).netloc:
        raise Refused(f"Key {key_id} is not on the host of {actor['id']}")
    return {**actor, "publicKey": found[0]}
