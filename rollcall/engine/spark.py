"""The engine on an Apache Spark cluster: `analyse_spark` gives, from a Spark DataFrame of marks,
the frame `analyse` gives from a marks file, field for field (ADR 0020).

    from pyspark.sql import SparkSession
    from rollcall.engine.spark import analyse_spark

    spark = SparkSession.builder.master("spark://head:7077").getOrCreate()
    marks = spark.read.parquet("s3a://attendance/marks-2025.parquet")
    figures = analyse_spark(marks, as_of=date(2025, 7, 22))  # a Polars frame, one row a pupil

The marks have the columns of a marks file (school_urn, upn, date, session, code, and
optionally date_of_birth) with any of the types writers give them (engine.columns). Spark
moves every mark of a pupil, from every school, into one partition (repartition by UPN); each
partition's Arrow batches become a matrix on the fast road (engine.placing), or on any doubt the
careful road, which names every bad mark, and the pure engine (`analyse`) works out that
partition's pupils. Spark schedules the partitions; rollcall schedules nothing.

Beyond a pupil's own marks the engine needs only what is broadcast to every partition
(`Shared`): the days of the whole data (a school week the pupil's partition never saw is
still a week), each school's weeks with a session held (ADR 0012: a school's calendar comes from
all its pupils, not the partition's) and the dates: as-of, first and last. A pupil's date of
birth is on their own rows. pyspark is imported only here, and only by whoever calls this.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from rollcall import statutory
from rollcall.engine.analysis import COLUMNS as FRAME_COLUMNS
from rollcall.engine.analysis import analyse
from rollcall.engine.checking import (
    MAX_REPORTED,
    MarksInputError,
    Problem,
    dates,
    marks_from_table,
)
from rollcall.engine.codes import code_table
from rollcall.engine.columns import (
    COLUMNS,
    DATE_OF_BIRTH,
    Doubtful,
    day_numbers,
    header_problem,
    ignored_column,
)
from rollcall.engine.matrix import EPOCH, MarkMatrix, assemble, spread_over
from rollcall.engine.parquet import batch_of
from rollcall.engine.placing import Builder
from rollcall.engine.reading import dates_of_birth_from_table
from rollcall.engine.threshold import SchoolCalendar, ThresholdRule, school_calendar

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["Shared", "analyse_spark", "read_marks_spark", "spark_session"]

# A partition whose marks are refused says so in these columns, on rows without figures.
PROBLEM_WHERE, PROBLEM_REASON, PROBLEM_TOTAL = "problem_where", "problem_reason", "problem_total"
SPARK_TYPES = {
    pa.string(): "string",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.date32(): "date",
}
ROW = "__rollcall_row"  # each mark's place in the data, carried through the shuffle
# (school_urn, day, code) seen in the data, each once per batch: every school's calendar.
SCHOOL_DAYS = "school_urn string, day int, code string"


@dataclass(frozen=True)
class Shared:
    """What every partition needs beyond its own pupils' marks, broadcast once to each executor."""

    days: np.ndarray  # datetime64[D]: every day with a mark in the whole data, ascending
    calendar: SchoolCalendar  # per school: the weeks in which it held a session (ADR 0012)
    as_of: dt.date
    first: dt.date | None
    last: dt.date | None


def spark_session(master: str) -> SparkSession:
    """A Spark session on `master` (`local[2]`, `spark://host:7077`, `yarn` ...). Run locally,
    Spark's Python workers are this interpreter, which has rollcall; a cluster's executors need
    rollcall shipped to them (docs/spark.md)."""
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # py4j says at length when each connection closes; only its warnings are news.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    spark = (
        SparkSession.builder.master(master)
        .appName("rollcall analyse")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read_marks_spark(spark: SparkSession, location: str) -> DataFrame:
    """A marks file (or a folder of Parquet parts, as Spark writes one) as a Spark DataFrame:
    Parquet with its writer's types, CSV as text. Every executor must be able to read it."""
    name = location.rstrip("/").lower()
    if name.endswith(".parquet"):
        return spark.read.parquet(location)
    if name.endswith(".csv"):
        header = spark.read.text(location).first()
        names = header[0].lstrip("\ufeff").split(",") if header else []
        schema = ", ".join(f"`{n.strip().strip(chr(34))}` string" for n in names)
        return spark.read.csv(location, header=True, schema=schema or None, mode="PERMISSIVE")
    raise MarksInputError([Problem(location, "the marks file must be .csv or .parquet")])


