"""Races: many threads, each with its own database connection, released together."""

import threading

from django.db import connection


def race(count: int, action) -> list:
    """Run ``action(i)`` in ``count`` threads, all started together; their results.

    Fails if any thread raised, or (on PostgreSQL) if two threads shared a backend.
    """
    barrier = threading.Barrier(count)
    results, errors, pids = [None] * count, [], [None] * count

    def run(i: int) -> None:
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pids[i] = cursor.fetchone()[0]
            else:
                connection.ensure_connection()
            barrier.wait(timeout=30)
            results[i] = action(i)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    if connection.vendor == "postgresql":
        assert len(set(pids)) == count
    return results
