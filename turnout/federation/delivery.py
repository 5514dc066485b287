"""Delivering what groups send: each ``Delivery`` signed and POSTed by the worker.

Why it is built this way:

- **From rows, not from memory.** ``outgoing.send`` writes the rows in the organiser's
  transaction; this module only reads and updates them. A worker killed mid-way leaves
  its claims (``claimed_until``) to run out, and the next run takes them up again:
  nothing is lost, and a request in flight at the kill may arrive twice (at most one
  per host being delivered to). Activities have stable ids, so a receiver that sees one
  twice ignores the second (Mastodon and Mobilizon both do).
- **One slow host never delays the others.** A run claims what is due, groups it by
  host and delivers the hosts side by side in a few threads (each its own database
  connection), a host's deliveries one after another. The first failure of a host
  (a timeout, a refused connection, a 5xx) ends that host's round: its other
  deliveries are put back to wait as long as the failed one, so a hanging host costs
  one timeout per round, never one per delivery.
- **Back-off over two days** (``BACKOFF``): tried at once, then 1 min, 5 min, 30 min,
  2 h, 6 h later, then every 12 h, the last attempt exactly two days after it was
  written (``GIVE_UP``); then FAILED. Attempts at 0, 1 m, 6 m, 36 m, 2 h 36, 8 h 36,
  20 h 36, 32 h 36, 44 h 36 and 48 h: ten in all.
- **Dead hosts.** A host whose deliveries have failed for two days (``DEAD_AFTER``,
  ``RemoteHost.failing_since``) is dead: its deliveries are not attempted, except one
  a day (``DEAD_RETRY``, ``RemoteHost.next_try_at``). One success revives it, and its
  queued deliveries follow at once. A server shut down for good costs a request a day.
- **A refusal is final.** A 4xx other than 408 (timeout) and 429 (too many requests)
  fails that delivery at once: the receiver read it and said no (401 a signature it
  will not accept, 404 or 410 an inbox or actor that is gone, 400/422 an activity it
  cannot use), and the same bytes will get the same answer. The host answered, so it
  is not failing. Mastodon's own delivery worker decides much the same
  (mastodon/mastodon app/workers/activitypub/delivery_worker.rb,
  ``response_error_unsalvageable?``: 501, or a 4xx other than 401, 408 and 429, is not
  retried). Turnout, unlike Mastodon, does not retry a 401 (its key does not change between
  attempts), and does retry a 501 like any 5xx.
- **Never inward.** An inbox on a loopback or private address, or not http(s), is
  refused by turnout.core.fetch and fails for good at once: no retry makes it allowed.
- ``last_error`` is short and holds no secret: the status, or the fetcher's reason.
"""

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from turnout.core import fetch
from turnout.federation import ids, keys, signatures
from turnout.federation.models import Delivery, RemoteHost, SentActivity

logger = logging.getLogger("turnout.federation")

BACKOFF = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),  # and every 12 hours after that
]
GIVE_UP = dt.timedelta(days=2)
DEAD_AFTER = dt.timedelta(days=2)
DEAD_RETRY = dt.timedelta(days=1)
KEEP_SENT = dt.timedelta(days=30)
LEASE = dt.timedelta(minutes=5)  # a claim on a round's deliveries (see lease())
EVERY = 60  # seconds between the periodic runs
RETRYABLE_4XX = {408, 429}
# The fetcher's refusals that no retry changes: an inbox that is not an http(s) URL, or
# on a private address, which federation never reaches (server-side request forgery).
FINAL_CODES = {"invalid", "scheme", "userinfo", "private"}
BATCH = 200  # deliveries claimed by one round
PER_HOST = 20  # of which to one host
THREADS = 4  # hosts delivered to side by side
ROUNDS = 100  # rounds in one run, at most
ANSWER_BYTES = 64 * 1024  # an inbox answers 202 with little or nothing


def lease() -> dt.timedelta:
    """How long a claim lasts: longer than a round can take (PER_HOST deliveries, each
    at most the timeout), so a live worker never loses its claim to another: five
    minutes, or more if TURNOUT_FEDERATION_TIMEOUT_SECONDS was raised past 12 s. Only
    the tests shorten it (turnout/test_settings.py). Too short costs duplicates, never
    losses."""
    shortened = getattr(settings, "TURNOUT_TEST_DELIVERY_SECONDS", None)
    if shortened:
        return dt.timedelta(seconds=shortened)
    longest_round = PER_HOST * settings.TURNOUT_FEDERATION_TIMEOUT_SECONDS
    return max(LEASE, dt.timedelta(seconds=longest_round + 60))


def every() -> float:
    """Seconds between the periodic runs (retries, a killed worker's claims)."""
    return getattr(settings, "TURNOUT_TEST_DELIVERY_SECONDS", None) or EVERY


