"""A letter may be addressed to a school (no parent): its carer may be empty, it names the
school when that is one in rollcall, and it keeps whom it greets. A draft keeps the school it
is for, or the name and address the officer wrote in.

On SQLite these changes rebuild the letters_letter table, and a rebuilt table loses its
triggers, so the evidence guards of 0002 are put back after the change (and again when the
migration is reversed, which rebuilds the table once more): a letter of record still cannot be
updated or deleted, on SQLite as on PostgreSQL (rollcall.core.evidence)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from rollcall.core.evidence import create_guards

GUARDED = ("letters_letter",)


def guard(apps: Any, schema_editor: Any) -> None:
    for table in GUARDED:
        create_guards(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0004_batch_evidence_guards"),
        ("organisations", "0003_school_headteacher_and_email"),
        ("pupils", "0002_conditions"),
    ]

    operations = [
        # Reversed last: the reversal's own rebuild of the table drops the guards again.
        migrations.RunPython(migrations.RunPython.noop, guard),
        migrations.AddField(
            model_name="letter",
            name="salutation",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="letter",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.school",
            ),
        ),
        migrations.AddField(
            model_name="letterdraft",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.school",
            ),
        ),
        migrations.AddField(
            model_name="letterdraft",
            name="school_address",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="letterdraft",
            name="school_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="letter",
            name="carer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="pupils.carer",
            ),
        ),
        migrations.RunPython(guard, migrations.RunPython.noop),
    ]
