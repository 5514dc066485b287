"""Why a signed request is refused: one reason each, for logs, tests and the inbox's answer."""

import enum


class Refusal(enum.Enum):
    UNSIGNED = "the request is not signed"
    MALFORMED = "the signature headers cannot be read"
    UNSUPPORTED = "the signature uses an algorithm or component Turnout does not check"
    NOT_COVERED = "the signature does not cover what it must"
    DIGEST_MISSING = "the body's digest is missing or unreadable"
    DIGEST_MISMATCH = "the digest is not the body's"
    STALE = "the signature's time is not within 12 hours of now"
    BAD_KEY = "the public key cannot be read"
    BAD_SIGNATURE = "the signature does not verify with the key"
    KEY_HOST_MISMATCH = "the key is on another host than the actor"
    REPLAY = "this signature was seen before"


class SignatureRefused(Exception):
    """A request whose signature Turnout will not accept; ``reason`` says why."""

    def __init__(self, reason: Refusal, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}{': ' + detail if detail else ''}")
