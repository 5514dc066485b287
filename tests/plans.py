"""What PostgreSQL's planner makes of a query: for tests that pin a query to an index.

On a test's few rows the planner rightly reads whole tables; with sequential scans
turned off it shows what it can do through the indexes, as it would on a big site
(bench/scale.py measures that at 100,000 meetings). PostgreSQL only.
"""

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet


def plan(queryset: QuerySet) -> str:
    """EXPLAIN of ``queryset`` with sequential scans off, as text; the test is skipped on
    another database (the connection is known only once the session set it up)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner (bench/scale.py)")
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plans_of(queries: list[dict], table: str) -> list[str]:
    """The plans (sequential scans off) of the captured SELECTs that read ``table``."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner (bench/scale.py)")
    found = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and f'"{table}"' in sql:
                cursor.execute("EXPLAIN " + sql)
                found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found
