"""Codes an authenticator app would show, computed the way the app does (RFC 6238)."""

from binascii import unhexlify

from django_otp.oath import totp

from turnout.groups import twofactor
from turnout.groups.models import User


def code_for(key: str, *, steps: int = 0) -> str:
    """The code for ``key`` now, or ``steps`` periods of 30 seconds later (or earlier)."""
    return f"{totp(unhexlify(key), step=30, t0=0, digits=6, drift=steps):06d}"


def enrol(user: User) -> tuple[str, str, list[str]]:
    """Turn two-factor on for ``user``: its key, the code that confirmed it (spent now)
    and the recovery codes."""
    key = twofactor.new_key()
    used = code_for(key)
    codes = twofactor.enable(user=user, key=key, code=used)
    return key, used, codes


def next_code(key: str) -> str:
    """A code not spent yet: the next period's (an app's clock a little fast)."""
    return code_for(key, steps=1)
