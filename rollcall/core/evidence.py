"""Evidence that may never change: the database's own guards, written once for every table.

Register marks, their amendments, the audit stream, the chronology, import records and issued
certificates are what a court reads (EA96 s444; the School Attendance (Pupil Registration)
(England) Regulations 2024, reg 6: the original entry and every amendment are kept). The
models refuse to change or delete them (`rollcall.core.models.AppendOnlyModel`), and so does
the database, whatever code or tool touches it:

- an *append-only* table refuses UPDATE and DELETE;
- a table of *amendable* rows (register marks) refuses DELETE, and UPDATE of the columns that
  say what was first recorded, when and for which session (only the code now in force changes,
  through an amendment);

on both SQLite and PostgreSQL. One deliberate act may still empty them: the owner resetting the
whole database (`rollcall demo --reset`, the test suite between tests), which goes through
`rollcall flush` (`rollcall.core.management.commands.flush`). On PostgreSQL that is TRUNCATE,
which row triggers do not see. On SQLite it is DELETE, which the triggers allow only while
`erasing_evidence()` is active in the process doing it; a connection that does not know the
function rollcall registers (the sqlite3 shell, another program) is refused too.

Each table's migration lists what it guards and asks `guards_operation` for the operation; the
SQL lives only here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

ERASE_FUNCTION = "rollcall_may_erase_evidence"
_state = threading.local()


@contextmanager
def erasing_evidence() -> Iterator[None]:
    """Allow this thread's SQLite connection to empty evidence tables (a whole-database reset)."""
    previous = getattr(_state, "erasing", False)
    _state.erasing = True
    try:
        yield
    finally:
        _state.erasing = previous


def _may_erase() -> int:
    return 1 if getattr(_state, "erasing", False) else 0


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new SQLite connection the function the DELETE guards ask (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(ERASE_FUNCTION, 0, _may_erase)


PG_REFUSE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION rollcall_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'rollcall: % on % is not allowed: the table is evidence', "
    "TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation'; END; "
    "$$ LANGUAGE plpgsql;"
)

# Every trigger name a guard has ever had, so that drop_guards removes earlier ones too.
_TRIGGER_SUFFIXES = ("no_update", "no_delete", "fixed_columns", "append_only", "never_deleted")


def _sqlite_sql(table: str, fixed_columns: Sequence[str] | None) -> list[str]:
    statements = [
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN NOT {ERASE_FUNCTION}() "
        f"BEGIN SELECT RAISE(ABORT, 'rollcall: DELETE on {table} is not allowed: the table "
        "is evidence'); END;"
    ]
    if fixed_columns is None:
        statements.append(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'rollcall: UPDATE on {table} is not allowed: the table "
            "is evidence'); END;"
        )
    else:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in fixed_columns)
        statements.append(
            f"CREATE TRIGGER {table}_fixed_columns BEFORE UPDATE OF {', '.join(fixed_columns)} "
            f"ON {table} WHEN {changed} "
            f"BEGIN SELECT RAISE(ABORT, 'rollcall: {', '.join(fixed_columns)} of {table} "
            "cannot be changed: they are evidence'); END;"
        )
    return statements


def _postgresql_sql(table: str, fixed_columns: Sequence[str] | None) -> list[str]:
    statements = [PG_REFUSE_FUNCTION]
    if fixed_columns is None:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rollcall_refuse_change();"
        )
    else:
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in fixed_columns)
        statements += [
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rollcall_refuse_change();",
            f"CREATE TRIGGER {table}_fixed_columns BEFORE UPDATE OF {', '.join(fixed_columns)} "
            f"ON {table} FOR EACH ROW WHEN ({changed}) "
            "EXECUTE FUNCTION rollcall_refuse_change();",
        ]
    return statements


def guard_sql(vendor: str, table: str, *, fixed_columns: Sequence[str] | None = None) -> list[str]:
    """The statements that guard `table`: append-only, or with `fixed_columns` never deleted
    and those columns never changed."""
    if vendor == "sqlite":
        return _sqlite_sql(table, fixed_columns)
    if vendor == "postgresql":
        return _postgresql_sql(table, fixed_columns)
    raise ImproperlyConfigured(
        f"rollcall keeps its evidence on SQLite or PostgreSQL, and cannot guard it on {vendor}"
    )


def drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_{suffix}" for suffix in _TRIGGER_SUFFIXES]
    return [f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}" for suffix in _TRIGGER_SUFFIXES]


def create_guards(
    schema_editor: Any, table: str, *, fixed_columns: Sequence[str] | None = None
) -> None:
    """Replace whatever guards `table` had with the current ones (for use in migrations)."""
    vendor = schema_editor.connection.vendor
    for statement in [
        *drop_sql(vendor, table),
        *guard_sql(vendor, table, fixed_columns=fixed_columns),
    ]:
        # No parameters: the % signs in the PostgreSQL function belong to plpgsql.
        schema_editor.execute(statement, None)


def drop_guards(schema_editor: Any, table: str) -> None:
    for statement in drop_sql(schema_editor.connection.vendor, table):
        schema_editor.execute(statement, None)


Guarded = Sequence[tuple[str, Sequence[str] | None]]


def guards_operation(guarded: Guarded) -> migrations.RunPython:
    """The migration operation that guards each (table, fixed columns or None) in `guarded`, and
    drops the guards when the migration is reversed."""

    def guard(apps: Any, schema_editor: Any) -> None:
        for table, fixed_columns in guarded:
            create_guards(schema_editor, table, fixed_columns=fixed_columns)

    def unguard(apps: Any, schema_editor: Any) -> None:
        for table, _ in guarded:
            drop_guards(schema_editor, table)

    return migrations.RunPython(guard, unguard)
