import json
import os

import pytest

from tests.postgres import ThrowawayPostgres

DATABASE = os.environ.get("TURNOUT_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On ``TURNOUT_TEST_DATABASE=postgres``, point the suite at a server of its own."""
    if DATABASE != "postgres":
        yield
        return
    from django.conf import settings
    from django.db import connections

    server = ThrowawayPostgres().start()
    settings.DATABASES["default"].update(server.django_settings())
    connections.close_all()
    del connections["default"]  # the next use builds a PostgreSQL connection from these settings
    os.environ["TURNOUT_DATABASE_URL"] = server.url  # for processes the tests start
    try:
        yield
    finally:
        server.stop()


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
