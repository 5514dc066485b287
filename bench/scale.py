"""Benchmark: the pages at 1,000 and at 100,000 meetings, cached and not, with their query
plans. Does a page get slower as the rest of the site grows?

    .venv/bin/python bench/scale.py --meetings 1000
    .venv/bin/python bench/scale.py --meetings 100000 --plans /tmp/plans-100k.md
    .venv/bin/python bench/scale.py --quick    # a smoke test: tiny data, no waiting for quiet

On one throwaway PostgreSQL (tests/postgres.py) migrated with ``turnout manage migrate``,
bench/scale_data.py makes the demo through the services and the rest in bulk by SQL:
per 100,000 meetings 10,000 groups, 1,000,000 registrations, 200,000 followers and
2,000,000 mail records (``--meetings`` scales them all). What the measured pages show
stays the same at every scale: the demo's meeting (statement, table, quote) with 5,000
people registered, its group with 500 past meetings.

Two ``turnout serve`` (bench/load.py: gunicorn, 2 sync workers) run side by side, one
with its page cache (``cached``), one with ``TURNOUT_PAGE_CACHE_SECONDS=0`` (``not
cached``, as bench/public_pages.py --uncached). The load client measures each page on
both (``--requests`` views, ``--concurrency`` in flight): the meeting page, ``/`` plain
and filtered (by topic, by town), the group page, the three iCalendar feeds (site, group,
meeting), and, logged in as the group's organiser (never cached), the meeting's
registrations page and its CSV export (a POST: each export is recorded), on the second
server only.

In this process, against the same database with the page cache off: each page once more
through Django's test client, its queries counted and captured; then each SELECT of
them under ``EXPLAIN (ANALYZE, BUFFERS)``, and a sequential scan on a large table
flagged; then one run each of the anonymisation and reminder jobs, timed, their queries
explained too (each query once). ``--plans FILE`` writes the plans as Markdown (for
bench/BENCHMARKS.md) before the load client starts.

Before the load client starts, waits for the 1-minute load to drop under ``--max-load``
(the machine is shared; the data and the plans are made meanwhile).
Prints one JSON line per measurement, then one per page: requests/s and p50/p99 cached
and not, queries, and the large tables read from end to end.
"""

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import scale_data  # noqa: E402
from bench.load import (  # noqa: E402
    HOST,
    TOKEN,
    Server,
    free_port,
    http,
    measure_view,
    stop_all,
    turnout_env,
    turnout_server,
    wait_for_quiet,
)

LARGE_TABLES = (
    "events_event", "events_event_topics", "rsvp_registration", "core_message",
    "federation_follower", "groups_group", "groups_venue", "groups_groupslug",
)  # fmt: skip
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
HTML, ICS = "</html>", "END:VCALENDAR"


def pages(data: dict) -> list[tuple[str, str, str, bool]]:
    """(name, path, what every whole answer holds, as the organiser) of each measured page."""
    group, meeting = data["group_slug"], data["meeting_path"]
    organise = f"/organise/groups/{group}/events/{data['event_slug']}/registrations/"
    return [
        ("meeting", meeting, HTML, False),
        ("home", "/", HTML, False),
        ("home ?topic", "/?topic=housing", HTML, False),
        ("home ?city", "/?city=London", HTML, False),
        ("group", f"/{group}/", HTML, False),
        ("site ics", "/events.ics", ICS, False),
        ("group ics", f"/{group}/events.ics", ICS, False),
        ("meeting ics", f"{meeting}event.ics", ICS, False),
        ("registrations", organise, HTML, True),
        ("csv", organise + "export.csv", "name,email", True),
    ]


# --- the organiser's session, for the load client ---


