"""The chronology is evidence: the database refuses UPDATE and DELETE on it, on SQLite as on
PostgreSQL (rollcall.core.evidence)."""

from django.db import migrations

from rollcall.core.evidence import guards_operation

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (("casework_chronologyentry", None),)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_evidence_guards"),
        ("casework", "0003_contact_follows_up_an_absence"),
    ]

    operations = [guards_operation(GUARDED)]