def wake() -> None:
    """Run the delivery task once the current transaction commits (now, outside one)."""
    from turnout.federation import tasks  # tasks imports this module

    transaction.on_commit(tasks.deliver.enqueue)


def next_attempt(*, created_at: dt.datetime, attempts: int, now: dt.datetime):
    """When to try again after ``attempts`` failed attempts; None: give up."""
    give_up = created_at + GIVE_UP
    if now >= give_up:
        return None
    return min(now + BACKOFF[min(attempts, len(BACKOFF)) - 1], give_up)


def deliver_due(*, now: dt.datetime | None = None) -> None:
    """Deliver everything due, round after round. ``now`` (tests) fixes the clock of the
    schedule; signatures use the real one."""
    for _round in range(ROUNDS):
        claimed = claim(now=now or timezone.now())
        if not claimed:
            break
        deliver(claimed, now=now)


def _waiting_dead_hosts(now: dt.datetime):
    return RemoteHost.objects.filter(
        failing_since__lte=now - DEAD_AFTER, next_try_at__gt=now
    ).values("host")


def _due(now: dt.datetime):
    return (
        Delivery.objects.filter(status=Delivery.Status.QUEUED, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .exclude(host__in=_waiting_dead_hosts(now))
    )


def _capped(rows: list[Delivery]) -> list[Delivery]:
    counts: dict[str, int] = {}
    kept = []
    for row in rows:
        counts[row.host] = counts.get(row.host, 0) + 1
        if counts[row.host] <= PER_HOST:
            kept.append(row)
    return kept


def claim(*, now: dt.datetime, host: str | None = None) -> list[Delivery]:
    """Claim due deliveries (to ``host`` only, if given) until now + lease, in one
    transaction: rows locked with SKIP LOCKED where the database has it (PostgreSQL),
    else (SQLite, which has one writer at a time) each claimed by an UPDATE that
    re-checks it is still due."""
    until = now + lease()
    due = _due(now).order_by("next_attempt_at", "pk")
    if host is not None:
        due = due.filter(host=host)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = _capped(list(due.select_for_update(skip_locked=True)[:BATCH]))
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(claimed_until=until)
        else:
            candidates = _capped(list(due[:BATCH]))
            rows = [r for r in candidates if _due(now).filter(pk=r.pk).update(claimed_until=until)]
    return rows


def deliver(rows: list[Delivery], *, now: dt.datetime | None = None) -> None:
    """Deliver claimed ``rows``: hosts side by side, each host's rows in turn; a host
    whose round went well claims its next ones itself, so a host that answers is not
    held up by the round of one that hangs."""
    rows = sorted(rows, key=lambda r: (r.host, r.next_attempt_at, r.pk))
    by_host = [(host, list(group)) for host, group in groupby(rows, key=lambda r: r.host)]
    with ThreadPoolExecutor(max_workers=min(THREADS, len(by_host))) as pool:
        for host, host_rows in by_host:
            pool.submit(_host_rounds, host, host_rows, now)


def _host_rounds(host: str, rows: list[Delivery], fixed_now: dt.datetime | None) -> None:
    try:
        signers: dict = {}
        for _round in range(ROUNDS):
            now = fixed_now or timezone.now()
            if not rows or not _host_round(host, rows, now, signers):
                break
            rows = claim(now=fixed_now or timezone.now(), host=host)
    except Exception:  # a bug must not stop the other hosts; the claims run out
        logger.exception("Delivering to %s failed; its deliveries wait for their claim.", host)
    finally:
        connection.close()


def _host_round(host: str, rows: list[Delivery], now: dt.datetime, signers: dict) -> bool:
    """Deliver one host's claimed rows in turn; False when it failed (round over)."""
    rows = _dead_host_rows(host, rows, now)
    activities = SentActivity.objects.select_related("group").in_bulk({r.activity_id for r in rows})
    for index, row in enumerate(rows):
        outcome = _attempt(row, activities[row.activity_id], signers)
        if outcome.answered:
            _host_answered(host)
        if outcome.error is None:
            _sent(row, now)
        elif outcome.final:
            _refused(row, outcome.error, now)
        else:
            wait_until = _failed(row, outcome.error, now)
            _host_failed(host, now)
            _put_back(rows[index + 1 :], wait_until)
            return False
    return True


def _dead_host_rows(host: str, rows: list[Delivery], now: dt.datetime) -> list[Delivery]:
    """For a dead host: those past two days fail unattempted, and the rest are its daily
    try (the next not before a day from now)."""
    state = RemoteHost.objects.filter(host=host, failing_since__lte=now - DEAD_AFTER).first()
    if state is None:
        return rows
    expired = [r for r in rows if now > r.created_at + GIVE_UP]
    for row in expired:
        _refused(row, "the host has not answered for two days", now, attempted=False)
    RemoteHost.objects.filter(host=host).update(next_try_at=now + DEAD_RETRY)
    logger.info("Trying dead host %s (failing since %s).", host, state.failing_since)
    return [r for r in rows if r not in expired]


def _signer(group) -> tuple[str, str]:
    pair = keys.key_pair(group=group)
    key_id = ids.key_id(group) if group is not None else ids.instance_actor() + "#main-key"
    return key_id, pair.private_key_pem.decode()


class Outcome(NamedTuple):
    error: str | None  # None: delivered
    final: bool = False  # no retry will change it
    answered: bool = True  # the host took the request (delivered, or refused it for good)


def _attempt(row: Delivery, activity: SentActivity, signers: dict) -> Outcome:
    """POST one delivery."""
    if activity.group_id not in signers:
        signers[activity.group_id] = _signer(activity.group)
    key_id, private_key_pem = signers[activity.group_id]
    body = activity.body.encode()
    headers = signatures.sign(
        method="POST",
        url=row.inbox,
        headers={"Content-Type": ids.ACTIVITY_JSON},
        body=body,
        private_key_pem=private_key_pem,
        key_id=key_id,
    )
    options = fetch.Options(
        headers=tuple(headers.items()),
        accept=ids.ACTIVITY_JSON,
        user_agent=ids.USER_AGENT,
        max_bytes=ANSWER_BYTES,
        allow_private=settings.TURNOUT_FEDERATION_ALLOW_PRIVATE_ADDRESSES,
    )
    try:
        fetch.post(
            row.inbox,
            body=body,
            options=options,
            timeout=settings.TURNOUT_FEDERATION_TIMEOUT_SECONDS,
        )
    except fetch.FetchRefused as exc:
        if exc.code == "too_large":  # only read after a 2xx: delivered, the rest unread
            return Outcome(None)
        if exc.status is not None:
            final = 400 <= exc.status < 500 and exc.status not in RETRYABLE_4XX
            return Outcome(f"HTTP {exc.status}", final, answered=final)  # 5xx: failing
        error = f"{exc.code}: {exc.message}"[:300]
        return Outcome(error, final=exc.code in FINAL_CODES, answered=False)
    return Outcome(None)


def _sent(row: Delivery, now: dt.datetime) -> None:
    Delivery.objects.filter(pk=row.pk).update(
        status=Delivery.Status.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        claimed_until=None,
        last_error="",
    )


def _refused(row: Delivery, error: str, now: dt.datetime, *, attempted: bool = True) -> None:
    logger.info("Delivery %s to %s failed for good: %s", row.pk, row.inbox, error)
    Delivery.objects.filter(pk=row.pk).update(
        status=Delivery.Status.FAILED,
        attempts=F("attempts") + int(attempted),
        claimed_until=None,
        last_error=error,
    )


def _failed(row: Delivery, error: str, now: dt.datetime) -> dt.datetime:
    """Record a failed attempt; returns when the host's other deliveries may be tried."""
    attempts = row.attempts + 1
    when = next_attempt(created_at=row.created_at, attempts=attempts, now=now)
    if when is None:
        _refused(row, error, now)
        return now + BACKOFF[0]
    logger.info("Delivery %s to %s failed (%s); next try at %s.", row.pk, row.inbox, error, when)
    Delivery.objects.filter(pk=row.pk).update(
        attempts=attempts, next_attempt_at=when, claimed_until=None, last_error=error
    )
    return when


def _put_back(rows: list[Delivery], wait_until: dt.datetime) -> None:
    for row in rows:
        Delivery.objects.filter(pk=row.pk).update(
            claimed_until=None, next_attempt_at=max(row.next_attempt_at, wait_until)
        )


def _host_answered(host: str) -> None:
    if RemoteHost.objects.filter(host=host, failing_since__isnull=False).update(
        failing_since=None, next_try_at=None
    ):
        logger.info("Host %s answers again.", host)


def _host_failed(host: str, now: dt.datetime) -> None:
    state, _created = RemoteHost.objects.get_or_create(host=host, defaults={"failing_since": now})
    if state.failing_since is None:
        RemoteHost.objects.filter(pk=state.pk, failing_since__isnull=True).update(failing_since=now)
    elif state.failing_since <= now - DEAD_AFTER and not (
        state.next_try_at and state.next_try_at > now
    ):
        RemoteHost.objects.filter(pk=state.pk).update(next_try_at=now + DEAD_RETRY)
        logger.warning("Host %s has failed for two days: tried once a day from now.", host)


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete deliveries settled (sent or failed) more than KEEP_SENT ago, and the
    activities left with none. The outbox is built from the meetings, not from these."""
    cutoff = (now or timezone.now()) - KEEP_SENT
    deleted, _ = Delivery.objects.filter(
        status__in=[Delivery.Status.SENT, Delivery.Status.FAILED], created_at__lt=cutoff
    ).delete()
    SentActivity.objects.filter(created_at__lt=cutoff, deliveries__isnull=True).delete()
    return deleted
