"""Keep secret tokens out of server logs.

Links in emails carry tokens in their paths (``/rsvp/<token>/``,
``/organise/verify/…``). Every log line that names a path — gunicorn's access
log and Django's request warnings — shows those paths with the token replaced.
"""

import logging
import re

from gunicorn.glogging import Logger

# Paths whose remaining segments are secrets; keep this list beside the URLconfs.
TOKEN_PATH_PREFIXES = (
    "/rsvp/",
    "/organise/verify/",
    "/organise/invitations/",
    "/organise/password-reset/",
    "/subscriptions/",
    "/organise/check-in/",
)
NOT_SECRET = {"sent/", "done/"}  # the plain pages under /organise/password-reset/
_TOKEN_PATH = re.compile(
    "(" + "|".join(re.escape(p) for p in TOKEN_PATH_PREFIXES) + r")([^\s\"'?#]+)"
)


def _redact(match: re.Match) -> str:
    prefix, rest = match.groups()
    return match.group(0) if rest in NOT_SECRET else prefix + "[token]/"


def redact_text(text: str) -> str:
    """Replace the secret part of every token path in ``text`` (a path, a URL, a log line)."""
    return _TOKEN_PATH.sub(_redact, text)


class RedactTokens(logging.Filter):
    """A logging filter for Django's loggers: rewrites the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_text(a) if isinstance(a, str) else a for a in record.args)
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with token paths redacted from the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact_text(v) if isinstance(v, str) else v for k, v in atoms.items()}
