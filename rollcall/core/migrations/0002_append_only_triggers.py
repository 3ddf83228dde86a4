"""Database triggers that keep evidence tables append-only, whatever code touches them.

Audit events and mark amendments can never be updated. On PostgreSQL no row of them, nor any
register mark, can be deleted either. SQLite gets the UPDATE guard only: Django empties SQLite
tables with DELETE when a test database or the demo is reset, while on PostgreSQL it uses
TRUNCATE, which row triggers do not see. The models refuse deletes on both.
"""

from django.db import migrations

APPEND_ONLY = ("core_auditevent", "registers_markamendment")
NEVER_DELETED = ("registers_mark",)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in APPEND_ONLY:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION rollcall_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'rollcall: % on % is not allowed: the table is evidence', "
            "TG_OP, TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;",
            None,  # no parameters: the % signs belong to plpgsql
        )
        for table in APPEND_ONLY:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rollcall_refuse_change();"
            )
        for table in NEVER_DELETED:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rollcall_refuse_change();"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in APPEND_ONLY:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    elif vendor == "postgresql":
        for table in APPEND_ONLY:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        for table in NEVER_DELETED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_never_deleted ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("registers", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
