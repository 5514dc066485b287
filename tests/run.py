"""``make test``: the whole suite on SQLite, then again on a throwaway PostgreSQL.

Browser tests run once, in the PostgreSQL pass. Prints passed/failed/skipped per
database; under CI (``CI=true``) a skipped test fails the run.
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


def run(database: str, extra: list[str], report: str) -> dict:
    env = {**os.environ, "TURNOUT_TEST_DATABASE": database, "TURNOUT_TEST_REPORT": report}
    env.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    print(f"\n=== {database} ===", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", *extra, *sys.argv[1:]], env=env)
    try:
        with open(report) as f:
            counts = json.load(f)
    except (OSError, ValueError):
        counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    return {**counts, "exit": code}


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for database, extra in RUNS:
            results[database] = run(database, extra, os.path.join(tmp, f"{database}.json"))
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
