"""Profile: what Turnout's RSVP POST does beyond the bare prototype's (issue 22, item 3).

    .venv/bin/python bench/profile_rsvp.py [--posts 100] [--lines 40] [--postgres] [--bare]

Sets up its own database (a temporary SQLite file, or with ``--postgres`` a throwaway
PostgreSQL from tests/postgres.py), migrated, and the RSVP rush's group and meeting
(bench/rsvp_rush.py ``setup_turnout``) in production mode with the rush's settings: the
rate limiter counts but exempts the client (``TURNOUT_RATE_LIMIT_EXEMPT``), every seat
may be held (``TURNOUT_RSVP_HOLD_PERCENT=100``), addresses spread over 500 domains.

Two cases, each POST from a new visitor (a new client: the page's GET for its CSRF
cookie and token is not measured, the POST is, CSRF checked as in production):

- ``seat``: a POST that takes a seat (the meeting has room for every one);
- ``waitlist``: a POST to the same meeting once full: a waitlist place.

For each: ``--posts`` POSTs after 5 to warm up, first timed without the profiler (CPU
per POST, ``time.process_time``: the test client's own work included, the same before
and after), then again under cProfile (functions by cumulative time); and the SQL
statements of one POST, each named by what it is for. For where the time goes, not for
the rate: bench/rsvp_rush.py measures that against the bare prototype. ``--bare`` runs
the same cases against bench/bare_rsvp/ (its own settings and database), for the
comparison in one process; compare on PostgreSQL (SQLite's commits differ by settings).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WARM = 5
# What a statement is for, by the first pattern it matches (lower case SQL).
PURPOSES = [
    ("savepoint", "savepoint / transaction"),
    ("begin", "savepoint / transaction"),
    ("commit", "savepoint / transaction"),
    ("release", "savepoint / transaction"),
    ("rollback", "savepoint / transaction"),
    ("core_ratecounter", "rate limit"),
    ("django_session", "session"),
    ("django_tasks", "task row (the worker's wake-up)"),
    ("core_message", "outbox row"),
    ("django_content_type", "content type"),
    ("rsvp_organiseralert", "organisers' alerts"),
    ("groups_membership", "organisers' alerts"),
    ("rsvp_registration", "registration"),
    ("mailing_", "mailing list"),
    ("events_event", "the meeting's row (seats, lock)"),
    ("groups_group", "the group"),
]


def purpose(sql: str) -> str:
    low = sql.lower()
    for needle, name in PURPOSES:
        if low.startswith(needle) or (needle not in ("begin", "commit") and needle in low):
            return name
    return "other"


def environment(database_url: str, var_dir: Path) -> None:
    from bench.announcement import production_env

    env = production_env(
        database_url,
        TURNOUT_EMAIL_URL="console://",
        TURNOUT_RATE_LIMIT_EXEMPT="127.0.0.1",
        TURNOUT_RSVP_HOLD_PERCENT="100",
        TURNOUT_VAR_DIR=str(var_dir),
    )
    os.environ.clear()
    os.environ.update(env)


def new_visitor(page: str):
    """A new client holding the page's CSRF cookie and token, as a browser would."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1:8000")
    html = client.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client, token


def post(page: str, visitor, email: str, expected: str) -> None:
    client, token = visitor
    data = {"name": "Ann Smith", "email": email, "csrfmiddlewaretoken": token}
    response = client.post(page, data)
    if response.status_code != 200 or expected not in response.content.decode():
        raise SystemExit(f"{email}: {response.status_code}, not {expected!r}")


def run_case(name: str, page: str, emails, args) -> dict:
    """Warm up, time, profile and list the statements of ``args.posts`` POSTs each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    expected = "Check your inbox"  # in both Turnout's answer and the bare prototype's
    for _ in range(WARM):
        post(page, new_visitor(page), next(emails), expected)
    visitor = new_visitor(page)  # one POST's statements, the meeting neither filling nor full
    with CaptureQueriesContext(connection) as captured:
        post(page, visitor, next(emails), expected)
    statements = [(purpose(q["sql"]), q["sql"]) for q in captured.captured_queries]

    visitors = [new_visitor(page) for _ in range(args.posts)]
    cpu = time.process_time()
    for visitor in visitors:
        post(page, visitor, next(emails), expected)
    cpu_ms = (time.process_time() - cpu) / args.posts * 1000

    visitors = [new_visitor(page) for _ in range(args.posts)]
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for visitor in visitors:
        post(page, visitor, next(emails), expected)
    profile.disable()
    profiled_ms = (time.perf_counter() - started) / args.posts * 1000

    print(f"== {name}: {cpu_ms:.2f} ms CPU per POST; {profiled_ms:.1f} ms per POST, profiled")
    print(f"-- {len(statements)} statements in one POST:")
    for number, (what, sql) in enumerate(statements, 1):
        text = " ".join(sql.split())
        print(f"{number:3}. [{what}] {text[:220]}{'…' if len(text) > 220 else ''}")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats(args.lines)
    if args.callees:
        stats.print_callees(args.callees)
    print(out.getvalue())
    return {"cpu_ms": cpu_ms, "statements": len(statements)}


def profile_bare(database_url: str, args) -> None:
    """The same two cases against bench/bare_rsvp/, with its own settings."""
    os.environ.update(DJANGO_SETTINGS_MODULE="bare_rsvp.settings", BARE_DATABASE_URL=database_url)
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from bare_rsvp.models import Event
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    Event.objects.create(slug="rush", title="What internationalism means", capacity=seats_for(args))
    emails = (f"p{i}@d{i % 500}.example.org" for i in range(10**9))
    summary(
        run_case("seat", "/e/rush/", emails, args), run_case("waitlist", "/e/rush/", emails, args)
    )


def profile_turnout(database_url: str, var_dir: Path, args) -> None:
    environment(database_url, var_dir)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.load import rush_email
    from bench.rsvp_rush import setup_turnout

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production's manifest
    page = setup_turnout(seats_for(args))["rush"]
    emails = (rush_email("p", i) for i in range(10**9))
    seat = run_case("seat", page, emails, args)
    # The meeting's copy in the page cache says "full" once its few seconds are over, as
    # it does for all but the first seconds of a rush's waitlist.
    time.sleep(settings.TURNOUT_PAGE_CACHE_SECONDS)
    summary(seat, run_case("waitlist", page, emails, args))


def seats_for(args) -> int:
    """As many seats as the seat case takes: the waitlist case finds the meeting full."""
    return WARM + 1 + 2 * args.posts


def summary(seat: dict, waitlist: dict) -> None:
    print(
        f"summary: seat {seat['cpu_ms']:.2f} ms, {seat['statements']} statements; "
        f"waitlist {waitlist['cpu_ms']:.2f} ms, {waitlist['statements']} statements"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL")
    parser.add_argument("--bare", action="store_true", help="the bare prototype instead")
    parser.add_argument("--callees", default="", help="also what functions matching this call")
    args = parser.parse_args()

    pg = None
    var_dir = Path(tempfile.mkdtemp(prefix="profile-rsvp-"))
    if args.postgres:
        from tests.postgres import ThrowawayPostgres

        pg = ThrowawayPostgres().start()
        database_url = pg.url
    else:
        database_url = f"sqlite:///{var_dir / 'rsvp.sqlite3'}"
    try:
        if args.bare:
            profile_bare(database_url, args)
        else:
            profile_turnout(database_url, var_dir, args)
    finally:
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    main()
