"""Import records and issued certificates are evidence: the database refuses to change them.

The same guards as core 0002: UPDATE is refused on both databases, DELETE on PostgreSQL only
(Django empties SQLite test databases with DELETE). rollcall_refuse_change() comes from core.
"""

from django.db import migrations

TABLES = ("transfers_importbatch", "transfers_certificate", "transfers_ctfschool")


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
        ("transfers", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
