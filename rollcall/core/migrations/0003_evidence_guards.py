"""The audit stream is evidence: the database refuses UPDATE and DELETE on it, on SQLite as on
PostgreSQL (rollcall.core.evidence; only `rollcall flush` may empty it)."""

from django.db import migrations

from rollcall.core.evidence import create_guards, drop_guards

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (("core_auditevent", None),)


def guard(apps, schema_editor):
    for table, fixed_columns in GUARDED:
        create_guards(schema_editor, table, fixed_columns=fixed_columns)


def unguard(apps, schema_editor):
    for table, _ in GUARDED:
        drop_guards(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(guard, unguard)]
