"""Fast insertion of new marks: a register's 30 as rows (marks_insert), a school's year as a
frame (marks_insert_frame).

The ORM's bulk_create spends about 100 microseconds a row building model instances; a school's
year of marks is ~600,000 rows. Callers validate every row first (registers.services).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import polars as pl
from django.db import connection

from rollcall.registers.models import Mark

COLUMNS = (
    "school_id",
    "pupil_id",
    "date",
    "session",
    "code",
    "original_code",
    "minutes_late",
    "recorded_at",
    "recorded_by_id",
    "source",
)

Row = tuple[int, int, dt.date, str, str, str, int | None, dt.datetime, int | None, str]


def marks_insert(rows: Sequence[Row]) -> None:
    """Insert new marks. A mark that breaks a constraint (one_mark_per_session) raises
    django.db.IntegrityError on SQLite and PostgreSQL alike."""
    if not rows:
        return
    table = Mark._meta.db_table
    # Table and column names are constants from this module, never input.
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY costs the least CPU, on both sides, even for a register's 30 marks.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "sqlite":
            # Store dates and times exactly as Django would (UTC text), converting each
            # distinct value once: a register's rows share one date and one time.
            adapt_time = connection.ops.adapt_datetimefield_value
            days = {day: day.isoformat() for day in {row[2] for row in rows}}
            times = {at: str(adapt_time(at)) for at in {row[7] for row in rows}}
            cursor.executemany(
                _INSERT,
                [
                    (school, pupil, days[day], session, code, original, late, times[at], by, source)
                    for school, pupil, day, session, code, original, late, at, by, source in rows
                ],
            )
        else:
            cursor.executemany(_INSERT, rows)


_INSERT = (
    f"INSERT INTO {Mark._meta.db_table} ({', '.join(COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)


def marks_insert_frame(
    frame: pl.DataFrame,
    *,
    school_id: int,
    pupil_ids: Mapping[str, int],
    recorded_at: dt.datetime,
    recorded_by_id: int | None,
    source: str,
    batch_size: int = 50_000,
) -> None:
    """Insert checked new marks for one school from a frame of upn, date, session, code,
    minutes_late and recorded_at (registers.services.mark_columns.NEW_SCHEMA).

    The database parses each batch itself, in one statement: SQLite reads it as JSON, PostgreSQL
    as CSV through COPY. Binding half a million rows value by value from Python cost more than
    the database's own work. A mark's own recorded_at, when it has one, wins."""
    if frame.is_empty():
        return
    pupils = pl.DataFrame(
        {"upn": list(pupil_ids), "pupil_id": list(pupil_ids.values())},
        schema={"upn": pl.String, "pupil_id": pl.Int64},
    )
    rows = frame.join(pupils, on="upn", how="left")
    unknown = rows.filter(pl.col("pupil_id").is_null())["upn"]
    if len(unknown):
        raise ValueError(f"no pupil at the school has the UPN {unknown[0]}")
    # In the order of one_mark_per_session, the larger of the two indexes on marks, so that it
    # grows in runs rather than at random places.
    rows = rows.sort("date", "session", "pupil_id")
    rows = rows.with_columns(_times_as_text(rows["recorded_at"].fill_null(recorded_at)))
    if connection.vendor == "sqlite":
        _sqlite_insert_json(rows, school_id, recorded_by_id, source, batch_size)
    elif connection.vendor == "postgresql":
        _postgresql_copy_csv(rows, school_id, recorded_by_id, source, batch_size)
    else:
        marks_insert(
            [
                (school_id, pupil, day, session, code, code, late, at, recorded_by_id, source)
                for pupil, day, session, code, late, at in rows.select(
                    "pupil_id", "date", "session", "code", "minutes_late", "recorded_at"
                ).iter_rows()
            ]
        )


def _times_as_text(times: pl.Series) -> pl.Series:
    """Each distinct time as the database backend stores it, converted once: a push has one
    time, a loaded history a few hundred."""
    distinct = times.unique().to_list()
    adapt = connection.ops.adapt_datetimefield_value
    text = [str(adapt(at)) for at in distinct]
    return times.replace_strict(distinct, text, return_dtype=pl.String).alias("recorded_at")


_INSERT_FROM_JSON = (
    f"INSERT INTO {Mark._meta.db_table} ({', '.join(COLUMNS)}) "  # noqa: S608
    "SELECT %s, json_extract(value, '$.pupil_id'), json_extract(value, '$.date'), "
    "json_extract(value, '$.session'), json_extract(value, '$.code'), "
    "json_extract(value, '$.code'), json_extract(value, '$.minutes_late'), "
    "json_extract(value, '$.recorded_at'), %s, %s FROM json_each(%s)"
)


def _sqlite_insert_json(
    rows: pl.DataFrame, school_id: int, recorded_by_id: int | None, source: str, batch_size: int
) -> None:
    columns = rows.select("pupil_id", "date", "session", "code", "minutes_late", "recorded_at")
    with connection.cursor() as cursor:
        for batch in columns.iter_slices(batch_size):
            cursor.execute(
                _INSERT_FROM_JSON, [school_id, recorded_by_id, source, batch.write_json()]
            )


def _postgresql_copy_csv(
    rows: pl.DataFrame, school_id: int, recorded_by_id: int | None, source: str, batch_size: int
) -> None:
    columns = rows.select(
        pl.lit(school_id, pl.Int64).alias("school_id"),
        "pupil_id",
        "date",
        "session",
        "code",
        pl.col("code").alias("original_code"),
        "minutes_late",
        "recorded_at",
        pl.lit(recorded_by_id, pl.Int64).alias("recorded_by_id"),
        pl.lit(source, pl.String).alias("source"),
    )
    table = Mark._meta.db_table
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)") as copy,
    ):
        for batch in columns.iter_slices(batch_size):
            # An empty field is NULL in COPY's CSV; no text column of a mark is ever empty.
            copy.write(batch.write_csv(include_header=False))
