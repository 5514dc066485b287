"""Benchmark: the public pages for anonymous visitors, against a bare Django view in the same run.

    .venv/bin/python bench/public_pages.py [--requests 5000] [--concurrency 50] [--rounds 3]
    .venv/bin/python bench/public_pages.py --max-load 0.6   # first wait for a quiet machine
    .venv/bin/python bench/public_pages.py --uncached       # also the pages with no cache

On one throwaway PostgreSQL (tests/postgres.py), two servers run side by side, each
with 2 gunicorn sync workers, persistent database connections (CONN_MAX_AGE 600,
health-checked) and the same access log line (bench/load.py):

- ``bare``: bench/bare_rsvp/'s ``/``, a minimal Django project in its own database on
  the same server: one SELECT of up to 20 events and a small template listing them.
- ``turnout``: ``turnout serve`` in production mode (its default page cache of
  ``TURNOUT_PAGE_CACHE_SECONDS``), migrated with ``turnout manage migrate``, with the
  demo data (turnout/demo.py: the flyer's meeting, with its venue, a Markdown
  description and 60 seats, seats left shown; three people registered) and more
  upcoming meetings, so that ``/`` lists ``--upcoming`` of them from two groups.

After a warm-up of each page, each round measures, with the same load client (page
views only, ``--concurrency`` in flight, each a new connection): the bare view, the
event page, ``/`` and the group page. Reported per page: requests/s, the client's
p50/p99 per request, the server's time (access log), the CPU per request of the server
and of PostgreSQL, and the share of the cores that other processes took meanwhile; then
each turnout page's rate as a share of the bare view's in the same round.

``--uncached`` adds a third server, the same ``turnout serve`` with
``TURNOUT_PAGE_CACHE_SECONDS=0``, and its three pages ("not cached"): every view built
for the request, as a logged-in organiser gets them, from the pieces that are the same
for every visitor kept under their versions (``TURNOUT_FRAGMENT_CACHE_SECONDS``, warm
after the warm-up). ``--cold`` adds a fourth with the fragments off too ("cold"): every
piece built, as the first view after a change builds it.

``--redis`` starts a redis-server of its own (tests/redisserver.py) and gives every
Turnout server ``TURNOUT_CACHE_URL`` on it: the cache shared by several servers.

Last, how stale the seats left can be: one RSVP made through the services while page
views go on every 20 ms; reported is how long after it pages still showed the old number.

Prints one JSON line per measurement and a last line with the targets (DESIGN.md: the
event page and ``/`` at >= 60% of the bare view's requests/s, p99 < 60 ms at 50 in
flight; issue 22's per page, in ``ISSUE_22``), judged on the median round.
"""

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    DISTURBED,
    Server,
    bare_server,
    free_port,
    http,
    measure_view,
    setup_bare,
    turnout_env,
    turnout_server,
    wait_for_quiet,
)

SEATS_LEFT = re.compile(rb'<p class="seats-left">(\d+) seats? left\.</p>')
TARGET_RATIO, TARGET_P99_MS = 0.6, 60
WHOLE_PAGE = "</html>"  # an answer without it is counted as an error
TURNOUT_PAGES = ("event", "home", "group")  # the target is for the first two
# Issue 22: the least ratio to the bare view, and the greatest p99 (ms) where it sets one.
ISSUE_22 = {
    "cached": {"local": (1.5, None), "redis": (1.0, None)},
    "uncached": {"event": (0.5, 100), "home": (0.6, None), "group": (0.6, None)},
}


