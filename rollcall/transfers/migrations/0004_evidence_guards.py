"""Import records, CTF schools, issued certificates and attendance at earlier schools are
evidence: the database refuses UPDATE and DELETE on them, on SQLite as on PostgreSQL
(rollcall.core.evidence)."""

from django.db import migrations

from rollcall.core.evidence import guards_operation

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (
    ("transfers_importbatch", None),
    ("transfers_certificate", None),
    ("transfers_ctfschool", None),
    ("transfers_earlierschoolattendance", None),
    ("transfers_earlierschoolmark", None),
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_evidence_guards"),
        ("transfers", "0003_earlier_school_attendance"),
    ]

    operations = [guards_operation(GUARDED)]
