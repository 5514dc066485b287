"""Body digests: the ``Digest`` header of RFC 3230 that draft-cavage signatures cover and
Mastodon checks (``SHA-256=<base64>``, mastodon/mastodon
app/controllers/concerns/signature_verification.rb ``verify_body_digest!``), and RFC 9530's
``Content-Digest`` that RFC 9421 signatures cover (``sha-256=:<base64>:``).

A signature only vouches for the body through one of these, so a digest that is missing,
unreadable, of an algorithm we do not know, or not the body's, is a refusal, never a pass.
"""

import base64
import binascii
import hashlib
import re

_ALGORITHMS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


class DigestError(ValueError):
    """The digest header is unreadable or offers no algorithm we check."""


def digest_header(body: bytes) -> str:
    """``Digest`` for ``body``: ``SHA-256=<base64>``, as Mastodon sends and checks it."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def content_digest_header(body: bytes) -> str:
    """``Content-Digest`` for ``body`` (RFC 9530): ``sha-256=:<base64>:``."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _decode(value: str) -> bytes:
    if not _BASE64.fullmatch(value):
        raise DigestError("digest value is not base64")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DigestError("digest value is not base64") from error


def parse_digest(value: str) -> dict[str, bytes]:
    """``Digest: SHA-256=abc…, SHA-512=…`` as {"sha-256": bytes, …}, known algorithms only."""
    found: dict[str, bytes] = {}
    for part in value.split(","):
        name, sep, encoded = part.strip().partition("=")
        if not sep or not _TOKEN.fullmatch(name):
            raise DigestError("Digest is not a list of algorithm=value")
        name = name.lower()
        if name in _ALGORITHMS:
            if name in found:
                raise DigestError(f"Digest gives {name} twice")
            found[name] = _decode(encoded.strip())
    return found


def parse_content_digest(value: str) -> dict[str, bytes]:
    """``Content-Digest: sha-256=:abc…:`` (a structured dictionary of byte sequences)."""
    found: dict[str, bytes] = {}
    for part in value.split(","):
        name, sep, encoded = part.strip().partition("=")
        if not sep or not _TOKEN.fullmatch(name) or name != name.lower():
            raise DigestError("Content-Digest is not a dictionary of algorithm=:value:")
        if len(encoded) < 2 or encoded[0] != ":" or encoded[-1] != ":":
            raise DigestError("Content-Digest value is not a byte sequence")
        if name in _ALGORITHMS:
            if name in found:
                raise DigestError(f"Content-Digest gives {name} twice")
            found[name] = _decode(encoded[1:-1])
    return found


def matches(digests: dict[str, bytes], body: bytes) -> bool:
    """Whether every known digest offered is the body's; DigestError if none is known."""
    if not digests:
        raise DigestError("no SHA-256 or SHA-512 digest offered")
    return all(_ALGORITHMS[name](body).digest() == value for name, value in digests.items())
