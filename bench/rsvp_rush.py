"""Benchmark: the RSVP rush, against ``turnout serve`` and a bare prototype in the same run.

    .venv/bin/python bench/rsvp_rush.py [--users 2000] [--concurrency 50] [--seats 200]
    .venv/bin/python bench/rsvp_rush.py --quick        # 300 users, 20 at a time, 30 seats

On one throwaway PostgreSQL (tests/postgres.py), two servers run one after the other,
each with 2 gunicorn sync workers, persistent database connections (CONN_MAX_AGE 600,
health-checked) and the same access log line:

- ``bare``: bench/bare_rsvp/, a minimal Django project in its own database on the same
  server. The page's GET is one SELECT and a small template with the form; the POST
  locks the event row (``select_for_update``), counts, inserts a registration (waitlisted
  when full) and one outbox row.
- ``turnout``: ``turnout serve`` in production mode, migrated with ``turnout manage
  migrate``; a group, a venue and a published event made through the services. The rate
  limiter runs; the load client's address is exempted by the documented setting
  (``TURNOUT_RATE_LIMIT_EXEMPT=127.0.0.1``), so it is counted but never refused. Its
  addresses are spread over 500 domains (under the per-domain limit), and the hold cap
  is lifted (``TURNOUT_RSVP_HOLD_PERCENT=100``): every seat can be held, as in the bare
  prototype.

For each server, with the same load client: a warm-up (100 users on another event), then
the rush: N users, C at a time, each loading the event page (its csrftoken cookie and
the form's token) and posting the form with a unique email. Then the database is
checked (seats, waitlist order, outbox rows), and on the now full event a run of page
views (GET) is compared with a run of RSVPs to the full event (POST, the waitlist).

The load client is separate processes (``--client-processes``, 2 by default) of plain
threads on raw sockets: one connection per request, as gunicorn's sync workers close
each one. Its CPU time is reported beside the servers' and PostgreSQL's.
The machine is shared: the CPU time that other processes took during each load run is
reported too (``others``), and a run where it passed 10% of the cores is marked as not
``undisturbed`` in the last line: rerun it (``--max-load`` waits for a quiet machine).

Prints one JSON line per scenario; ``--profile DIR`` also samples the turnout workers
with py-spy during the rush (``.venv/bin/pip install py-spy``; not a dependency).
"""

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    DISTURBED,
    Server,
    bare_server,
    free_port,
    run_load,
    rush_email,
    setup_bare,
    summary,
    turnout_env,
    turnout_server,
    wait_for_quiet,
)

# --- the two setups ---

DESCRIPTION = (
    "## Unite the struggles\n\nAn evening of short talks and questions on what solidarity "
    "between movements means in practice, from Palestine to Ukraine and beyond.\n\n"
    "- Doors open at 6.45pm\n- Step-free access through the side entrance\n- Tea provided\n"
)


def setup_turnout(seats: int) -> dict[str, str]:
    """A group, a venue and two published events through the services; their paths."""
    from turnout.events import services as events
    from turnout.groups import services as groups
    from turnout.groups.models import User

    owner = User.objects.create_user(
        email="organiser@example.org", name="Bench Organiser", password="x" * 20
    )
    group = groups.create_group(
        owner=owner,
        name="Bench Group",
        slug="bench",
        contact_email="group@example.org",
        time_zone="Europe/London",
    )
    venue = groups.create_venue(
        group=group,
        name="Community Centre",
        address_line1="62 Marchmont St",
        city="London",
        postcode="WC1N 1AB",
    )
    paths = {}
    for slug in ("warm-up", "rush"):
        event = events.create_event(
            group=group,
            title="What internationalism means",
            tagline="Unite the struggles of Palestine, Ukraine and beyond",
            description=DESCRIPTION,
            slug=slug,
            start_date=dt.date.today() + dt.timedelta(days=14),
            start_time=dt.time(19, 0),
            end_time=dt.time(21, 0),
            venue=venue,
            capacity=seats,
        )
        events.publish_event(event=event)
        paths[slug] = f"/{group.slug}/events/{event.slug}/"
    return paths


def check_turnout(path: str, emails: set[str], rate_before: int) -> dict:
    """What the database holds for the event after the rush."""
    from django_tasks_db.models import DBTaskResult

    from turnout.core.models import Message
    from turnout.events.models import Event
    from turnout.rsvp.models import Registration

    event = Event.objects.get(group__slug="bench", slug=path.rstrip("/").rsplit("/", 1)[1])
    rows = list(
        Registration.objects.filter(event=event)
        .order_by("pk")
        .values_list("pk", "email", "status", "waitlist_position")
    )
    seated = [r for r in rows if r[2] in Registration.TAKING_SEATS]
    waiting = [r for r in rows if r[2] in Registration.ON_WAITLIST]
    message_ids = set(
        Message.objects.filter(to_email__in=list(emails)).values_list("pk", flat=True)
    )
    tasks = sum(
        1
        for (args,) in DBTaskResult.objects.filter(
            task_path="turnout.core.outbox.tasks.deliver"
        ).values_list("args_kwargs")
        if set(args["kwargs"]["message_ids"]) <= message_ids
    )
    return {
        **_seat_checks(rows, seated, waiting, emails),
        "seats_taken_counter": event.seats_taken,
        "outbox_messages": len(message_ids),
        "outbox_tasks": tasks,
        "rate_limiter_counted": rate_limit_count() - rate_before,
    }


