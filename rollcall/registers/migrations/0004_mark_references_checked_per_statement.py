"""Register marks' references to their school, pupil and recorder are checked once per statement.

A foreign key checks and locks its parent row once for every mark written; a push of 100,000
marks spends longer on that than on writing them (ADR 0008). The foreign-key constraints are
dropped, with the unused index on recorded_by_id, and triggers keep the same guarantees:

- a statement adding marks fails (IntegrityError) if any mark names a school, pupil or
  recording user that does not exist. On PostgreSQL one statement-level trigger looks at all
  the new marks at once and locks each parent row once (FOR KEY SHARE, as a foreign key does);
  SQLite has no statement-level triggers, so there a row-level trigger checks each mark;
- a mark never moves to another school, pupil or recorder: only its code is amended;
- on PostgreSQL only, a school, pupil or user that marks refer to cannot be deleted or given
  another id. SQLite gets no such guard: Django empties SQLite tables with DELETE when a test
  database or the demo is reset (core 0002), while on PostgreSQL it uses TRUNCATE, which row
  triggers do not see. The models' on_delete=PROTECT still refuses such deletes on both.

Checks run at the end of each statement, not at COMMIT as Django's deferred foreign keys did.
On SQLite, a later migration that rebuilds registers_mark (most AlterFields on Mark) drops its
triggers with the old table, and must create them again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (column of registers_mark, the table it refers to by id)
REFERENCES = (
    ("school_id", "organisations_school"),
    ("pupil_id", "pupils_pupil"),
    ("recorded_by_id", "auth_user"),
)

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER registers_mark_references_exist BEFORE INSERT ON registers_mark
    WHEN NOT EXISTS (SELECT 1 FROM organisations_school WHERE id = NEW.school_id)
      OR NOT EXISTS (SELECT 1 FROM pupils_pupil WHERE id = NEW.pupil_id)
      OR (NEW.recorded_by_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM auth_user WHERE id = NEW.recorded_by_id))
    BEGIN
      SELECT RAISE(ABORT, 'rollcall: a register mark must refer to an existing school, pupil and recording user');
    END;
    """,
    """
    CREATE TRIGGER registers_mark_never_moves
    BEFORE UPDATE OF school_id, pupil_id, recorded_by_id ON registers_mark
    WHEN OLD.school_id IS NOT NEW.school_id
      OR OLD.pupil_id IS NOT NEW.pupil_id
      OR OLD.recorded_by_id IS NOT NEW.recorded_by_id
    BEGIN
      SELECT RAISE(ABORT, 'rollcall: a register mark cannot move to another school, pupil or recorder; amend its code instead');
    END;
    """,
)

POSTGRESQL_TRIGGERS = (
    # The new marks' distinct references are gathered in one pass over them. Each parent row
    # is then locked once, as a foreign key locks it for every mark, so that it cannot be
    # deleted or renumbered until this transaction ends; and any that is missing is reported.
    # Each statement takes a fresh snapshot, so a delete committed while a lock was awaited is
    # seen.
    """
    CREATE OR REPLACE FUNCTION registers_mark_check_references() RETURNS trigger AS $$
    DECLARE
      schools bigint[];
      pupils bigint[];
      users bigint[];
      missing bigint;
    BEGIN
      SELECT array_agg(school_id), array_agg(pupil_id), array_agg(recorded_by_id)
        INTO schools, pupils, users
        FROM (SELECT DISTINCT school_id, pupil_id, recorded_by_id FROM added) AS referenced;

      PERFORM 1 FROM organisations_school WHERE id = ANY (schools) FOR KEY SHARE;
      PERFORM 1 FROM pupils_pupil WHERE id = ANY (pupils) FOR KEY SHARE;
      PERFORM 1 FROM auth_user WHERE id = ANY (users) FOR KEY SHARE;

      SELECT s INTO missing FROM unnest(schools) AS s
        WHERE NOT EXISTS (SELECT 1 FROM organisations_school WHERE id = s) LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'rollcall: registers_mark.school_id % refers to no organisations_school', missing
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      SELECT p INTO missing FROM unnest(pupils) AS p
        WHERE NOT EXISTS (SELECT 1 FROM pupils_pupil WHERE id = p) LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'rollcall: registers_mark.pupil_id % refers to no pupils_pupil', missing
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      SELECT u INTO missing FROM unnest(users) AS u
        WHERE u IS NOT NULL AND NOT EXISTS (SELECT 1 FROM auth_user WHERE id = u) LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'rollcall: registers_mark.recorded_by_id % refers to no auth_user', missing
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER registers_mark_references_exist AFTER INSERT ON registers_mark
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION registers_mark_check_references();
    """,
    """
    CREATE OR REPLACE FUNCTION registers_mark_refuse_move() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'rollcall: register mark % cannot move to another school, pupil or recorder; amend its code instead', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER registers_mark_never_moves
    BEFORE UPDATE OF school_id, pupil_id, recorded_by_id ON registers_mark
    FOR EACH ROW WHEN (
      OLD.school_id IS DISTINCT FROM NEW.school_id
      OR OLD.pupil_id IS DISTINCT FROM NEW.pupil_id
      OR OLD.recorded_by_id IS DISTINCT FROM NEW.recorded_by_id
    )
    EXECUTE FUNCTION registers_mark_refuse_move();
    """,
    # The parents' side. TG_ARGV[0] names the column of registers_mark that refers to the table.
    """
    CREATE OR REPLACE FUNCTION registers_mark_refuse_orphans() RETURNS trigger AS $$
    DECLARE
      referenced boolean;
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.id IS NOT DISTINCT FROM OLD.id THEN
        RETURN NEW;
      END IF;
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM registers_mark WHERE %I = $1)', TG_ARGV[0])
        INTO referenced USING OLD.id;
      IF referenced THEN
        RAISE EXCEPTION 'rollcall: % of %.id % refused: register marks refer to it (registers_mark.%)',
          TG_OP, TG_TABLE_NAME, OLD.id, TG_ARGV[0]
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    *(
        f"CREATE TRIGGER registers_mark_refs_{column} BEFORE DELETE OR UPDATE OF id ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION registers_mark_refuse_orphans('{column}');"
        for column, table in REFERENCES
    ),
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for sql in POSTGRESQL_TRIGGERS:
            schema_editor.execute(sql, None)  # no parameters: the % signs belong to plpgsql


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS registers_mark_references_exist")
        schema_editor.execute("DROP TRIGGER IF EXISTS registers_mark_never_moves")
    elif vendor == "postgresql":
        for column, table in REFERENCES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS registers_mark_refs_{column} ON {table}")
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS registers_mark_references_exist ON registers_mark"
        )
        schema_editor.execute("DROP TRIGGER IF EXISTS registers_mark_never_moves ON registers_mark")
        for function in ("check_references", "refuse_move", "refuse_orphans"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS registers_mark_{function}()")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_school_address"),
        ("pupils", "0001_initial"),
        ("registers", "0003_marks_without_redundant_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="mark",
            name="pupil",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="marks",
                to="pupils.pupil",
            ),
        ),
        migrations.AlterField(
            model_name="mark",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="mark",
            name="school",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="marks",
                to="organisations.school",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
