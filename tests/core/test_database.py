import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_it_was_asked_for():
    expected = {"sqlite": "sqlite", "postgres": "postgresql"}[
        os.environ.get("TURNOUT_TEST_DATABASE", "sqlite")
    ]
    assert connection.vendor == expected