def setup_turnout(upcoming: int) -> dict[str, str]:
    """The demo data, more upcoming meetings up to ``upcoming``, three people registered."""
    from django.utils import timezone

    from turnout.demo import load_demo
    from turnout.events import selectors
    from turnout.events import services as events
    from turnout.groups.models import Group
    from turnout.rsvp import services as rsvp

    load_demo(organiser_email="organiser@example.org", organiser_password="x" * 20)
    meeting = selectors.upcoming_events().get(title="What internationalism means")
    two_groups = list(Group.objects.order_by("pk"))
    for i in range(upcoming - selectors.upcoming_events().count()):
        group = two_groups[i % 2]
        event = events.create_event(
            group=group,
            title=f"Open meeting {i + 1}",
            tagline="Reports, plans and questions",
            description="Everyone is welcome. **Bring a friend.**",
            start_date=timezone.localdate() + dt.timedelta(days=21 + 7 * i),
            start_time=dt.time(19, 0),
            end_time=dt.time(21, 0),
            venue=group.venues.first(),
            capacity=40,
        )
        events.publish_event(event=event)
    for i in range(3):  # confirmed: the public count leaves out seats held unconfirmed
        held, _created = rsvp.register(
            event=meeting, name=f"Person {i}", email=f"person{i}@example.org"
        )
        rsvp.confirm(registration=held)
    return {
        "event": f"/{meeting.group.slug}/events/{meeting.slug}/",
        "home": "/",
        "group": f"/{meeting.group.slug}/",
    }


def staleness(port: int, path: str, seconds: float) -> dict:
    """One RSVP through the services while pages are viewed: how long the old number showed."""
    from turnout.events import selectors
    from turnout.rsvp import services as rsvp

    group_slug, _events, event_slug = path.strip("/").split("/")
    meeting = selectors.public_event(group_slug=group_slug, event_slug=event_slug)

    def shown() -> int:
        status, _headers, content = http(port, "GET", path)
        assert status == 200, status
        return int(SEATS_LEFT.search(content).group(1))

    before = shown()
    held, _created = rsvp.register(event=meeting, name="Late Person", email="late@example.org")
    rsvp.confirm(registration=held)  # a seat held unconfirmed is not in the public count
    changed_at = time.monotonic()
    last_old = 0.0
    while time.monotonic() - changed_at < seconds + 3:
        if shown() == before:
            last_old = time.monotonic() - changed_at
        time.sleep(0.02)
    return {
        "scenario": "turnout: seats left after an RSVP",
        "seats_left_before": before,
        "seats_left_after": shown(),
        "old_number_shown_until_s": round(last_old, 2),
        "page_cache_seconds": seconds,
    }


def main() -> int:
    from bench.announcement import load_average, machine, migrate_and_set_up
    from tests.postgres import ThrowawayPostgres

    args = parse_args()
    if args.max_load:
        wait_for_quiet(args.max_load, args.patience)
    load_at_start = load_average()
    pg = ThrowawayPostgres().start()
    redis = None
    if args.redis:
        from tests.redisserver import ThrowawayRedis

        redis = ThrowawayRedis().start()
    shared = {"TURNOUT_CACHE_URL": redis.url} if redis else {}
    var_dir = Path(tempfile.mkdtemp(prefix="public-pages-var-"))  # collectstatic's output
    servers: list[Server] = []
    results: list[dict] = []
    try:
        ports = {"bare": free_port(), "turnout": free_port()}
        env = {**turnout_env(pg.url, ports["turnout"], var_dir), **shared}
        migrate_and_set_up(env)
        paths = setup_turnout(args.upcoming)
        bare_url = pg.url.rsplit("/", 1)[0] + "/bare_rsvp"
        setup_bare(pg.url, bare_url, 60, slugs=[f"meeting-{i}" for i in range(args.upcoming)])
        bare = bare_server(ports["bare"], args.workers, bare_url)
        turnout = turnout_server(ports["turnout"], args.workers, env)
        servers += [bare.start(), turnout.start()]
        runs = [(bare, "bare", "/")] + [(turnout, page, paths[page]) for page in TURNOUT_PAGES]
        variants = {"uncached": args.uncached, "cold": args.cold}
        for variant in (name for name, asked in variants.items() if asked):
            # The same pages built for every request: what the page cache saves.
            port = free_port()
            variant_env = {
                **turnout_env(pg.url, port, Path(tempfile.mkdtemp(dir=var_dir))),
                **shared,
                "TURNOUT_PAGE_CACHE_SECONDS": "0",
                **({"TURNOUT_FRAGMENT_CACHE_SECONDS": "0"} if variant == "cold" else {}),
            }
            server = turnout_server(port, args.workers, variant_env)
            servers.append(server.start())
            runs += [(server, f"{page} {variant}", paths[page]) for page in TURNOUT_PAGES]
        for server, name, path in runs:  # warm-up
            measure_view(server, name, path, WHOLE_PAGE, args, args.concurrency * 10)
        load_before = load_average()
        for round_ in range(1, args.rounds + 1):
            for server, name, path in runs:
                result = {
                    "round": round_,
                    **measure_view(server, name, path, WHOLE_PAGE, args, args.requests),
                }
                results.append(result)
                print(json.dumps(result), file=sys.stderr)
        from django.conf import settings

        stale = staleness(turnout.port, paths["event"], settings.TURNOUT_PAGE_CACHE_SECONDS)
    finally:
        for server in servers:
            server.stop()
        from django.db import connections

        connections.close_all()
        pg.stop()
        if redis:
            redis.remove()
        shutil.rmtree(var_dir, ignore_errors=True)

    verdict = targets(results, args)
    print(
        f"machine: {machine()}; 1-minute load at the start: {load_at_start}, before the "
        f"rounds: {load_before}, at the end: {load_average()}"
    )
    for r in [*results, stale, verdict]:
        print(json.dumps(r))
    return 0


