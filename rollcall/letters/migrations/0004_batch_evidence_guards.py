"""A batch's request, its items, the letters and emails it made, its runs, their refusals and
ends are evidence: the database refuses UPDATE and DELETE on them (rollcall.core.evidence)."""

from django.db import migrations

from rollcall.core.evidence import guards_operation

GUARDED = (
    ("letters_letterbatch", None),
    ("letters_letterbatchitem", None),
    ("letters_letterbatchletter", None),
    ("letters_letterbatchemail", None),
    ("letters_letterbatchrun", None),
    ("letters_letterbatchrefusal", None),
    ("letters_letterbatchrunend", None),
)


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0003_letter_batches"),
    ]

    operations = [guards_operation(GUARDED)]
