"""Register marks, their amendments and taken registers are evidence (REG24 reg 6): amendments and
taken registers never change; a mark is never deleted and only its code changes, through an
amendment. Refused by the database on SQLite as on PostgreSQL (rollcall.core.evidence)."""

from django.db import migrations

from rollcall.core.evidence import guards_operation

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (
    ("registers_markamendment", None),
    ("registers_takenregister", None),
    (
        "registers_mark",
        ("date", "session", "original_code", "minutes_late", "recorded_at", "source"),
    ),
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_evidence_guards"),
        ("registers", "0005_one_index_for_a_schools_marks_by_day"),
    ]

    operations = [guards_operation(GUARDED)]