def targets(results: list[dict], args) -> dict:
    """Each turnout page against the bare view of its round; the verdict on the median round."""
    bare = {r["round"]: r for r in results if r["page"] == "bare"}
    out: dict = {"scenario": "targets", "concurrency": args.concurrency, "pages": {}}
    variants = ("", " uncached", " cold")
    for page in (f"{p}{variant}" for variant in variants for p in TURNOUT_PAGES):
        runs = [r for r in results if r["page"] == page]
        if not runs:
            continue
        ratios = [round(r["per_s"] / bare[r["round"]]["per_s"], 2) for r in runs]
        p99s = [r["ms_p50_p99"][1] for r in runs]
        out["pages"][page] = {
            "issue_22_met": _issue_22(page, args, ratios, p99s),
            "per_s": [r["per_s"] for r in runs],
            "bare_per_s": [bare[r["round"]]["per_s"] for r in runs],
            "ratio_to_bare": ratios,
            "p99_ms": p99s,
            "bare_p99_ms": [bare[r["round"]]["ms_p50_p99"][1] for r in runs],
            "errors": sum(r["errors"] for r in runs),
            "median_ratio": statistics.median(ratios),
            "median_p99_ms": statistics.median(p99s),
            "target_met": statistics.median(ratios) >= TARGET_RATIO
            and statistics.median(p99s) < TARGET_P99_MS
            and not any(r["errors"] for r in runs),
        }
    out["target_met"] = all(out["pages"][p]["target_met"] for p in ("event", "home"))
    others = max(r["cpu_busy_of_cores"]["others"] for r in results)
    # Other work on the machine during any run skews its numbers: rerun if so.
    out["others_busy_of_cores_max"] = others
    out["undisturbed"] = others < DISTURBED
    return out


def _issue_22(page: str, args, ratios: list[float], p99s: list[float]) -> bool | None:
    """Whether the median round meets issue 22's target for ``page`` (None: it sets none)."""
    name, _, variant = page.partition(" ")
    if variant == "":
        least, most_p99 = ISSUE_22["cached"]["redis" if args.redis else "local"]
    elif variant == "uncached":
        least, most_p99 = ISSUE_22["uncached"][name]
    else:
        return None
    p99_met = most_p99 is None or statistics.median(p99s) < most_p99
    return statistics.median(ratios) >= least and p99_met


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="page views per run")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--upcoming", type=int, default=8, help="upcoming meetings on /")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument(
        "--uncached", action="store_true", help="also a server with TURNOUT_PAGE_CACHE_SECONDS=0"
    )
    parser.add_argument(
        "--cold", action="store_true", help="also a server with the fragments' cache off too"
    )
    parser.add_argument(
        "--redis", action="store_true", help="every Turnout server on a redis-server of its own"
    )
    parser.add_argument("--max-load", type=float, help="wait for the 1-minute load to drop")
    parser.add_argument("--patience", type=float, default=600, help="at most this long (s)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
