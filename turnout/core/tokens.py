"""Secret tokens: made with ``secrets``; the database keeps only their hash (or a secret
they are derived from with SECRET_KEY, as for an attendee's link)."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_secret() -> str:
    return secrets.token_hex(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
