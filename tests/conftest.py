import json
import os

import pytest

from tests.migrations import (
    latest_schema_after,  # noqa: F401 -- a fixture for migration tests
    run_last,
)
from tests.postgres import ThrowawayPostgres
from tests.processes import Workers
from tests.smtp import SMTPServer

DATABASE = os.environ.get("TURNOUT_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session", autouse=True)
def database_server(tmp_path_factory):
    """Point the suite at a database that other processes (workers) can open too.

    SQLite: a file in WAL mode, not the in-memory database. PostgreSQL
    (``TURNOUT_TEST_DATABASE=postgres``): a throwaway server of the session's own.
    Autouse and session-scoped so it runs before anything opens a connection
    (pytest-django's session-scoped ``live_server`` does, before the test database).
    """
    from django.conf import settings
    from django.db import connections

    server = None
    if DATABASE == "postgres":
        server = ThrowawayPostgres().start()
        settings.DATABASES["default"].update(server.django_settings())
    else:
        test_file = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        settings.DATABASES["default"]["TEST"]["NAME"] = str(test_file)
    connections.close_all()
    del connections["default"]  # the next use builds a connection from these settings
    try:
        yield server
    finally:
        if server:
            server.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(database_server, django_db_modify_db_settings_parallel_suffix):
    pass


def pytest_collection_modifyitems(session, config, items):
    # The data migrations' tests, which move the schema back and forth.
    run_last(items, cascade=DATABASE == "postgres")


def pytest_report_header(config):
    return f"turnout test database: {DATABASE}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = {
        outcome: len(terminalreporter.stats.get(outcome, []))
        for outcome in ("passed", "failed", "error", "skipped")
    }
    report = os.environ.get("TURNOUT_TEST_REPORT")
    if report:
        with open(report, "w") as f:
            json.dump({"database": DATABASE, **counts}, f)


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request served in another language leaves it active in the test's thread (Django's
    LocaleMiddleware does not reset it): the next test starts without it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def organiser(db):
    from tests.factories import make_user

    return make_user(email="olena@example.org")


@pytest.fixture
def group(organiser):
    from tests.factories import make_group

    return make_group(owner=organiser, name="Ukraine Information Group", slug="uig")


@pytest.fixture
def venue(group):
    from tests.factories import make_venue

    return make_venue(group=group)


@pytest.fixture
def event(group, venue):
    from tests.factories import make_event

    return make_event(group=group, venue=venue, title="What internationalism means")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def outsider(db):
    """An organiser of another group: signed in, verified, and a stranger to ``group``."""
    from tests.factories import make_group, make_user

    user = make_user(email="mykola@example.org", name="Mykola Outsider")
    make_group(owner=user, name="Another Group", slug="another")
    return user


@pytest.fixture
def outsider_client(outsider):
    from django.test import Client

    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def table_rows(db):
    """A callable returning every row of Turnout's own tables, to prove nothing changed."""
    from django.apps import apps

    def rows() -> dict[str, list[dict]]:
        return {
            model._meta.label: list(model.objects.order_by("pk").values())
            for label in ("groups", "events", "mailing")
            for model in apps.get_app_config(label).get_models()
        }

    return rows


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on loopback, for workers to deliver to."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def workers(transactional_db, smtp):
    """``workers(count, **env)`` starts ``turnout worker`` processes that mail to ``smtp``.

    Every worker started is stopped when the test ends, before the database is
    flushed; their logs are printed (pytest shows them when a test fails).
    """
    pools: list[Workers] = []

    def start(count: int = 1, **env: str) -> Workers:
        pool = Workers(TURNOUT_EMAIL_URL=smtp.url, **env)
        pool.start(count)
        pools.append(pool)
        return pool

    yield start
    for pool in pools:
        pool.stop_all()
        print(pool.logs())
        pool.remove_logs()


@pytest.fixture
def page_cache(settings, fragment_cache):
    """The page cache on (the tests run with it off), and its fragments, as in production;
    empty before and after."""
    settings.TURNOUT_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def fragment_cache(settings):
    """The pages' cached fragments on (the tests run with them off), empty before and
    after; the pages themselves still built for each request."""
    from django.core.cache import cache

    settings.TURNOUT_FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    """The test twice: on each process's own memory, and on a shared Redis."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_server").url
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        settings.CACHES = {**settings.CACHES, "default": redis}
    return request.param


@pytest.fixture(scope="session")
def redis_server():
    """A redis-server of the session's own (tests/redisserver.py), started when a test of
    the shared cache first asks for it; a missing redis-server fails, never skips."""
    from tests.redisserver import ThrowawayRedis

    server = ThrowawayRedis().start()
    yield server
    server.remove()