def analyse_spark(
    marks: DataFrame,
    *,
    as_of: dt.date | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    partitions: int | None = None,
) -> pl.DataFrame:
    """Every pupil's figures, as `analyse(read_marks(file), ...)` gives them, worked out on the
    cluster of `marks` (a Spark DataFrame of marks, columns as a marks file's). `partitions`
    sets how many groups of pupils Spark makes (default: as many as Spark's shuffle makes, which
    adaptive execution merges to its advisory size). Raises MarksInputError naming bad marks."""
    wanted = _marks_columns(marks.columns)
    marks = marks.select(*[f"`{name}`" for name in wanted])
    shared = _shared(marks, as_of=as_of, first=first, last=last)
    empty = analyse(_no_marks(), as_of=as_of, first=first, last=last)
    if shared is None:
        return empty
    schema = _output_schema(empty)
    handed = marks.sparkSession.sparkContext.broadcast(shared)
    from pyspark.sql import functions

    # Each mark's place in the data (for one file, its place in the file: Spark reads a file's
    # splits in order), so that each pupil's marks reach the engine in the order the file gives
    # them, whatever order the shuffle brings them in: a pupil's first school is the school of
    # their first mark in the file, as on one machine.
    marks = marks.withColumn(ROW, functions.monotonically_increasing_id())
    by_pupil = marks.repartition(partitions, "upn") if partitions else marks.repartition("upn")
    by_pupil = by_pupil.sortWithinPartitions("upn", ROW).drop(ROW)
    figures = by_pupil.mapInArrow(
        functools.partial(_partition_figures, handed, schema),
        ", ".join(f"`{f.name}` {SPARK_TYPES[f.type]}" for f in schema),
    )
    table = figures.toArrow()
    handed.unpersist()
    _raise_problems(table)
    frame = pl.from_arrow(table.drop_columns([PROBLEM_WHERE, PROBLEM_REASON, PROBLEM_TOTAL]))
    assert isinstance(frame, pl.DataFrame)
    return frame.cast(empty.schema).sort("upn").select(FRAME_COLUMNS)


def _marks_columns(found: list[str]) -> list[str]:
    problem = header_problem(list(found))
    if problem:
        raise MarksInputError([Problem("marks columns", problem)])
    return [name for name in found if not ignored_column(name)]


def _no_marks() -> MarkMatrix:
    none = np.zeros(0, dtype=np.int32)
    matrix, _ = assemble(
        pupil=none,
        school=none,
        day=none.astype(np.int64),
        is_pm=none.astype(np.int8),
        ids=none.astype(np.uint8),
        pupils=np.array([], dtype=object),
        schools=np.array([], dtype=object),
    )
    return matrix


def _output_schema(empty: pl.DataFrame) -> pa.Schema:
    fields = [
        pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
        for f in empty.to_arrow().schema
    ]
    fields += [
        pa.field(PROBLEM_WHERE, pa.string()),
        pa.field(PROBLEM_REASON, pa.string()),
        pa.field(PROBLEM_TOTAL, pa.int64()),
    ]
    return pa.schema(fields)


# --- what is broadcast ---------------------------------------------------------------------


def _shared(
    marks: DataFrame, *, as_of: dt.date | None, first: dt.date | None, last: dt.date | None
) -> Shared | None:
    """The days and schools' calendars of the whole data, from one pass over the marks where
    they lie (no shuffle of the marks): a few rows per school and day come back."""
    seen = marks.mapInArrow(_school_days, SCHOOL_DAYS).distinct().toArrow()
    if not seen.num_rows:
        return None
    day = seen.column("day").to_numpy().astype(np.int64)
    days = np.unique(day).astype("datetime64[D]")
    as_of = as_of or days[-1].astype(dt.date)
    calendar: SchoolCalendar = {}
    if statutory.on(as_of).threshold is not None:
        summary = _schools_matrix(seen.column("school_urn").to_pylist(), day, seen)
        calendar = school_calendar(
            summary, as_of=as_of, rule=ThresholdRule.national(summary, as_of)
        )
    return Shared(days=days, calendar=calendar, as_of=as_of, first=first, last=last)


