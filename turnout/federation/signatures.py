"""HTTP signatures for federation: signing what Turnout sends, verifying what it receives.

Two schemes, because the fediverse speaks both: draft-cavage-http-signatures-12
(``Signature: keyId=…,algorithm="rsa-sha256",headers=…,signature=…``), which every
Mastodon, Mobilizon and Gancio understands, and RFC 9421 (``Signature-Input`` and
``Signature``), which recent Mastodon accepts too. Signing covers what Mastodon demands
(mastodon/mastodon app/controllers/concerns/signature_verification.rb,
``verify_signature_strength!``; app/lib/request.rb signs ``(request-target) host date
digest``), and verifying demands the same of others: the method and target, the host,
a time, and on POST a digest of the body; a time within 12 hours (Mastodon's
``EXPIRATION_WINDOW_LIMIT``, and Mobilizon's ±12 h); the key's own signature.

Every refusal is a ``SignatureRefused`` with a ``Refusal`` reason, for logs and tests:
whatever text a header holds, nothing else escapes (no 5xx). Fetching the key named by
``key_id_of`` is the inbox's job, as is calling ``check_key_owner`` and ``refuse_replay``.
"""

import base64
import binascii
import datetime as dt
import email.utils
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from django.http import HttpRequest
from django.utils import timezone

from turnout.core import ratelimit
from turnout.federation import cavage, rfc9421
from turnout.federation.digests import (
    DigestError,
    content_digest_header,
    digest_header,
    matches,
    parse_content_digest,
    parse_digest,
)
from turnout.federation.refusals import Refusal, SignatureRefused
from turnout.federation.rfc9421 import authority

__all__ = [
    "Claimed",
    "Incoming",
    "Refusal",
    "SignatureRefused",
    "Verified",
    "authority",
    "digest_header",
]

WINDOW = dt.timedelta(hours=12)
# Shorter RSA keys can be factored by a determined attacker; Mastodon and Mobilizon make
# 2048-bit keys, so nothing in the fediverse that works needs less.
MIN_KEY_BITS = 2048
CAVAGE_COVERED = ("(request-target)", "host", "date", "digest")
RFC9421_COVERED = ("@method", "@target-uri", "content-digest")


