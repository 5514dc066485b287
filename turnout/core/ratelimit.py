"""Fixed-window rate limits counted atomically in the database.

Every gunicorn worker shares the same counter rows, and each hit is one
``INSERT … ON CONFLICT DO UPDATE SET count = count + 1 … RETURNING count``, so two
processes can never both see room under a limit that only one of them had.
"""

import datetime as dt
import hashlib
import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from turnout.core.models import RateCounter


def connecting_address(request: HttpRequest) -> str:
    """The client's IP as given; behind a trusted proxy, the last address it appended."""
    if settings.TURNOUT_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_address(request: HttpRequest) -> str:
    """The client as rate limits count it: an IPv4 address, or an IPv6 address's /64.

    One household, phone or server is given a whole IPv6 /64 and can pick any address
    in it, so counting each address would let one client past every limit.
    """
    return client_bucket(connecting_address(request))


def client_bucket(address: str) -> str:
    """``address`` as one client: IPv4 as is, IPv6 as its /64 network ("2001:db8::/64"),
    an IPv4 address written as IPv6 (``::ffff:a.b.c.d``) as that IPv4 address; anything
    else unchanged."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _key(action: str, subject: str) -> str:
    # Keys hold a hash, not the address or email itself: no personal data at rest.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()
    return f"{action}:{digest}"


def hit(*, action: str, subject: str, window_seconds: int, at: dt.datetime | None = None) -> int:
    """Count one attempt and return how many this window now holds."""
    return hits([(action, subject, window_seconds)], at=at)[0]


def hits(attempts: list[tuple[str, str, int]], *, at: dt.datetime | None = None) -> list[int]:
    """Count one attempt under each (action, subject, window in seconds); the counts.

    One statement for them all: insert each window's row, or add one to it if it is
    there already (``ON CONFLICT … DO UPDATE``, on PostgreSQL and SQLite alike).
    ``at`` counts in the window of that moment instead of now's: a caller that must
    recognise the same thing seen twice (a replayed signature) counts it at a moment
    the thing itself fixes, so both sightings land on the same row whenever they come.
    It must be within a day of now, or the daily purge may take the row early.
    """
    now = at or timezone.now()
    keys = [_key(action, subject) for action, subject, _window in attempts]
    params = []
    for key, (_action, _subject, window) in zip(keys, attempts, strict=True):
        # Raw SQL gets the datetime as the ORM stores it (naive UTC text on SQLite).
        params += [key, connection.ops.adapt_datetimefield_value(_window_start(now, window))]
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) "  # noqa: S608 -- table name is ours
            f"VALUES {', '.join(['(%s, %s, 1)'] * len(attempts))} "
            f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING key, count",
            params,
        )
        counts = dict(cursor.fetchall())
    return [counts[key] for key in keys]


def peek(*, action: str, subject: str, window_seconds: int, at: dt.datetime | None = None) -> int:
    """How many attempts this window (or that of ``at``, as ``hits`` has it) holds,
    without counting one."""
    start = _window_start(at or timezone.now(), window_seconds)
    row = RateCounter.objects.filter(key=_key(action, subject), window_start=start).first()
    return row.count if row else 0


def exempt(request: HttpRequest) -> bool:
    """Documented escape hatch for a benchmark's load client (the limiter still counts)."""
    return connecting_address(request) in settings.TURNOUT_RATE_LIMIT_EXEMPT


def purge_older_than(age) -> int:
    deleted, _ = RateCounter.objects.filter(window_start__lt=timezone.now() - age).delete()
    return deleted


def over_limit(request: HttpRequest, rule: tuple[str, int, int], subject: str) -> bool:
    """Count one attempt under ``rule`` (action, limit, window in seconds); whether it is
    over the limit. An exempt client is counted but never refused."""
    return over_limits(request, [(rule, subject)])[0]


def over_limits(request: HttpRequest, checks: list[tuple[tuple[str, int, int], str]]) -> list[bool]:
    """``over_limit`` for several (rule, subject) pairs, counted in one statement."""
    counts = hits([(action, subject, window) for (action, _limit, window), subject in checks])
    allowed = exempt(request)
    return [
        count > limit and not allowed
        for count, ((_action, limit, _window), _subject) in zip(counts, checks, strict=True)
    ]
