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
def latest_schema_after(transactional_db):
    """Later tests need the whole schema back, whatever happens here."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
