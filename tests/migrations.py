"""For tests of a data migration: move the test database's schema to given migrations,
and put the whole schema back afterwards (later tests need it)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to ``targets`` ([(app, migration)]); the models as they were there.

    Turnout's other apps go back (or forward) to where the targets' own dependencies put
    them, so every table has the columns of the models returned: a column added later
    (a NOT NULL one without a database default) would refuse the old models' rows.
    """
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    plan = [node for target in targets for node in executor.loader.graph.forwards_plan(target)]
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("turnout.")}
    others = {}
    for label, name in plan:  # in dependency order: the last of each app is where it stands
        if label in ours and label not in dict(targets):
            others[label] = name
    executor.migrate(targets)
    for target in others.items():  # one by one: Django runs a plan one way only
        MigrationExecutor(connection).migrate([target])
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after(request, transactional_db):
    """Later tests need the whole schema back, whatever happens here: put back after this
    test, unless the next one moves it too or none follows (moving the whole schema back
    and forth is most of these tests' time; tests/conftest.py runs them last, together)."""
    yield
    items = request.session.items
    following = items[items.index(request.node) + 1 :]
    if following and "latest_schema_after" not in following[0].fixturenames:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def run_last(items: list) -> None:
    """The tests that move the schema, moved (in their order) after every other. Their
    database is emptied with ``CASCADE`` (what Django does for ``available_apps``): on
    PostgreSQL, a table of the old schema (gone from the models) may still refer to one
    being emptied between two of them."""
    moving = [item for item in items if "latest_schema_after" in item.fixturenames]
    every_app = [config.name for config in apps.get_app_configs()]
    for item in moving:
        item.add_marker(pytest.mark.django_db(transaction=True, available_apps=every_app))
    items[:] = [item for item in items if item not in moving] + moving
