"""Benchmark: flyers, rendered afresh in a warm process and served from the cache.

    .venv/bin/python bench/flyer.py [--renders 20] [--requests 3000] [--rounds 2]
    .venv/bin/python bench/flyer.py --max-load 0.6   # first wait for a quiet machine

DESIGN.md's target: an A4 flyer with a 6x2 comparison table and a statement renders
in a warm process (WeasyPrint already imported), not cached, in < 0.5 s; a cached hit
serves at >= 50% of the bare view's rate.

On one throwaway PostgreSQL (tests/postgres.py), migrated with ``turnout manage
migrate``, with the demo data (turnout/demo.py) and one more meeting of the demo group,
"Flyer benchmark", that shows the demo's statement and a published 6x2 table: the
demo's six criteria and its two assessed cases, with their cells and citations.

(a) **Render, in this process, cache off** (``TURNOUT_FLYER_CACHE_DIR`` None here only):
``turnout.flyers.render.flyer_pdf`` for A4 and A5 and ``flyer_png``, each once to warm
up and then ``--renders`` times: median, p90 and max. Each timing is the whole call:
reading the event and its blocks from the database, the HTML, WeasyPrint (and for the
PNG, pypdfium2). Also the demo meeting as loaded (statement, 6x5 table of which 3 cases
are not yet assessed, and the quote), for information. Whether the blocks were drawn is
read back from the PDF's text (pypdf): the statement's heading and both case labels.
Then, for information, a cached hit through ``flyer_pdf`` with its key worked out
afresh (what the view pays when it does not remember the key): ms and queries.

(b) **Served, cache on**: ``turnout serve --workers 2`` in production mode (its flyer
cache in its ``TURNOUT_VAR_DIR``) beside the bare view of bench/bare_rsvp (``/``: one
SELECT and a small template; bench/load.py), each gunicorn with 2 sync workers. One
priming request renders the A4 flyer into the cache; then each round loads the bare
view and ``/<group>/events/<event>/flyer.pdf?size=A4`` with ``--concurrency`` in flight
(each a new connection; an answer without ``%%EOF`` counts as an error): requests/s,
p50/p99, and the flyer's rate as a share of the bare view's in the same round.

Prints one JSON line per measurement on stderr and a Markdown summary on stdout.
"""

import argparse
import io
import json
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
    percentile,
    setup_bare,
    turnout_env,
    turnout_server,
    wait_for_quiet,
)

TARGET_RENDER_S, TARGET_RATIO = 0.5, 0.5
PDF_END = "%%EOF"  # a whole PDF ends with it (there may be a newline after)
WHOLE_PAGE = "</html>"


def setup_flyers() -> dict:
    """The demo data and the benchmark's meeting (statement and a 6x2 table); their events."""
    import datetime as dt

    from django.utils import timezone

    from turnout import demo
    from turnout.comparisons import services as comparisons
    from turnout.comparisons.models import Cell
    from turnout.events import services as events
    from turnout.events.models import Event
    from turnout.flyers import services as flyers
    from turnout.groups.models import Group

    demo.load_demo(organiser_email="organiser@example.org", organiser_password="x" * 20)
    group = Group.objects.get(slug="ukraine-information-group")
    demo_meeting = Event.objects.get(group=group, title="What internationalism means")
    event = events.create_event(
        group=group,
        title="Flyer benchmark",
        tagline="Unite the struggles of Palestine, Ukraine and beyond",
        description="A meeting to measure its flyer.",
        start_date=timezone.localdate() + dt.timedelta(days=30),
        start_time=dt.time(19, 0),
        end_time=dt.time(21, 0),
        venue=demo_meeting.venue,
        capacity=60,
    )
    events.publish_event(event=event)
    statement = flyers.create_statement(
        group=group,
        title=demo.STATEMENT_TITLE,
        body=demo.STATEMENT_BODY,
        dated=timezone.localdate(),
    )
    table = comparisons.create_comparison(group=group, title="Two occupations", slug="two")
    criteria = {
        label: comparisons.add_criterion(comparison=table, label=label) for label in demo.CRITERIA
    }
    cases = {
        label: comparisons.add_case(comparison=table, label=label) for label in demo.ASSESSED_CASES
    }
    cells = {
        (c.criterion_id, c.case_id): c for c in Cell.objects.filter(criterion__comparison=table)
    }
    for (criterion, case), (text, sources) in demo.CELLS.items():
        cell = cells[criteria[criterion].pk, cases[case].pk]
        comparisons.set_cell(cell=cell, text=text, citations=sources)
    comparisons.publish(comparison=table)
    for content in (statement, table):
        flyers.attach(event=event, content=content)
    return {
        "target": event,
        "demo": demo_meeting,
        "statement_words": len(demo.STATEMENT_BODY.split()),
        "expected_text": [demo.STATEMENT_TITLE, *demo.ASSESSED_CASES],
    }


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def blocks_drawn(content: bytes, expected: list[str]) -> dict:
    text = pdf_text(content)
    return {label: label in text for label in expected}


