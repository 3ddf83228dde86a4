"""Register marks, their amendments and taken registers are evidence (REG24 reg 6): amendments and
taken registers never change; a mark is never deleted and only its code changes, through an
amendment. Refused by the database on SQLite as on PostgreSQL (rollcall.core.evidence)."""

from django.db import migrations

from rollcall.core.evidence import create_guards, drop_guards

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (
    ("registers_markamendment", None),
    ("registers_takenregister", None),
    (
        "registers_mark",
        ("date", "session", "original_code", "minutes_late", "recorded_at", "source"),
    ),
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
        ("registers", "0005_one_index_for_a_schools_marks_by_day"),
    ]

    operations = [migrations.RunPython(guard, unguard)]
