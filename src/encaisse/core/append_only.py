"""The audit trail is append-only in the database: triggers refuse UPDATE and DELETE of its rows.

The admin and the services never change an audit row; the triggers make sure that no other
path does either (a raw SQL statement, a shell, a bug), on PostgreSQL and on SQLite. Both raise
an integrity error whose message says "audit log is append-only".

Two paths legitimately touch the table as a whole, and are handled here:
- `flush` (every test that commits is flushed after it; `encaisse flush` empties a database):
  on SQLite it is a DELETE per table, so `core`'s `flush` command lifts the triggers for the
  duration of the flush and puts them back; on PostgreSQL it is a TRUNCATE, which row triggers
  do not see.
- Dropping a whole database (the bench scripts) does not go through rows at all.
A user named in the trail cannot be deleted (`AuditEvent.actor` is PROTECT): deactivate it.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_auditevent"
MESSAGE = "audit log is append-only"

_SQLITE_ON = [
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
_SQLITE_OFF = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
]
_POSTGRES_ON = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END
    $$;""",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();",
]
_POSTGRES_OFF = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only();",
]
STATEMENTS = {
    "sqlite": (_SQLITE_ON, _SQLITE_OFF),
    "postgresql": (_POSTGRES_ON, _POSTGRES_OFF),
}


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (a vendor without them is left as it is)."""
    on, _off = STATEMENTS.get(connection.vendor, ([], []))
    _run(connection, on)


def remove(connection: BaseDatabaseWrapper) -> None:
    _on, off = STATEMENTS.get(connection.vendor, ([], []))
    _run(connection, off)


def flush_lifts_the_guard(connection: BaseDatabaseWrapper) -> bool:
    """Does a flush of this database delete rows one by one (and so need the triggers off)?"""
    return connection.vendor == "sqlite"