def time_renders(make, n: int) -> dict:
    """One warm-up call, then ``n`` timed ones: seconds, median / p90 / max."""
    first_started = time.perf_counter()
    content = make()
    first = time.perf_counter() - first_started
    times = []
    for _ in range(n):
        started = time.perf_counter()
        make()
        times.append(time.perf_counter() - started)
    return {
        "warm_up_s": round(first, 3),
        "renders": n,
        "median_s": round(statistics.median(times), 3),
        "p90_s": round(percentile(times, 0.9), 3),
        "max_s": round(max(times), 3),
        "bytes": len(content),
        "content": content,
    }


def measure_renders(data: dict, n: int) -> list[dict]:
    from django.conf import settings

    from turnout.flyers import render

    settings.TURNOUT_FLYER_CACHE_DIR = None  # this process only: every call renders
    results = []
    for name, event in (("target", data["target"]), ("demo meeting", data["demo"])):
        kinds = [("A4", lambda e=event: render.flyer_pdf(e, "A4"))]
        if name == "target":
            kinds += [
                ("A5", lambda e=event: render.flyer_pdf(e, "A5")),
                ("PNG 1080x1350", lambda e=event: render.flyer_png(e)),
            ]
        for kind, make in kinds:
            timed = time_renders(make, n)
            content = timed.pop("content")
            result = {"scenario": f"render {kind}", "event": name, **timed}
            if kind != "PNG 1080x1350":
                result["pages"] = pdf_pages(content)
                result["blocks_drawn"] = blocks_drawn(content, data["expected_text"])
            results.append(result)
            print(json.dumps(result), file=sys.stderr)
    return results


