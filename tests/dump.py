"""The whole database as text: every row of every table, and Django's dumpdata of every
model. For tests that prove something is stored nowhere (personal data after
anonymisation, secret links after delivery)."""

import io
import json

from django.core.management import call_command
from django.db import connection


def _text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def database_dump() -> dict[str, str]:
    """Every row of every table in the database as text, by table name; and Django's
    ``dumpdata`` of every model, by model ("dumpdata:app.model")."""
    dump = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump[table] = "\n".join(" | ".join(map(_text, row)) for row in cursor.fetchall())
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    for obj in json.loads(out.getvalue()):
        key = f"dumpdata:{obj['model']}"
        dump[key] = dump.get(key, "") + json.dumps(obj, ensure_ascii=False) + "\n"
    return dump
