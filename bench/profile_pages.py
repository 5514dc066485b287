"""Profile: where a public page built without the cache spends its time (issue 22).

    TURNOUT_DATABASE_URL=sqlite:////path/demo.sqlite3 TURNOUT_SECRET_KEY=x \\
    TURNOUT_BASE_URL=http://127.0.0.1:8000 TURNOUT_PAGE_CACHE_SECONDS=0 \\
    .venv/bin/python bench/profile_pages.py [--views 50] [--lines 40]

On a database holding the demo data (``turnout demo`` makes one in its var/ folder; run
``turnout manage migrate`` on it first if it is older than the code): the demo meeting
with statement, table and quote, ``/`` and the demo group's page, each viewed 5 times to
warm up and then ``--views`` times under cProfile through Django's test client, page
cache off; the pages' fragments as configured (on: warm after the warm-up, as for an
organiser; ``TURNOUT_FRAGMENT_CACHE_SECONDS=0``: every piece built). Prints the ms per
view (cProfile roughly doubles it) and the functions by cumulative time. For where the
time goes, not for the rate: bench/public_pages.py measures that.
"""

import argparse
import cProfile
import io
import os
import pstats
import time

PAGES = {
    "meeting": "/ukraine-information-group/events/what-internationalism-means-2026-12-08/",
    "home": "/",
    "group": "/ukraine-information-group/",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=50)
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnout.settings")
    os.environ.setdefault("TURNOUT_MODE", "demo")
    import django

    django.setup()
    from django.test import Client

    client = Client()
    for name, path in PAGES.items():
        for _warm in range(5):
            status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{path} answered {status}: is the demo data loaded?")
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _view in range(args.views):
            client.get(path)
        profile.disable()
        per_view = (time.perf_counter() - started) / args.views * 1000
        print(f"== {name} {path}: {per_view:.1f} ms per view, profiled")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.lines)
        print(out.getvalue())


if __name__ == "__main__":
    main()