def organiser_request(port: int, path: str, session: str) -> dict:
    """What the load client sends as the logged-in organiser: a GET with the session
    cookie, or for the CSV the POST the export button makes (the form's CSRF token)."""
    cookie = f"Cookie: sessionid={session}"
    if not path.endswith(".csv"):
        return {"headers": [cookie]}
    page = path.removesuffix("export.csv")
    status, headers, content = http(port, "GET", page, [cookie])
    assert status == 200, (status, page)
    csrf = next(
        h.split(b"csrftoken=", 1)[1].split(b";", 1)[0].decode()
        for h in headers
        if h[:11].lower() == b"set-cookie:" and b"csrftoken=" in h
    )
    return {
        "method": "POST",
        "body": f"csrfmiddlewaretoken={TOKEN.search(content).group(1).decode()}",
        "headers": [f"{cookie}; csrftoken={csrf}", f"Origin: http://{HOST}:{port}"],
    }


def organiser_session() -> str:
    from django.conf import settings
    from django.test import Client

    from turnout.groups.models import User

    client = Client()
    client.force_login(User.objects.get(email="organiser@example.org"))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- in this process: queries counted, captured and explained ---


def page_queries(path: str, as_organiser: bool, host: str) -> list[str]:
    """The SQL one view of ``path`` runs, the page cache off."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from turnout.groups.models import User

    client = Client(HTTP_HOST=host)
    if as_organiser:
        client.force_login(User.objects.get(email="organiser@example.org"))
    with CaptureQueriesContext(connection) as captured:
        if path.endswith(".csv"):
            response = client.post(path)
            b"".join(response.streaming_content)
        else:
            response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return [q["sql"] for q in captured.captured_queries]


def job_queries(job) -> tuple[list[str], float, int]:
    """One run of ``job``: its SQL, how long it took, what it returned."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        t0 = time.monotonic()
        done = job()
        seconds = time.monotonic() - t0
    return [q["sql"] for q in captured.captured_queries], seconds, done


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def explained(name: str, queries: list[str]) -> list[dict]:
    """Each SELECT of ``queries`` (the session and savepoint ones left out) with its plan,
    its time and the large tables it reads from end to end."""
    out, seen = [], set()
    for sql in queries:
        if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
            continue
        shape = re.sub(r"\d+", "N", sql)  # a job's same query for another meeting: once
        if shape in seen:
            continue
        seen.add(shape)
        plan = explain(sql)
        time_ms = re.search(r"Execution Time: ([\d.]+) ms", plan)
        scans = sorted({t for t in SEQ_SCAN.findall(plan) if t in LARGE_TABLES})
        out.append(
            {
                "page": name,
                "sql": sql,
                "plan": plan,
                "ms": float(time_ms.group(1)) if time_ms else None,
                "seq_scans": scans,
            }
        )
    return out


COLUMN = r'"\w+"\."\w+"(?: AS "\w+")?'
COLUMNS = re.compile(rf"^SELECT (DISTINCT )?((?:{COLUMN}, )+{COLUMN}) FROM")


def shown_sql(sql: str) -> str:
    """The SQL with a long list of plain columns cut short: the plan is what matters."""
    found = COLUMNS.match(sql)
    if not found or len(found.group(2)) < 120:
        return sql
    return f"SELECT {found.group(1) or ''}{found.group(2)[:100]}… FROM{sql[found.end() :]}"


def write_plans(path: Path, plans: list[dict], heading: str) -> None:
    lines = [f"## {heading}", ""]
    for p in plans:
        flag = f" — **sequential scan on {', '.join(p['seq_scans'])}**" if p["seq_scans"] else ""
        lines += [f"### {p['page']}: {p['ms']} ms{flag}", "", "```sql", shown_sql(p["sql"]), "```"]
        lines += ["", "```", p["plan"], "```", ""]
    path.write_text("\n".join(lines))


def jobs() -> list[tuple[str, object]]:
    from turnout.rsvp import privacy, reminders

    return [
        ("anonymisation job", privacy.anonymise_past_attendees),
        ("reminder job", reminders.send_due_reminders),
    ]


# --- the run ---