def rate_limit_count() -> int:
    """Every RSVP attempt the per-address limiter has counted, over all windows."""
    from django.db.models import Sum

    from turnout.core.models import RateCounter

    counted = RateCounter.objects.filter(key__startswith="rsvp-address:").aggregate(n=Sum("count"))
    return counted["n"] or 0


def _seat_checks(rows, seated, waiting, emails: set[str]) -> dict:
    registered = {r[1] for r in rows}
    return {
        "seated": len(seated),
        "waitlisted": len(waiting),
        "registrations": len(rows),
        "lost": len(emails - registered),
        "unexpected": len(registered - emails),
        # In order of joining: positions 1..n with no gap, in the order the rows were made.
        "waitlist_in_order": [r[3] for r in waiting] == list(range(1, len(waiting) + 1)),
        "seated_before_waitlisted": not seated
        or not waiting
        or max(r[0] for r in seated) < min(r[0] for r in waiting),
    }


def check_bare(bare_url: str, path: str, emails: set[str]) -> dict:
    import psycopg

    slug = path.rstrip("/").rsplit("/", 1)[1]
    with psycopg.connect(bare_url) as conn:
        rows = conn.execute(
            "SELECT r.id, r.email, r.status, r.waitlist_position FROM bare_rsvp_registration r "
            "JOIN bare_rsvp_event e ON e.id = r.event_id WHERE e.slug = %s ORDER BY r.id",
            (slug,),
        ).fetchall()
        outbox = conn.execute(
            "SELECT count(*) FROM bare_rsvp_outbox WHERE to_email = ANY(%s)", (list(emails),)
        ).fetchone()[0]
    seated = [r for r in rows if r[2] == "seated"]
    waiting = [r for r in rows if r[2] == "waitlisted"]
    return {**_seat_checks(rows, seated, waiting, emails), "outbox_rows": outbox}


# --- the numbers ---


def cpu_per_rsvp(rush: dict) -> float:
    """The servers' and PostgreSQL's CPU per RSVP (page GET + POST): what it costs."""
    return round(rush["cpu_ms_per_request"]["server"] + rush["cpu_ms_per_request"]["postgres"], 1)


def bench_server(server: Server, args, paths: dict, check) -> list[dict]:
    """Warm-up, the rush, the database checks, then page views vs RSVPs to the full event."""
    from bench.announcement import load_average

    def load(mode: str, n: int, tag: str, path: str):
        return run_load(
            server,
            mode=mode,
            n=n,
            concurrency=args.concurrency,
            processes=args.client_processes,
            tag=tag,
            path=path,
        )

    load("rush", args.concurrency * 2, "warm", paths["warm-up"])
    load_before = load_average()
    profiler = start_profiler(server, args.profile) if args.profile else None
    records, elapsed, cpu, log = load("rush", args.users, "rush", paths["rush"])
    if profiler:
        stop_profiler(profiler)
    answered = {rush_email("rush", r[0]) for r in records if not r[6]}
    rush = {
        "scenario": f"{server.name}: RSVP rush",
        "seats": args.seats,
        "concurrency": args.concurrency,
        "loadavg_1min_before": load_before,
        **summary(records, elapsed, cpu, log, mode="rush"),
        "db": check(paths["rush"], answered),
    }
    print(json.dumps(rush), file=sys.stderr)
    full = {"scenario": f"{server.name}: full event, RSVP (waitlist) vs page view"}
    for mode in ("get", "post"):
        full[mode] = summary(*load(mode, args.compare, "late", paths["rush"]), mode=mode)
    get, post = full["get"], full["post"]
    full["post_over_get"] = {
        "per_s": round(post["per_s"] / get["per_s"], 2),
        "server_cpu_ms": round(
            post["cpu_ms_per_request"]["server"] / get["cpu_ms_per_request"]["server"], 2
        ),
    }
    print(json.dumps(full), file=sys.stderr)
    return [rush, full]


