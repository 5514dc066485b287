"""``make test``: the whole suite on SQLite and again on a throwaway PostgreSQL.

Three passes run at the same time, each in its own process (much of each is waiting on
workers, SMTP and the browser, so together they take little more than the longest):
SQLite without the browser tests, PostgreSQL without them, and the browser tests, which
run once, on a PostgreSQL of their own; a test marked ``own_database`` (``turnout demo``
as a process, on its own SQLite whatever the test database) runs in the SQLite pass
only. Each PostgreSQL pass starts its own throwaway server (tests/postgres.py). The
first PostgreSQL pass prints as it goes; the others' output follows when all are done.
Prints passed/failed/skipped per database (the two PostgreSQL passes added up); under CI
(``CI=true``) a skipped test fails the run.
"""

import json
import os
import subprocess
import sys
import tempfile

# (name, database, pytest's selection): the first is shown as it runs.
PASSES = [
    ("postgres", "postgres", ["-m", "not browser and not own_database"]),
    ("sqlite", "sqlite", ["-m", "not browser"]),
    ("browser", "postgres", ["-m", "browser"]),
]
OUTCOMES = ("passed", "failed", "error", "skipped")


def start(database: str, extra: list[str], report: str, output=None) -> subprocess.Popen:
    env = {**os.environ, "TURNOUT_TEST_DATABASE": database, "TURNOUT_TEST_REPORT": report}
    env.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    command = [sys.executable, "-m", "pytest", *extra, *sys.argv[1:]]
    return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def counts_in(report: str) -> dict:
    try:
        with open(report) as f:
            counts = json.load(f)
    except (OSError, ValueError):
        counts = {}
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}


def run_all(tmp: str) -> dict[str, dict]:
    """Start every pass, wait for all; each one's counts and exit code."""
    running = {}
    logs = {}
    (shown, shown_database, shown_extra), *quiet = PASSES
    for name, database, extra in quiet:
        logs[name] = open(os.path.join(tmp, f"{name}.log"), "w")  # noqa: SIM115
        running[name] = start(database, extra, os.path.join(tmp, f"{name}.json"), logs[name])
    others = ", ".join(name for name, *_ in quiet)
    print(f"\n=== {shown} (the {others} passes run beside it) ===", flush=True)
    running[shown] = start(shown_database, shown_extra, os.path.join(tmp, f"{shown}.json"))
    codes = {name: process.wait() for name, process in running.items()}
    for name, log in logs.items():
        log.close()
        print(f"\n=== {name} ===", flush=True)
        with open(log.name) as f:
            sys.stdout.write(f.read())
    return {
        name: {**counts_in(os.path.join(tmp, f"{name}.json")), "exit": codes[name]}
        for name, *_ in PASSES
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        passes = run_all(tmp)
    ok = all(r["exit"] == 0 and r["passed"] > 0 for r in passes.values())
    databases: dict[str, dict] = {}
    for name, database, _extra in PASSES:
        total = databases.setdefault(database, dict.fromkeys(OUTCOMES, 0))
        for outcome in OUTCOMES:
            total[outcome] += passes[name][outcome]
    print()
    for database, r in databases.items():
        failed = r["failed"] + r["error"]
        print(f"{database}: {r['passed']} passed, {failed} failed, {r['skipped']} skipped")
        if os.environ.get("CI") and r["skipped"]:
            print(f"CI: {r['skipped']} skipped on {database}; under CI nothing may skip.")
            ok = False
    total = {k: sum(r[k] for r in databases.values()) for k in OUTCOMES}
    print(
        f"total: {total['passed']} passed, {total['failed'] + total['error']} failed, "
        f"{total['skipped']} skipped"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
