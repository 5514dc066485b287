"""The peer's requests to Turnout, as Mastodon makes them (mastodon/mastodon):

- WebFinger: ``GET /.well-known/webfinger?resource=acct:name@domain`` with ``Accept:
  application/jrd+json, application/json`` (app/lib/webfinger.rb), then the subject must
  name the same account, or it is asked again once for the one it names
  (app/services/resolve_account_service.rb ``process_webfinger!``), and the ``self``
  link must be of an ActivityPub type (``activitypub_ready?``);
- the actor: fetched with ``Accept: application/activity+json, application/ld+json;
  profile="https://www.w3.org/ns/activitystreams"`` (app/helpers/jsonld_helper.rb),
  its id the URL asked for;
- a POST to an inbox: ``Date``, ``Host``, ``Digest: SHA-256=…`` and a draft-cavage
  ``Signature`` over ``(request-target) host date digest`` with the actor's
  ``#main-key`` (app/lib/request.rb), made by ``httpsig``: an implementation that is
  not Turnout's.

Plain HTTP (urllib): the two test servers speak http:// on loopback; Mastodon would
use https:// for any domain but an onion one.
"""

import base64
import email.utils
import hashlib
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

import httpsig

ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ACCEPT_ACTIVITY = f"{ACTIVITY_JSON}, {LD_JSON}"
SIGNED = ["(request-target)", "host", "date", "digest"]
TIMEOUT = 10
USER_AGENT = "Mastodon-shaped test peer (tests/federation/peer)"


class Failed(Exception):
    """A step Mastodon would give up at, with the reason."""


def _open(request: urllib.request.Request) -> tuple[int, dict, bytes]:
    request.add_header("User-Agent", USER_AGENT)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read(1_000_000)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read(1_000_000)
    except (urllib.error.URLError, OSError) as error:
        raise Failed(f"{request.full_url}: {error}") from error


def get_json(url: str, accept: str = ACCEPT_ACTIVITY) -> tuple[int, dict, object]:
    """(status, headers, parsed JSON or None) of a GET."""
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310
    status, headers, body = _open(request)
    try:
        return status, headers, json.loads(body)
    except ValueError:
        return status, headers, None


def webfinger(handle: str) -> dict:
    """The JRD for ``name@domain`` (``domain`` may carry a port), checked as Mastodon does."""
    handle = handle.removeprefix("@")
    username, _, domain = handle.partition("@")
    if not username or not domain:
        raise Failed(f"not a handle: {handle!r}")
    jrd = _finger(username, domain)
    subject_user, _, subject_domain = jrd["subject"].removeprefix("acct:").partition("@")
    if (subject_user.lower(), subject_domain.lower()) != (username.lower(), domain.lower()):
        # resolve_account_service.rb: a different subject is a redirect, asked again once.
        jrd = _finger(subject_user, subject_domain)
        again = jrd["subject"].removeprefix("acct:").lower()
        if again != f"{subject_user}@{subject_domain}".lower():
            raise Failed(f"too many WebFinger redirects for {handle}")
    return jrd


def _finger(username: str, domain: str) -> dict:
    resource = quote(f"acct:{username}@{domain}", safe=":@")
    url = f"http://{domain}/.well-known/webfinger?resource={resource}"
    status, _headers, jrd = get_json(url, accept="application/jrd+json, application/json")
    if status != 200 or not isinstance(jrd, dict) or not jrd.get("subject"):
        raise Failed(f"WebFinger {url} answered {status}: {jrd!r}")
    return jrd


def self_link(jrd: dict) -> str:
    """The actor's URL: the ``self`` link, if its type is ActivityPub's."""
    links = {link.get("rel"): link for link in jrd.get("links", []) if isinstance(link, dict)}
    link = links.get("self") or {}
    if link.get("type") not in (ACTIVITY_JSON, LD_JSON) or not link.get("href"):
        raise Failed(f"no ActivityPub self link in {jrd!r}")
    return link["href"]


def fetch_actor(url: str) -> dict:
    status, headers, actor = get_json(url)
    content_type = headers.get("Content-Type", "")
    if status != 200 or not isinstance(actor, dict):
        raise Failed(f"actor {url} answered {status}")
    if not content_type.startswith(("application/activity+json", "application/ld+json")):
        raise Failed(f"actor {url} came as {content_type!r}")
    if actor.get("id") != url:
        raise Failed(f"actor {url} says it is {actor.get('id')!r}")
    return actor


def http_date(moment: float | None = None) -> str:
    return email.utils.formatdate(moment if moment is not None else time.time(), usegmt=True)


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def signed_headers(
    *, url: str, body: bytes, key_id: str, private_key_pem: str, date: str | None = None
) -> dict:
    """The headers of a POST of ``body`` to ``url``, signed with httpsig."""
    parts = urlsplit(url)
    headers = {
        "Host": parts.netloc,
        "Date": date or http_date(),
        "Digest": digest(body),
        "Content-Type": ACTIVITY_JSON,
    }
    signer = httpsig.HeaderSigner(
        key_id=key_id,
        secret=private_key_pem,
        algorithm="rsa-sha256",
        headers=SIGNED,
        sign_header="signature",
    )
    signed = signer.sign(headers, method="POST", path=parts.path or "/")
    return {name.title() if name != "signature" else "Signature": v for name, v in signed.items()}


def break_signature(headers: dict) -> dict:
    """The same headers with one byte of the signature changed (still valid base64)."""
    value = headers["Signature"]
    start = value.index('signature="') + len('signature="')
    end = value.index('"', start)
    raw = bytearray(base64.b64decode(value[start:end]))
    raw[len(raw) // 2] ^= 0x01
    broken = base64.b64encode(bytes(raw)).decode()
    return {**headers, "Signature": value[:start] + broken + value[end:]}


def post(url: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    status, _headers, answer = _open(request)
    return status, answer