def _school_days(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Per batch, each (school, day, code) once. A bad value leaves out its row: the pupils'
    pass refuses the marks, naming it."""
    for batch in batches:
        if not batch.num_rows:
            continue
        try:
            day = day_numbers(batch.column("date"))
            good = np.ones(batch.num_rows, dtype=bool)
        except (Doubtful, pa.ArrowException):
            day, bad = dates(pa.chunked_array([batch.column("date")]))
            good = ~bad
        try:
            school = pc.cast(_plain(batch.column("school_urn")), pa.string())
            code = pc.cast(_plain(batch.column("code")), pa.string())
        except pa.ArrowException:
            continue
        good &= school.is_valid().to_numpy(zero_copy_only=False)
        good &= code.is_valid().to_numpy(zero_copy_only=False)
        seen = pa.table({"school_urn": school, "day": pa.array(day, pa.int32()), "code": code})
        keys = ["school_urn", "day", "code"]
        yield from (
            seen.filter(pa.array(good)).group_by(keys).aggregate([]).select(keys).to_batches()
        )


def _plain(column: pa.Array) -> pa.Array:
    return column.dictionary_decode() if pa.types.is_dictionary(column.type) else column


def _schools_matrix(urns: list[str], day: np.ndarray, seen: pa.Table) -> MarkMatrix:
    """A matrix with a row for each (school, code) seen and a mark on each day it was seen:
    what `school_calendar` needs to find the schools' weeks, without anyone's marks."""
    codes = seen.column("code").to_pylist()
    pairs = [f"{urn} {code}" for urn, code in zip(urns, codes, strict=True)]
    pupils, pupil = np.unique(pairs, return_inverse=True)
    schools, school = np.unique(urns, return_inverse=True)
    days = (EPOCH + day).astype("datetime64[D]")
    table = code_table()
    segments = table.segment(days)
    ids = np.zeros(len(codes), dtype=np.uint8)
    code_of = np.array(codes, dtype=object)
    for code in set(codes):
        these = code_of == code
        ids[these] = table.encode(code, segments[these])
    matrix, _ = assemble(
        pupil=pupil.astype(np.int32),
        school=school.astype(np.int32),
        day=day,
        is_pm=np.zeros(len(codes), dtype=np.int8),
        ids=ids,
        pupils=pupils.astype(object),
        schools=schools.astype(object),
    )
    return matrix


# --- each partition ------------------------------------------------------------------------


def _partition_figures(
    handed: Any, schema: pa.Schema, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """The figures of one partition's pupils (every mark of each is here), or its problems."""
    shared: Shared = handed.value
    parts = [batch for batch in batches if batch.num_rows]
    if not parts:
        return
    table = pa.Table.from_batches(parts)
    describe = _describer(table)
    try:
        matrix = _partition_matrix(parts, table, describe)
        born = (
            dates_of_birth_from_table(table, describe)
            if DATE_OF_BIRTH in table.column_names
            else None
        )
    except MarksInputError as refused:
        yield _problems_batch(refused, schema)
        return
    frame = analyse(
        spread_over(matrix, shared.days),
        as_of=shared.as_of,
        first=shared.first,
        last=shared.last,
        dates_of_birth=born,
        calendar=shared.calendar,
    )
    out = frame.to_arrow()
    nothing = pa.nulls(out.num_rows)
    for name in (PROBLEM_WHERE, PROBLEM_REASON, PROBLEM_TOTAL):
        out = out.append_column(name, nothing)
    yield from out.cast(schema).to_batches()


def _partition_matrix(
    parts: list[pa.RecordBatch], table: pa.Table, describe: Callable[[int], str]
) -> MarkMatrix:
    """The fast road (engine.placing), or on any doubt the careful one, which names every bad
    mark (as read_marks does with a file)."""
    try:
        builder = Builder(table.num_rows)
        for part in parts:
            builder.place(batch_of(part))
        return builder.finish()
    except (Doubtful, pa.ArrowException):
        return marks_from_table(table, describe)


def _describer(table: pa.Table) -> Callable[[int], str]:
    """Names row i of a partition by its values: a DataFrame's rows have no numbers."""

    def describe(row: int) -> str:
        values = table.slice(row, 1).to_pylist()[0]
        return "mark " + " ".join(f"{name}={values[name]}" for name in COLUMNS)

    return describe


def _problems_batch(refused: MarksInputError, schema: pa.Schema) -> pa.RecordBatch:
    problems = refused.problems[:MAX_REPORTED]
    columns: dict[str, pa.Array] = {
        field.name: pa.nulls(len(problems), field.type) for field in schema
    }
    columns[PROBLEM_WHERE] = pa.array([p.where for p in problems], pa.string())
    columns[PROBLEM_REASON] = pa.array([p.reason for p in problems], pa.string())
    # The partition's total goes on its first row, so the totals add up over partitions.
    totals = [refused.total] + [0] * (len(problems) - 1)
    columns[PROBLEM_TOTAL] = pa.array(totals, pa.int64())
    return pa.record_batch(columns, schema=schema)


def _raise_problems(table: pa.Table) -> None:
    where = table.column(PROBLEM_WHERE)
    if where.null_count == len(where):
        return
    refused = table.filter(where.is_valid())
    problems = [
        Problem(w, r)
        for w, r in sorted(
            zip(
                refused.column(PROBLEM_WHERE).to_pylist(),
                refused.column(PROBLEM_REASON).to_pylist(),
                strict=True,
            )
        )
    ]
    total = sum(refused.column(PROBLEM_TOTAL).to_pylist())
    raise MarksInputError(problems, max(total, len(problems)))