@dataclass(frozen=True)
class Incoming:
    """A received request as the checks need it: ``url`` absolute, as the client asked."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes

    @classmethod
    def from_request(cls, request: HttpRequest) -> "Incoming":
        return cls(
            request.method or "", request.build_absolute_uri(), request.headers, request.body
        )

    def header(self, name: str) -> str | None:
        name = name.lower()
        values = [value for key, value in self.headers.items() if key.lower() == name]
        return ", ".join(values) if values else None


@dataclass(frozen=True)
class Claimed:
    """What a signature says of itself (``claim``), before its key has checked it."""

    key_id: str
    scheme: str
    created: dt.datetime
    signature: bytes
    covered: tuple[str, ...]


@dataclass(frozen=True)
class Verified:
    key_id: str
    scheme: str
    created: dt.datetime
    signature: bytes


def _http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


@functools.lru_cache(maxsize=32)  # loading checks the key: ~80 ms, once per key and process
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("Turnout signs with RSA keys")
    return key


def sign(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    private_key_pem: str,
    key_id: str,
    scheme: str = "cavage",
    now: dt.datetime | None = None,
    covered: list[str] | None = None,
) -> dict[str, str]:
    """``headers`` plus Host, Date, the body's digests and the signature of ``scheme``
    ("cavage" or "rfc9421"). ``covered`` overrides what is signed (for tests of refusals)."""
    method = method.upper()
    now = now or timezone.now()
    out = {**headers, "Host": authority(url), "Date": _http_date(now)}
    if method == "POST":
        out["Digest"] = digest_header(body)
        out["Content-Digest"] = content_digest_header(body)
    key = _private_key(private_key_pem)
    if scheme == "cavage":
        names = covered or [n for n in CAVAGE_COVERED if n != "digest" or method == "POST"]
        lookup = {name.lower(): value for name, value in out.items()}.get
        base = "\n".join(_cavage_line(n, method, url, lookup, now) for n in names)
        value = base64.b64encode(key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256()))
        out["Signature"] = (
            f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
            f'signature="{value.decode()}"'
        )
    elif scheme == "rfc9421":
        names = covered or [n for n in RFC9421_COVERED if n != "content-digest" or method == "POST"]
        params = {"created": int(now.timestamp()), "keyid": key_id, "alg": "rsa-v1_5-sha256"}
        signature_input = rfc9421.serialise_input(names, params)
        base = rfc9421.signature_base(names, signature_input, method, url, out)
        value = key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())
        out["Signature-Input"] = f"sig1={signature_input}"
        out["Signature"] = f"sig1=:{base64.b64encode(value).decode()}:"
    else:
        raise ValueError(f"unknown signature scheme {scheme!r}")
    return out


def _cavage_line(name, method, url, get, created) -> str:
    if name == "(request-target)":
        return f"(request-target): {method.lower()} {cavage.target(url)}"
    if name == "(created)":
        return f"(created): {int(created.timestamp())}"
    value = get(name)
    if value is None:
        raise SignatureRefused(Refusal.NOT_COVERED, f"no {name} header")
    return f"{name}: {value}"


def key_id_of(incoming: Incoming) -> str:
    """The key id the inbox must fetch the public key of (SignatureRefused if none)."""
    if incoming.header("Signature-Input") is not None:
        return rfc9421.parse(incoming).key_id
    signature = incoming.header("Signature")
    if signature is None:
        raise SignatureRefused(Refusal.UNSIGNED)
    return cavage.params(signature)["keyId"]


def _public_key(pem: str, min_bits: int = MIN_KEY_BITS) -> rsa.RSAPublicKey:
    try:
        key = load_pem_public_key(pem.encode())
    except (ValueError, TypeError, UnicodeError) as error:
        raise SignatureRefused(Refusal.BAD_KEY) from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureRefused(Refusal.BAD_KEY, "not an RSA key")
    if key.key_size < min_bits:
        raise SignatureRefused(Refusal.BAD_KEY, f"{key.key_size} bits, under {min_bits}")
    return key


def _check_time(created: dt.datetime, now: dt.datetime) -> None:
    if abs(now - created) > WINDOW:
        raise SignatureRefused(Refusal.STALE, created.isoformat())


def _check_digests(incoming: Incoming, covered: set[str]) -> None:
    if incoming.method.upper() == "POST" and not covered & {"digest", "content-digest"}:
        raise SignatureRefused(Refusal.NOT_COVERED, "a POST's signature must cover its digest")
    for name, parse in (("digest", parse_digest), ("content-digest", parse_content_digest)):
        if name not in covered:
            continue
        value = incoming.header(name)
        if value is None:
            raise SignatureRefused(Refusal.DIGEST_MISSING, f"no {name} header")
        try:
            same = matches(parse(value), incoming.body)
        except DigestError as error:
            raise SignatureRefused(Refusal.DIGEST_MISSING, str(error)) from error
        if not same:
            raise SignatureRefused(Refusal.DIGEST_MISMATCH, name)


def _verifies(key, signature: bytes, base: str) -> bool:
    try:
        key.verify(signature, base.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _claim_cavage(incoming: Incoming, now: dt.datetime) -> tuple[Claimed, dict, list[str]]:
    params = cavage.params(incoming.header("Signature") or "")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in {"rsa-sha256", "hs2019"}:
        raise SignatureRefused(Refusal.UNSUPPORTED, algorithm)
    default = "(created)" if algorithm == "hs2019" else "date"
    names = params.get("headers", default).lower().split()
    if not names or len(set(names)) != len(names):
        raise SignatureRefused(Refusal.MALFORMED, "headers is empty or repeats a name")
    covered = set(names)
    if not {"(request-target)", "host"} <= covered or not covered & {"date", "(created)"}:
        raise SignatureRefused(Refusal.NOT_COVERED, "(request-target), host and date")
    if "(created)" in covered:
        if algorithm != "hs2019" or not (params.get("created") or "").isdigit():
            raise SignatureRefused(Refusal.MALFORMED, "(created) without hs2019 and created")
        created = cavage.timestamp(params["created"])
    else:
        created = cavage.http_date(incoming.header("Date"))
    _check_time(created, now)
    _check_digests(incoming, covered)
    if (incoming.header("Host") or "").strip().lower() != authority(incoming.url):
        raise SignatureRefused(Refusal.BAD_SIGNATURE, "signed for another host")
    if any(
        name.startswith("(") and name not in {"(request-target)", "(created)"} for name in names
    ):
        raise SignatureRefused(Refusal.UNSUPPORTED, "a pseudo-header other than these two")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignatureRefused(Refusal.MALFORMED, "signature is not base64") from error
    claimed = Claimed(params["keyId"], "cavage", created, signature, tuple(names))
    return claimed, params, names


def _verify_cavage(incoming: Incoming, key, now: dt.datetime) -> Verified:
    claimed, params, names = _claim_cavage(incoming, now)
    # The draft's target is the path and query; Mastodon signs the path alone
    # (mastodon/mastodon app/lib/request.rb), so a URL with a query is tried both ways.
    targets = [cavage.target(incoming.url)]
    if urlsplit(incoming.url).query:
        targets.append(urlsplit(incoming.url).path or "/")
    bases = [cavage.base(incoming, names, params, target) for target in targets]
    if not any(_verifies(key, claimed.signature, base) for base in bases):
        raise SignatureRefused(Refusal.BAD_SIGNATURE)
    return Verified(claimed.key_id, "cavage", claimed.created, claimed.signature)


def _claim_rfc9421(incoming: Incoming, now: dt.datetime):
    parsed = rfc9421.parse(incoming)
    covered = set(parsed.components)
    target = "@target-uri" in covered or {"@path", "@authority"} <= covered
    if "@method" not in covered or not target:
        raise SignatureRefused(Refusal.NOT_COVERED, "@method and @target-uri or @path+@authority")
    if parsed.alg not in (None, "rsa-v1_5-sha256"):
        raise SignatureRefused(Refusal.UNSUPPORTED, parsed.alg)
    _check_time(parsed.created, now)
    if parsed.expires is not None and parsed.expires < now:
        raise SignatureRefused(Refusal.STALE, "expired")
    _check_digests(incoming, covered)
    claimed = Claimed(
        parsed.key_id, "rfc9421", parsed.created, parsed.signature, tuple(parsed.components)
    )
    return claimed, parsed


def _verify_rfc9421(incoming: Incoming, key, now: dt.datetime) -> Verified:
    _claimed, parsed = _claim_rfc9421(incoming, now)
    base = rfc9421.signature_base(
        parsed.components, parsed.serialised, incoming.method.upper(), incoming.url,
        incoming.headers,
    )  # fmt: skip
    if not _verifies(key, parsed.signature, base):
        raise SignatureRefused(Refusal.BAD_SIGNATURE)
    return Verified(parsed.key_id, "rfc9421", parsed.created, parsed.signature)


def claim(incoming: Incoming, *, now: dt.datetime | None = None) -> Claimed:
    """Every check ``verify`` makes that needs no key, for the inbox to make before it
    keeps a request: the headers readable, what they cover, the digests, the time.
    SignatureRefused, with its reason, if not; the signature itself is not checked."""
    now = now or timezone.now()
    if incoming.header("Signature-Input") is not None:
        return _claim_rfc9421(incoming, now)[0]
    if incoming.header("Signature") is None:
        raise SignatureRefused(Refusal.UNSIGNED)
    return _claim_cavage(incoming, now)[0]


def verify(
    incoming: Incoming,
    *,
    public_key_pem: str,
    now: dt.datetime | None = None,
    min_key_bits: int = MIN_KEY_BITS,
) -> Verified:
    """Check ``incoming``'s signature with the key of ``key_id_of(incoming)``: the key's
    size, coverage, digests, time and the signature itself. SignatureRefused, with its
    reason, if not. (``min_key_bits`` is lowered only for the draft's 1024-bit test key.)"""
    now = now or timezone.now()
    key = _public_key(public_key_pem, min_key_bits)
    if incoming.header("Signature-Input") is not None:
        return _verify_rfc9421(incoming, key, now)
    if incoming.header("Signature") is None:
        raise SignatureRefused(Refusal.UNSIGNED)
    return _verify_cavage(incoming, key, now)


def check_key_owner(key_id: str, *, actor_id: str) -> None:
    """The key must live on the actor's own host: a server speaks only for its people."""
    key_host, actor_host = urlsplit(key_id), urlsplit(actor_id)
    if not key_host.hostname or (key_host.hostname, key_host.port) != (
        actor_host.hostname,
        actor_host.port,
    ):
        raise SignatureRefused(Refusal.KEY_HOST_MISMATCH, f"{key_id} for {actor_id}")


def _replay_counter(signed: "Verified | Claimed") -> tuple[str, str]:
    return "ap-signature", hashlib.sha256(signed.signature).hexdigest()


def seen_before(claimed: "Claimed | Verified") -> bool:
    """Whether this signature was already verified and recorded by ``refuse_replay``
    (counts nothing: the inbox asks before it keeps a request, the worker records)."""
    action, subject = _replay_counter(claimed)
    return ratelimit.peek(action=action, subject=subject, window_seconds=1, at=claimed.created) > 0


def refuse_replay(verified: Verified) -> None:
    """Refuse a signature seen before, across every process (core.ratelimit's counters).

    Counted at the signature's own time, which it signs, so every sighting of it lands on
    the same counter row whenever it comes within the window; the row outlives the
    window (the daily purge takes rows a day old, when the signature is stale anyway).
    """
    action, subject = _replay_counter(verified)
    count = ratelimit.hit(action=action, subject=subject, window_seconds=1, at=verified.created)
    if count > 1:
        raise SignatureRefused(Refusal.REPLAY)