def start_profiler(server: Server, directory: str) -> list[subprocess.Popen]:
    """py-spy (from the venv, else PATH) samples each of the server's workers until stopped."""
    py_spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    if not py_spy:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    profilers = []
    for pid in server.workers():
        command = [py_spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw"]
        command += ["--output", str(out / f"{server.name}-worker-{pid}.txt"), "--nonblocking"]
        profilers.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    return profilers


def stop_profiler(profilers: list[subprocess.Popen]) -> None:
    for p in profilers:
        p.send_signal(signal.SIGINT)
    for p in profilers:
        p.wait(timeout=60)


def main() -> int:
    from bench.announcement import load_average, machine
    from tests.postgres import ThrowawayPostgres

    args = parse_args()
    if args.max_load:
        wait_for_quiet(args.max_load, args.patience)
    load_at_start = load_average()
    pg = ThrowawayPostgres().start()
    var_dir = Path(tempfile.mkdtemp(prefix="rsvp-rush-var-"))  # collectstatic's output
    servers = []
    results = []
    try:
        ports = {"bare": free_port(), "turnout": free_port()}
        # Every seat may be held unconfirmed, as before the hold cap: the same flow as
        # the bare prototype's, where all the seats go to the rush.
        env = {**turnout_env(pg.url, ports["turnout"], var_dir), "TURNOUT_RSVP_HOLD_PERCENT": "100"}
        from bench.announcement import migrate_and_set_up

        migrate_and_set_up(env)
        turnout_paths = setup_turnout(args.seats)
        bare_url = pg.url.rsplit("/", 1)[0] + "/bare_rsvp"
        bare_paths = setup_bare(pg.url, bare_url, args.seats)

        bare = bare_server(
            ports["bare"], args.workers, bare_url, bare_paths["warm-up"], "Check your inbox"
        )
        turnout = turnout_server(
            ports["turnout"], args.workers, env, turnout_paths["warm-up"], "Check your inbox"
        )
        rate_before = 0

        def check_t(path, emails):
            return check_turnout(path, emails, rate_before)

        order = [(bare, bare_paths, lambda p, e: check_bare(bare_url, p, e))]
        order.append((turnout, turnout_paths, check_t))
        if args.turnout_first:
            order.reverse()
        for server, paths, check in order:
            servers.append(server.start())
            if server is turnout:
                rate_before = rate_limit_count() + args.concurrency * 2  # after the warm-up
            results += bench_server(server, args, paths, check)
            server.stop()
    finally:
        for server in servers:
            server.stop()
        from django.db import connections

        connections.close_all()
        pg.stop()
        shutil.rmtree(var_dir, ignore_errors=True)

    by = {r["scenario"]: r for r in results}
    rush_t, rush_b = by["turnout: RSVP rush"], by["bare: RSVP rush"]
    full_t = by["turnout: full event, RSVP (waitlist) vs page view"]
    db = rush_t["db"]
    ratio = rush_t["per_s"] / rush_b["per_s"]
    cost = {name: cpu_per_rsvp(r) for name, r in (("turnout", rush_t), ("bare", rush_b))}
    others = {"turnout": rush_t["cpu_busy_of_cores"]["others"]}
    others["bare"] = rush_b["cpu_busy_of_cores"]["others"]
    verdict = {
        "scenario": "targets",
        # Other work on the machine during either rush skews the ratio: rerun if so.
        "undisturbed": max(others.values()) < DISTURBED,
        "others_busy_of_cores_during_rush": others,
        "rsvps_per_s_turnout_over_bare": round(ratio, 2),
        "server_and_postgres_cpu_ms_per_rsvp": cost,
        "cpu_per_rsvp_bare_over_turnout": round(cost["bare"] / cost["turnout"], 2),
        "exactly_all_seats_taken": db["seated"] == args.seats == db["seats_taken_counter"],
        "rest_waitlisted_in_order": db["waitlisted"] == args.users - args.seats
        and db["waitlist_in_order"],
        "none_lost": db["lost"] == 0 and db["registrations"] == args.users,
        "no_errors": rush_t["errors"] == 0,
        "rsvps_per_s_at_least_70_percent_of_bare": ratio >= 0.7,
        "p99_rsvp_under_500ms": rush_t["rsvp_ms_p50_p99"][1] < 500,
        "p99_post_under_500ms": rush_t["post_ms_p50_p99"][1] < 500,
        "full_event_rsvp_cheaper_than_page_view": full_t["post_over_get"]["per_s"] > 1,
    }
    results.append(verdict)
    print(
        f"machine: {machine()}; 1-minute load at the start: {load_at_start}, "
        f"at the end: {load_average()}"
    )
    for r in results:
        print(json.dumps(r))
    return 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seats", type=int, default=200)
    parser.add_argument("--compare", type=int, default=1000, help="requests per full-event run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="300 users, 20 at a time, 30 seats")
    parser.add_argument("--turnout-first", action="store_true")
    parser.add_argument("--max-load", type=float, help="wait for the 1-minute load to drop")
    parser.add_argument("--patience", type=float, default=600, help="at most this long (s)")
    parser.add_argument("--profile", metavar="DIR", help="py-spy each server's workers' rush")
    args = parser.parse_args()
    if args.quick:
        args.users, args.concurrency, args.seats, args.compare = 300, 20, 30, 200
    if not 0 < args.seats <= args.users:
        parser.error("--seats must be between 1 and --users")
    return args


if __name__ == "__main__":
    sys.exit(main())
