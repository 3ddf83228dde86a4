"""The characteristics cohorts are built from, for every pupil a user may see, read in one query.

A local authority has 250,000 pupils: turning each of their rows into Python objects takes
seconds, so the rows come as columns (on PostgreSQL by COPY, parsed by Arrow) and the labels
and this year's year group are worked out over whole columns with Polars.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

from rollcall.organisations.models import School, Trust
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.services import YEAR_GROUPS
from rollcall.statutory.years import school_year_start

COLUMNS = (
    "upn",
    "school_urn",
    "trust",
    "year_group",
    "admitted_on",
    "sex",
    "sen_provision",
    "free_school_meals",
    "english_additional_language",
    "looked_after",
    "child_in_need",
)
SEX_LABELS = dict(Pupil.Sex.choices)
SEN_LABELS = dict(Pupil.SenProvision.choices)
_FLAGS = ("free_school_meals", "english_additional_language", "looked_after", "child_in_need")


def _sql(school_ids: list[int], on: dt.date) -> str:
    # Only integers from the database and a date go into the statement: COPY takes no
    # parameters, and these need no quoting beyond the date's.
    ids = ", ".join(str(int(pk)) for pk in school_ids)
    flags = ", ".join(f"CASE WHEN p.{name} THEN 'Yes' ELSE 'No' END" for name in _FLAGS)
    return (
        f"SELECT p.upn, s.urn, COALESCE(t.name, 'No trust'), e.year_group, "  # noqa: S608
        f"CAST(e.admitted_on AS TEXT), p.sex, p.sen_provision, {flags} "
        f"FROM {Enrolment._meta.db_table} e "
        f"JOIN {Pupil._meta.db_table} p ON p.id = e.pupil_id "
        f"JOIN {School._meta.db_table} s ON s.id = e.school_id "
        f"LEFT JOIN {Trust._meta.db_table} t ON t.id = s.trust_id "
        f"WHERE e.school_id IN ({ids}) AND e.admitted_on <= '{on.isoformat()}'"
    )


def _rows(sql: str) -> pl.DataFrame:
    schema = {name: pl.String for name in COLUMNS}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = io.BytesIO()
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy,
            ):
                for block in copy:
                    text.write(block)
            if not text.tell():
                return pl.DataFrame(schema=schema)
            table = pa_csv.read_csv(
                pa.py_buffer(text.getvalue()),
                read_options=pa_csv.ReadOptions(column_names=list(COLUMNS)),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(COLUMNS, pa.string()),
                    strings_can_be_null=False,
                ),
            )
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            return frame
        cursor.execute(sql)
        return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def characteristics_frame(*, school_ids: list[int], on: dt.date) -> pl.DataFrame:
    """One row per pupil and school (the latest enrolment there as of `on`), with the labels
    people read: as analytics.selectors.characteristics."""
    frame = (
        _rows(_sql(school_ids, on))
        if school_ids
        else pl.DataFrame(schema={name: pl.String for name in COLUMNS})
    )
    # The latest enrolment at each school stands for the pupil there (sorted here: sorting
    # 250,000 rows costs PostgreSQL more than Polars).
    frame = frame.sort(["upn", "school_urn", "admitted_on"], descending=[False, False, True])
    frame = frame.unique(subset=["upn", "school_urn"], keep="first", maintain_order=True)
    # One year up for each school year since admission (selectors.year_group_on), worked out
    # for each distinct admission date, then over the column.
    this_year = school_year_start(on).year
    dates = frame.get_column("admitted_on").unique().to_list()
    years_since = {
        day: this_year - school_year_start(dt.date.fromisoformat(day)).year for day in dates
    }
    position = {group: index for index, group in enumerate(YEAR_GROUPS)}
    known = pl.col("year_group").is_in(list(YEAR_GROUPS))
    moved = (
        pl.col("year_group").replace_strict(position, default=0, return_dtype=pl.Int64)
        + pl.col("admitted_on").replace_strict(years_since, default=0, return_dtype=pl.Int64)
    ).clip(0, len(YEAR_GROUPS) - 1)
    by_position = dict(enumerate(YEAR_GROUPS))
    return frame.with_columns(
        pl.when(known)
        .then(moved.replace_strict(by_position, return_dtype=pl.String))
        .otherwise(pl.col("year_group"))
        .alias("year_group"),
        pl.col("sex").replace(SEX_LABELS),
        pl.col("sen_provision").replace(SEN_LABELS),
    ).drop("admitted_on")
