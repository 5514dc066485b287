"""``make test``: the whole suite on SQLite and again on a throwaway PostgreSQL.

The two passes run at the same time (much of each is waiting on workers, SMTP and
the browser, so together they take little more than the longer one): the PostgreSQL
pass prints as it goes, the SQLite pass's output follows when both are done. Browser
tests run once, in the PostgreSQL pass. Prints passed/failed/skipped per database;
under CI (``CI=true``) a skipped test fails the run.
"""

import json
import os
import subprocess
import sys
import tempfile

RUNS = [
    ("sqlite", ["-m", "not browser"]),
    ("postgres", []),
]


def start(database: str, extra: list[str], report: str, output=None) -> subprocess.Popen:
    env = {**os.environ, "TURNOUT_TEST_DATABASE": database, "TURNOUT_TEST_REPORT": report}
    env.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    command = [sys.executable, "-m", "pytest", *extra, *sys.argv[1:]]
    return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def counts_in(report: str, code: int) -> dict:
    try:
        with open(report) as f:
            counts = json.load(f)
    except (OSError, ValueError):
        counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    return {**counts, "exit": code}


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        (quiet, quiet_extra), (shown, shown_extra) = RUNS
        log_path = os.path.join(tmp, f"{quiet}.log")
        with open(log_path, "w") as log:
            background = start(quiet, quiet_extra, os.path.join(tmp, f"{quiet}.json"), log)
            print(f"\n=== {shown} (the {quiet} pass runs beside it) ===", flush=True)
            foreground = start(shown, shown_extra, os.path.join(tmp, f"{shown}.json"))
            codes = {shown: foreground.wait(), quiet: background.wait()}
        print(f"\n=== {quiet} ===", flush=True)
        with open(log_path) as log:
            sys.stdout.write(log.read())
        for database, _extra in RUNS:
            report = os.path.join(tmp, f"{database}.json")
            results[database] = counts_in(report, codes[database])
    ok = True
    print()
    for database, r in results.items():
        failed = r["failed"] + r["error"]
        print(f"{database}: {r['passed']} passed, {failed} failed, {r['skipped']} skipped")
        if r["exit"] != 0 or r["passed"] == 0:
            ok = False
        if os.environ.get("CI") and r["skipped"]:
            print(f"CI: {r['skipped']} skipped on {database}; under CI nothing may skip.")
            ok = False
    total = {
        k: sum(r[k] for r in results.values()) for k in ("passed", "failed", "error", "skipped")
    }
    print(
        f"total: {total['passed']} passed, {total['failed'] + total['error']} failed, "
        f"{total['skipped']} skipped"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
