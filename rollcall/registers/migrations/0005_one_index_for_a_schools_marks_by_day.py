"""One index, not two, finds a school's marks by day: one_mark_per_session becomes (school, date,
session, pupil) and the (school, date) index goes.

Saving a register looks up its 30 pupils' marks for the session. PostgreSQL's statistics never
know today's date (it is newer than the last ANALYZE), so the planner guessed one mark a day at
the school and scanned every mark of the day through (school, date) for each pupil: by the end
of a morning's registers, 1,200 marks thirty times over, 2 ms of a 7 ms save. Led by the same
(school, date), the unique index now serves those reads and finds each session's mark exactly,
and every mark written updates one index fewer.

SQLite rebuilds registers_mark to change a unique constraint, which drops the table's triggers
(registers 0004): they are created again after the rebuild, and again after undoing it.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

REFERENCES_MIGRATION = "rollcall.registers.migrations.0004_mark_references_checked_per_statement"
SQLITE_TRIGGERS = ("registers_mark_references_exist", "registers_mark_never_moves")


def sqlite_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    references = importlib.import_module(REFERENCES_MIGRATION)
    for name in SQLITE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in references.SQLITE_TRIGGERS:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_school_address"),
        ("pupils", "0001_initial"),
        ("registers", "0004_mark_references_checked_per_statement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Undoing this migration rebuilds the table last of all: the triggers come back then.
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers_again),
        migrations.RemoveConstraint(
            model_name="mark",
            name="one_mark_per_session",
        ),
        migrations.RemoveIndex(
            model_name="mark",
            name="registers_m_school__cb44e3_idx",
        ),
        migrations.AddConstraint(
            model_name="mark",
            constraint=models.UniqueConstraint(
                fields=("school", "date", "session", "pupil"), name="one_mark_per_session"
            ),
        ),
        migrations.RunPython(sqlite_triggers_again, migrations.RunPython.noop),
    ]
