"""Letters of record, their sendings and bounces are evidence: the database refuses UPDATE
and DELETE on them, on SQLite as on PostgreSQL (rollcall.core.evidence). Drafts are not: an
officer rewords them until they are issued."""

from django.db import migrations

from rollcall.core.evidence import guards_operation

# (table, the columns that may never change; None: the whole row never changes)
GUARDED = (
    ("letters_letter", None),
    ("letters_sending", None),
    ("letters_bounce", None),
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_evidence_guards"),
        ("letters", "0001_letters"),
    ]

    operations = [guards_operation(GUARDED)]
