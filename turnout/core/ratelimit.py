"""Fixed-window rate limits counted atomically in the database.

Every gunicorn worker shares the same counter rows, and each hit is one
``UPDATE … SET count = count + 1 … RETURNING count``, so two processes can never
both see room under a limit that only one of them had.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from turnout.core.models import RateCounter


def client_address(request: HttpRequest) -> str:
    """The client's IP; behind a trusted proxy, the last address it appended."""
    if settings.TURNOUT_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _key(action: str, subject: str) -> str:
    # Keys hold a hash, not the address or email itself: no personal data at rest.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()
    return f"{action}:{digest}"


def _increment(key: str, start) -> int | None:
    """Add one to the counter row in a single statement; None when there is no row yet."""
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = count + 1 "  # noqa: S608 -- table name is ours
            "WHERE key = %s AND window_start = %s RETURNING count",
            # Raw SQL gets the datetime as the ORM stores it (naive UTC text on SQLite).
            [key, connection.ops.adapt_datetimefield_value(start)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def hit(*, action: str, subject: str, window_seconds: int) -> int:
    """Count one attempt and return how many this window now holds."""
    key = _key(action, subject)
    start = _window_start(timezone.now(), window_seconds)
    with transaction.atomic():
        count = _increment(key, start)
        if count is not None:
            return count
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window_start=start, count=1)
            return 1
        except IntegrityError:  # another process created the row first: it is there now
            return _increment(key, start)


def peek(*, action: str, subject: str, window_seconds: int) -> int:
    """How many attempts this window holds, without counting one."""
    start = _window_start(timezone.now(), window_seconds)
    row = RateCounter.objects.filter(key=_key(action, subject), window_start=start).first()
    return row.count if row else 0


def exempt(request: HttpRequest) -> bool:
    """Documented escape hatch for a benchmark's load client (the limiter still counts)."""
    return client_address(request) in settings.TURNOUT_RATE_LIMIT_EXEMPT


def purge_older_than(age) -> int:
    deleted, _ = RateCounter.objects.filter(window_start__lt=timezone.now() - age).delete()
    return deleted


def over_limit(request: HttpRequest, rule: tuple[str, int, int], subject: str) -> bool:
    """Count one attempt under ``rule`` (action, limit, window in seconds); whether it is
    over the limit. An exempt client is counted but never refused."""
    action, limit, window = rule
    count = hit(action=action, subject=subject, window_seconds=window)
    return count > limit and not exempt(request)
