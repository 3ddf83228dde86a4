"""The audit stream is evidence: the database refuses UPDATE and DELETE on it, on SQLite as on
PostgreSQL (rollcall.core.evidence; only `rollcall flush` may empty it)."""

from django.db import migrations

from rollcall.core.evidence import guards_operation

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (("core_auditevent", None),)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_append_only_triggers"),
    ]

    operations = [guards_operation(GUARDED)]
