"""Settings for the test suite: the production settings with test mode on.

The database is SQLite in memory unless the test session points
``TURNOUT_DATABASE_URL`` elsewhere (tests/conftest.py starts a throwaway
PostgreSQL for ``--database=postgres``).
"""

import os

os.environ["TURNOUT_MODE"] = "test"
os.environ.setdefault("TURNOUT_DATABASE_URL", "sqlite://:memory:")

from turnout.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # static files come from the apps' folders through whitenoise's finders
