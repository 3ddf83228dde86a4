"""Attendance at earlier schools is evidence: the database refuses to change it.

The same guards as 0002: UPDATE is refused on both databases, DELETE on PostgreSQL only
(Django empties SQLite test databases with DELETE). rollcall_refuse_change() comes from core.
"""

from django.db import migrations

TABLES = ("transfers_earlierschoolattendance", "transfers_earlierschoolmark")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rollcall_refuse_change();"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_append_only_triggers"),
        ("transfers", "0003_earlier_school_attendance"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