def main() -> int:
    from bench.announcement import load_average, machine, migrate_and_set_up
    from tests.postgres import ThrowawayPostgres

    args = parse_args()
    if args.quick:
        args.meetings, args.requests, args.concurrency = 200, 40, 4
    load_at_start = load_average()
    pg = ThrowawayPostgres().start()
    var_dir = Path(tempfile.mkdtemp(prefix="scale-var-"))
    servers: list[Server] = []
    results, plans, per_page = [], [], {}
    try:
        ports = {"cached": free_port(), "not cached": free_port()}
        env = turnout_env(pg.url, ports["cached"], var_dir)
        migrate_and_set_up({**env, "TURNOUT_PAGE_CACHE_SECONDS": "0"})
        small = {"crowd": 50, "group_past": 20} if args.quick else {}
        t0 = time.monotonic()
        data = scale_data.generate(pg.url, scale_data.sizes(args.meetings, **small))
        data["generated_s"] = round(time.monotonic() - t0, 1)
        print(json.dumps({"scenario": "data", **data}), file=sys.stderr)
        measured = pages(data)
        session = organiser_session()
        servers.append(turnout_server(ports["cached"], args.workers, env).start())
        host = f"{HOST}:{ports['cached']}"  # after its start: `turnout serve` collects static
        for name, path, _marker, as_organiser in measured:
            queries = page_queries(path, as_organiser, host)
            per_page[name] = {"queries": len(queries)}
            plans += explained(name, queries)
        uncached_env = {
            **turnout_env(pg.url, ports["not cached"], Path(tempfile.mkdtemp(dir=var_dir))),
            "TURNOUT_PAGE_CACHE_SECONDS": "0",
        }
        servers.append(turnout_server(ports["not cached"], args.workers, uncached_env).start())
        for name, job in jobs():  # before the load: what they change, no page shows
            queries, seconds, done = job_queries(job)
            per_page[name] = {"queries": len(queries), "seconds": round(seconds, 3), "did": done}
            plans += explained(name, queries)
        if args.plans:  # now: a long run stopped half-way still leaves them
            write_plans(args.plans, plans, f"Query plans at {args.meetings:,} meetings")
        if args.max_load and not args.quick:  # the data and the plans need no quiet machine
            wait_for_quiet(args.max_load, args.patience)
        load_before = load_average()
        for server, kind in zip(servers, ("cached", "not cached"), strict=True):
            for name, path, marker, as_organiser in measured:
                if as_organiser and kind == "cached":  # an organiser's pages never are
                    continue
                request = organiser_request(server.port, path, session) if as_organiser else None
                measure_view(server, name, path, marker, args, args.concurrency * 2, request)
                result = {
                    "meetings": args.meetings,
                    "server": kind,
                    **measure_view(server, name, path, marker, args, args.requests, request),
                }
                results.append(result)
                print(json.dumps(result), file=sys.stderr)
    finally:
        stop_all(servers, pg, var_dir)

    print(
        f"machine: {machine()}; 1-minute load at the start: {load_at_start}, before the "
        f"measurements: {load_before}, at the end: {load_average()}"
    )
    for r in results:
        print(json.dumps(r))
    for line in summary(args.meetings, per_page, results, plans):
        print(json.dumps(line))
    return 0


def summary(meetings: int, per_page: dict, results: list[dict], plans: list[dict]) -> list:
    """One line per page: rate and p50/p99 cached and not, queries, slowest plan, scans."""
    out = []
    for name, found in per_page.items():
        line = {"scenario": "scale", "meetings": meetings, "page": name, **found}
        for r in results:
            if r["page"] == name:
                line[r["server"]] = {
                    "per_s": r["per_s"],
                    "ms_p50_p99": r["ms_p50_p99"],
                    "errors": r["errors"],
                }
        own = [p for p in plans if p["page"] == name]
        line["slowest_query_ms"] = max((p["ms"] or 0 for p in own), default=0)
        line["seq_scans"] = sorted({t for p in own for t in p["seq_scans"]})
        out.append(line)
    return out


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="tiny data, few requests")
    parser.add_argument("--requests", type=int, default=300, help="views per page and server")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--plans", type=Path, help="write the query plans here (Markdown)")
    parser.add_argument("--max-load", type=float, default=1.5, help="wait for the load to drop")
    parser.add_argument("--patience", type=float, default=600, help="at most this long (s)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
