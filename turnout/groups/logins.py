"""How many failed logins are let through, and whose failures count together.

Failures are counted per account *and client address*, and per client address, never
per account alone: a stranger guessing from elsewhere uses up only their own tries,
and cannot lock the organiser out. The account's counter also names a digest of its
password hash, so a new password (a reset) starts that count again. The limits and
the window are settings (``TURNOUT_LOGIN_*``, documented in .env.example).
"""

import hashlib
import math

from django.conf import settings
from django.utils.translation import ngettext

from turnout.core import ratelimit
from turnout.groups.models import User


def _counters(*, email: str, address: str) -> list[tuple[str, str, int]]:
    """(action, subject, limit) of each counter an attempt is checked and counted under.
    Subjects are stored only as keyed hashes (turnout.core.ratelimit)."""
    email = email.strip().lower()
    password = User.objects.filter(email__iexact=email).values_list("password", flat=True)
    stamp = hashlib.sha256((password.first() or "").encode()).hexdigest()
    return [
        (
            "login-account",
            f"{email}\n{stamp}\n{address}",
            settings.TURNOUT_LOGIN_FAILURES_PER_ACCOUNT,
        ),
        ("login-address", address, settings.TURNOUT_LOGIN_FAILURES_PER_ADDRESS),
    ]


class Attempt:
    """One login attempt: whether it may go ahead, and counting it if it failed."""

    def __init__(self, *, email: str, address: str):
        self.counters = _counters(email=email, address=address)
        self.window = settings.TURNOUT_LOGIN_WINDOW_SECONDS

    def refused(self) -> bool:
        """Over a limit already: refused without checking the password."""
        return any(
            ratelimit.peek(action=action, subject=subject, window_seconds=self.window) >= limit
            for action, subject, limit in self.counters
        )

    def failed(self) -> None:
        ratelimit.hits([(action, subject, self.window) for action, subject, _ in self.counters])


def refused_message() -> str:
    minutes = math.ceil(settings.TURNOUT_LOGIN_WINDOW_SECONDS / 60)
    return ngettext(
        "Too many failed attempts. Wait %(minutes)d minute, or reset your password by email.",
        "Too many failed attempts. Wait %(minutes)d minutes, or reset your password by email.",
        minutes,
    ) % {"minutes": minutes}
