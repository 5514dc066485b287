"""Settings for the test suite: the production settings with test mode on.

The database is SQLite in memory unless the test session points
``TURNOUT_DATABASE_URL`` elsewhere (tests/conftest.py starts a throwaway
PostgreSQL for ``--database=postgres``).
"""

import os
import tempfile
from pathlib import Path

os.environ["TURNOUT_MODE"] = "test"
os.environ.setdefault("TURNOUT_DATABASE_URL", "sqlite://:memory:")

from turnout.settings import *  # noqa: F403

# Each test sees its own changes at once (tests/core/test_pagecache.py turns it on; the
# servers of tests/core/test_pagecache_redis.py, in processes of their own, through this).
TURNOUT_PAGE_CACHE_SECONDS = float(os.environ.get("TURNOUT_TEST_PAGE_CACHE_SECONDS", "0"))
TURNOUT_FRAGMENT_CACHE_SECONDS = float(os.environ.get("TURNOUT_TEST_FRAGMENT_CACHE_SECONDS", "0"))
# The session's own stamp (tests/run.py runs the SQLite and PostgreSQL passes side by
# side: a drop_all in one must not empty the other's cache in the middle of a test).
if not os.environ.get("TURNOUT_VAR_DIR"):
    TURNOUT_PAGE_CACHE_STAMP = Path(tempfile.mkdtemp(prefix="turnout-test-")) / "pagecache.stamp"
TURNOUT_NODEINFO_CACHE_SECONDS = 0  # tests/federation/test_nodeinfo.py turns it on
TURNOUT_FLYER_CACHE_DIR = None  # tests that need the flyer cache give it a tmp_path
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="turnout-test-media-"))  # tests give a tmp_path
STATIC_ROOT = None  # static files come from the apps' folders through whitenoise's finders

# Emails are outbox rows delivered by real workers to a real SMTP server started by
# the tests (tests/mailing/), which pass its address as TURNOUT_EMAIL_URL. Without
# one, nothing may leave: locmem.
if not os.environ.get("TURNOUT_EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A fast periodic job for the tests of the schedule (tests/core/test_worker.py).
if os.environ.get("TURNOUT_TEST_TICK_SECONDS"):
    TURNOUT_EXTRA_PERIODIC_JOBS = [
        ("test-tick", "tests.jobs.tick", float(os.environ["TURNOUT_TEST_TICK_SECONDS"]))
    ]

# Tests make many groups for one organiser (the limit's own tests set it back).
TURNOUT_NEW_GROUPS_PER_DAY = 1000

# Federation tests run other servers on loopback (127.0.0.2, 127.0.0.3): only here may
# federation reach loopback and private addresses.
TURNOUT_FEDERATION_ALLOW_PRIVATE_ADDRESSES = True

# The delivery tests with real workers (tests/federation/test_delivery_workers.py) shorten
# the claim on a round of deliveries and the period of the delivery job to this.
if os.environ.get("TURNOUT_TEST_DELIVERY_SECONDS"):
    TURNOUT_TEST_DELIVERY_SECONDS = float(os.environ["TURNOUT_TEST_DELIVERY_SECONDS"])
