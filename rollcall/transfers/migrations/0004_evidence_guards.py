"""Import records, CTF schools, issued certificates and attendance at earlier schools are
evidence: the database refuses UPDATE and DELETE on them, on SQLite as on PostgreSQL
(rollcall.core.evidence)."""

from django.db import migrations

from rollcall.core.evidence import create_guards, drop_guards

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (
    ("transfers_importbatch", None),
    ("transfers_certificate", None),
    ("transfers_ctfschool", None),
    ("transfers_earlierschoolattendance", None),
    ("transfers_earlierschoolmark", None),
)


def guard(apps, schema_editor):
    for table, fixed_columns in GUARDED:
        create_guards(schema_editor, table, fixed_columns=fixed_columns)


def unguard(apps, schema_editor):
    for table, _ in GUARDED:
        drop_guards(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_evidence_guards"),
        ("transfers", "0003_earlier_school_attendance"),
    ]

    operations = [migrations.RunPython(guard, unguard)]
