"""Secret tokens: made with ``secrets``; the database keeps only their hash (or a secret
they are derived from with SECRET_KEY, as for an attendee's link: ``keyed_token``)."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_secret() -> str:
    return secrets.token_hex(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_token(message: str, *, stored_hash: str = "") -> str:
    """The link token made from ``message`` (which holds a stored secret): its HMAC-SHA256
    under SECRET_KEY. Where ``stored_hash`` (the hash kept of the token made first) is
    the hash of the token under one of SECRET_KEY_FALLBACKS, that token: a link made
    before the secret changed is still the one sent, and opens what it names."""
    tokens = [_hmac_token(secret, message) for secret in _secrets()]
    return next((t for t in tokens if stored_hash and token_hash(t) == stored_hash), tokens[0])


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _hmac_token(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