def measure_cached_hit(data: dict, cache_dir: Path, n: int = 200) -> dict:
    """A cached A4 flyer fetched through ``flyer_pdf`` in this process: the facts and
    their hash worked out afresh, then a file read. The view pays this when it does not
    remember the key (a logged-in organiser, or the first download in a few seconds per
    worker); time per hit and the queries of one."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from turnout.flyers import render

    settings.TURNOUT_FLYER_CACHE_DIR = str(cache_dir)
    event = data["target"]
    render.flyer_pdf(event, "A4")  # renders into the cache
    with CaptureQueriesContext(connection) as queries:
        render.flyer_pdf(event, "A4")
    started = time.perf_counter()
    for _ in range(n):
        render.facts(event)
    facts_ms = (time.perf_counter() - started) / n * 1000
    started = time.perf_counter()
    for _ in range(n):
        render.flyer_pdf(event, "A4")
    result = {
        "scenario": "cached hit in process, key worked out afresh",
        "ms_per_hit": round((time.perf_counter() - started) / n * 1000, 2),
        "ms_per_facts_call": round(facts_ms, 2),
        "queries_per_hit": len(queries),
    }
    print(json.dumps(result), file=sys.stderr)
    return result


def pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def main() -> int:
    from bench.announcement import load_average, machine, migrate_and_set_up
    from tests.postgres import ThrowawayPostgres

    args = parse_args()
    if args.max_load:
        wait_for_quiet(args.max_load, args.patience)
    load_at_start = load_average()
    pg = ThrowawayPostgres().start()
    var_dir = Path(tempfile.mkdtemp(prefix="flyer-bench-var-"))  # static files, flyer cache
    servers: list[Server] = []
    rounds: list[dict] = []
    try:
        ports = {"bare": free_port(), "turnout": free_port()}
        env = turnout_env(pg.url, ports["turnout"], var_dir)
        migrate_and_set_up(env)
        data = setup_flyers()
        event = data["target"]
        flyer_path = f"/{event.group.slug}/events/{event.slug}/flyer.pdf?size=A4"
        bare_url = pg.url.rsplit("/", 1)[0] + "/bare_rsvp"
        setup_bare(pg.url, bare_url, 60, slugs=[f"meeting-{i}" for i in range(8)])

        renders = measure_renders(data, args.renders)
        in_process = measure_cached_hit(data, var_dir / "in-process-flyers")
        load_after_renders = load_average()

        bare = bare_server(ports["bare"], args.workers, bare_url)
        turnout = turnout_server(ports["turnout"], args.workers, env)
        servers += [bare.start(), turnout.start()]
        started = time.perf_counter()
        status, _headers, primed = http(turnout.port, "GET", flyer_path)
        priming_s = time.perf_counter() - started
        assert status == 200 and primed.startswith(b"%PDF"), status
        served = {
            "scenario": "priming request (renders into the cache)",
            "seconds": round(priming_s, 3),
            "bytes": len(primed),
            "blocks_drawn": blocks_drawn(primed, data["expected_text"]),
            "cached_files": len(list((var_dir / "flyers").rglob("*.pdf"))),
        }
        print(json.dumps(served), file=sys.stderr)
        runs = [(bare, "bare", "/", WHOLE_PAGE), (turnout, "flyer A4", flyer_path, PDF_END)]
        for server, name, path, marker in runs:  # warm-up
            measure_view(server, name, path, marker, args, args.concurrency * 10)
        load_before = load_average()
        for round_ in range(1, args.rounds + 1):
            for server, name, path, marker in runs:
                result = {
                    "round": round_,
                    **measure_view(server, name, path, marker, args, args.requests),
                }
                rounds.append(result)
                print(json.dumps(result), file=sys.stderr)
    finally:
        for server in servers:
            server.stop()
        from django.db import connections

        connections.close_all()
        pg.stop()
        shutil.rmtree(var_dir, ignore_errors=True)

    verdict = targets(renders, rounds)
    context = {
        "machine": machine(),
        "load": [load_at_start, load_after_renders, load_before, load_average()],
        "statement_words": data["statement_words"],
        "args": vars(args),
    }
    print(json.dumps({"scenario": "targets", **verdict}), file=sys.stderr)
    print(markdown(context, renders, served, rounds, verdict, in_process))
    return 0


def targets(renders: list[dict], rounds: list[dict]) -> dict:
    a4 = next(r for r in renders if r["scenario"] == "render A4" and r["event"] == "target")
    bare = {r["round"]: r for r in rounds if r["page"] == "bare"}
    flyer = [r for r in rounds if r["page"] == "flyer A4"]
    ratios = [round(r["per_s"] / bare[r["round"]]["per_s"], 2) for r in flyer]
    others = max(r["cpu_busy_of_cores"]["others"] for r in rounds)
    return {
        "render_a4_median_s": a4["median_s"],
        "render_target_met": a4["median_s"] < TARGET_RENDER_S,
        "blocks_drawn": all(a4["blocks_drawn"].values()),
        "cached_ratio_to_bare": ratios,
        "median_ratio": statistics.median(ratios),
        "cached_target_met": statistics.median(ratios) >= TARGET_RATIO
        and not any(r["errors"] for r in flyer),
        "others_busy_of_cores_max": others,
        "undisturbed": others < DISTURBED,
    }


def markdown(
    context: dict, renders: list[dict], served: dict, rounds: list[dict], verdict, in_process
) -> str:
    lines = [
        f"machine: {context['machine']}; 1-minute load at the start / after the renders / "
        f"before the rounds / at the end: {' / '.join(str(x) for x in context['load'])}",
        f"arguments: {context['args']}; statement: {context['statement_words']} words",
        "",
        "| render, cache off, warm process | event | median s | p90 s | max s | warm-up s "
        "| bytes | pages | blocks drawn |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in renders:
        drawn = r.get("blocks_drawn")
        shown = "–" if drawn is None else ("yes" if all(drawn.values()) else f"no: {drawn}")
        lines.append(
            f"| {r['scenario']} | {r['event']} | {r['median_s']} | {r['p90_s']} | {r['max_s']} "
            f"| {r['warm_up_s']} | {r['bytes']:,} | {r.get('pages', '–')} | {shown} |"
        )
    drawn = served["blocks_drawn"]
    lines += [
        "",
        f"Cached hit in this process, its key worked out afresh (`flyer_pdf`): "
        f"{in_process['ms_per_hit']} ms and {in_process['queries_per_hit']} queries per hit; "
        f"one `facts(event)` call: {in_process['ms_per_facts_call']} ms.",
        "",
        f"Priming request (served, renders into the cache): {served['seconds']} s, "
        f"{served['bytes']:,} bytes, blocks drawn: "
        f"{'yes' if all(drawn.values()) else drawn}; cached PDFs: {served['cached_files']}.",
        "",
        "| round | page | requests/s | p50 / p99 ms | server p50 / p99 ms | server CPU ms/req "
        "| errors | others' share of the cores |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rounds:
        server_ms = r.get("server_get_ms_p50_p99", ["–", "–"])
        lines.append(
            f"| {r['round']} | {r['page']} | {r['per_s']:,} | {r['ms_p50_p99'][0]} / "
            f"{r['ms_p50_p99'][1]} | {server_ms[0]} / {server_ms[1]} "
            f"| {r['cpu_ms_per_request']['server']} | {r['errors']} "
            f"| {r['cpu_busy_of_cores']['others']} |"
        )
    lines += [
        "",
        f"Targets: A4 render median {verdict['render_a4_median_s']} s (< {TARGET_RENDER_S}): "
        f"{'met' if verdict['render_target_met'] else 'NOT met'}; cached hit ÷ bare "
        f"{verdict['cached_ratio_to_bare']} (median {verdict['median_ratio']}, ≥ "
        f"{TARGET_RATIO}): {'met' if verdict['cached_target_met'] else 'NOT met'}; "
        f"blocks drawn: {verdict['blocks_drawn']}; others' share of the cores at most "
        f"{verdict['others_busy_of_cores_max']} "
        f"({'undisturbed' if verdict['undisturbed'] else 'DISTURBED'}).",
    ]
    return "\n".join(lines)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=20, help="timed renders of each kind")
    parser.add_argument("--requests", type=int, default=3000, help="requests per load run")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--max-load", type=float, help="wait for the 1-minute load to drop")
    parser.add_argument("--patience", type=float, default=600, help="at most this long (s)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
