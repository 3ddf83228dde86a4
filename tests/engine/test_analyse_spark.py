"""`rollcall analyse MARKS --spark MASTER` and `engine.spark.analyse_spark`: the engine on a
Spark cluster (here `local[2]`, PySpark from PyPI on the machine's Java) gives every pupil the
figures the single-machine engine gives, field for field, from CSV and from Parquet.

Spark needs Java: without `java` these tests are skipped, saying so, except when CI=true,
where .ci/run installs it and its absence fails them. One Spark session serves the module."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import os
import random
import shutil
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rollcall.engine import MarksInputError, analyse, read_marks
from rollcall.engine.reading import read_dates_of_birth
from rollcall.statutory.upn import upn_make
from tests.engine.marks import run_analyse

SCHOOLS = ["100001", "100002", "100003", "100004"]
TERM_START = dt.date(2025, 1, 6)  # a Monday
WEEKS = 12
HALF_TERM = 6  # the week of the term no school opens
GAP_WEEK = 4  # the week between schools of the pupils who move
PRESENT = {"AM": "/", "PM": "\\"}
ABSENT = ["O", "G", "U", "N", "I", "M", "L", "R", "E"]


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


@pytest.fixture(scope="module")
def spark():
    if importlib.util.find_spec("pyspark") is None:
        pytest.fail("PySpark is not installed: make install installs rollcall[spark]")
    if _java() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is not installed; .ci/run installs it with apt")
        pytest.skip("Java is not installed (apt install default-jre-headless): no Spark tests")
    from rollcall.engine.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def _weekdays(week: int) -> list[dt.date]:
    monday = TERM_START + dt.timedelta(weeks=week)
    return [monday + dt.timedelta(days=d) for d in range(5)]


def _world() -> list[dict[str, str]]:
    """Four schools over a term with a half-term: pupils who stay, pupils who move school
    mid-term (a week on no school's roll between), a pupil who meets the national threshold,
    Reception children who reach compulsory school age mid-term, pupils with weeks without
    any mark at their school; every row with the pupil's date of birth."""
    rng = random.Random(20250106)
    rows: list[dict[str, str]] = []

    def mark(urn: str, upn: str, born: dt.date, day: dt.date, session: str, code: str) -> None:
        rows.append(
            {
                "school_urn": urn,
                "upn": upn,
                "date": day.isoformat(),
                "session": session,
                "code": code,
                "date_of_birth": born.isoformat(),
            }
        )

    for serial in range(1, 33):
        upn = upn_make("989", "1234", 20, serial)
        # Some in Reception (compulsory school age from the term after their fifth birthday).
        born = dt.date(2019, 11, 20) if serial % 7 == 0 else dt.date(2015, 3, 1 + serial % 28)
        first = SCHOOLS[serial % 4]
        later = SCHOOLS[(serial + 1) % 4] if serial % 5 == 0 else first
        truant = serial in (3, 17)  # unauthorised absence enough to meet the threshold
        for week in range(WEEKS):
            if week == HALF_TERM or (later != first and week == GAP_WEEK):
                continue
            if serial % 6 == 1 and week == 9:
                continue  # no mark that week, while the school is open
            urn = first if later == first or week < GAP_WEEK else later
            for day in _weekdays(week):
                for session in ("AM", "PM"):
                    chance = 0.5 if truant and week in (2, 3, 7) else 0.08
                    code = rng.choice(ABSENT) if rng.random() < chance else PRESENT[session]
                    if truant and week in (2, 3, 7) and code in ("I", "M", "L", "R", "E"):
                        code = "O"
                    mark(urn, upn, born, day, session, code)
    return rows


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spark-marks")
    rows = _world()
    path = folder / "marks.csv"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    # Parquet as Polars writes it: integer URNs, categorical codes, dates as dates.
    parquet = folder / "marks.parquet"
    pl.read_csv(path, schema_overrides={"school_urn": pl.Int32, "upn": pl.String}).with_columns(
        pl.col("date").str.to_date(),
        pl.col("date_of_birth").str.to_date(),
        pl.col("session").cast(pl.Categorical),
        pl.col("code").cast(pl.Categorical),
    ).write_parquet(parquet)
    # A pupil registered at two schools from the same week: which is their first school is
    # the file's order (ADR 0012), and it decides their school weeks. Here the file gives the
    # main school's marks first, from Tuesday, then the other school's, from Monday.
    dual = folder / "dual.csv"
    with dual.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + _dual_registered(main_first=True))
    return {"csv": path, "parquet": parquet, "dual": dual}


DUAL_UPN = upn_make("989", "1234", 20, 99)


def _dual_registered(*, main_first: bool) -> list[dict[str, str]]:
    """A pupil at SCHOOLS[0] (absent without leave all the first week) and dual registered at
    a fifth school (D), both from the first week; no marks anywhere in week 9, while
    SCHOOLS[0] is open."""
    main: list[dict[str, str]] = []
    other: list[dict[str, str]] = []
    for week in range(WEEKS):
        if week in (HALF_TERM, 9):
            continue
        for day in _weekdays(week):
            for session in ("AM", "PM"):
                at = {"upn": DUAL_UPN, "date": day.isoformat(), "session": session}
                at["date_of_birth"] = "2015-03-01"
                if not (week == 0 and day.weekday() == 0):
                    code = "O" if week == 0 else PRESENT[session]
                    main.append({"school_urn": SCHOOLS[0], **at, "code": code})
                other.append({"school_urn": "100005", **at, "code": "D"})
    keys = ["school_urn", "upn", "date", "session", "code", "date_of_birth"]
    ordered = main + other if main_first else other + main
    return [{key: row[key] for key in keys} for row in ordered]


def _single_machine(path: Path, **dates: dt.date) -> pl.DataFrame:
    return analyse(read_marks(path), dates_of_birth=read_dates_of_birth(path), **dates)


def _same(found: pl.DataFrame, expected: pl.DataFrame) -> None:
    assert found.columns == expected.columns
    assert found.schema == expected.schema
    assert found.to_dicts() == expected.to_dicts()


def test_the_world_has_what_the_comparison_needs(files):
    """Movers, a pupil meeting the threshold and pupils not yet of compulsory school age."""
    frame = _single_machine(files["csv"])
    marks = pl.read_csv(files["csv"], schema_overrides={"school_urn": pl.String})
    schools_per_pupil = marks.group_by("upn").agg(pl.col("school_urn").n_unique())
    assert (schools_per_pupil["school_urn"] == 2).sum() >= 5
    assert frame["threshold_occasions"].sum() >= 2
    assert frame["school_age_checked"].all()
    assert frame.height == 32


@pytest.mark.parametrize("flavour", ["csv", "parquet"])
def test_spark_gives_every_pupil_the_single_machine_figures(spark, files, flavour):
    from rollcall.engine.spark import analyse_spark, read_marks_spark

    marks = read_marks_spark(spark, str(files[flavour]))
    # Many small partitions: most hold a pupil or two, so a partition alone would miss days
    # and school weeks its pupils' schools had.
    found = analyse_spark(marks, partitions=12)
    _same(found, _single_machine(files["csv"]))


def test_spark_takes_each_pupils_marks_in_the_files_order(spark, files, tmp_path):
    from rollcall.engine.spark import analyse_spark, read_marks_spark

    # On one machine the order decides the dual-registered pupil's school weeks.
    other_first = tmp_path / "other-first.csv"
    rows = list(csv.DictReader(files["dual"].open()))
    rows = [row for row in rows if row["upn"] != DUAL_UPN] + _dual_registered(main_first=False)
    with other_first.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    as_of = {"as_of": dt.date(2025, 3, 28)}
    expected = _single_machine(files["dual"], **as_of)
    pupil = pl.col("upn") == DUAL_UPN
    assert not expected.filter(pupil).equals(_single_machine(other_first, **as_of).filter(pupil))

    marks = read_marks_spark(spark, str(files["dual"]))
    _same(analyse_spark(marks, partitions=12, **as_of), expected)


def test_spark_takes_the_as_of_date_and_the_period(spark, files):
    from rollcall.engine.spark import analyse_spark, read_marks_spark

    dates = {
        "as_of": dt.date(2025, 3, 7),
        "first": dt.date(2025, 1, 20),
        "last": dt.date(2025, 2, 28),
    }
    marks = read_marks_spark(spark, str(files["parquet"]))
    found = analyse_spark(marks, partitions=5, **dates)
    _same(found, _single_machine(files["parquet"], **dates))


def test_spark_refuses_bad_marks_naming_each(spark, tmp_path):
    from rollcall.engine.spark import analyse_spark

    upn = upn_make("989", "1234", 20, 1)
    table = pa.table(
        {
            "school_urn": ["100001", "100001", "100001"],
            "upn": [upn, upn, "A12345678901X"],
            "date": ["2025-01-06", "2025-02-30", "2025-01-06"],
            "session": ["AM", "AM", "PM"],
            "code": ["/", "/", "ZZ"],
        }
    )
    pq.write_table(table, tmp_path / "bad.parquet")
    marks = spark.read.parquet(str(tmp_path / "bad.parquet"))
    with pytest.raises(MarksInputError) as refused:
        analyse_spark(marks, partitions=2)
    message = str(refused.value)
    assert f"upn={upn} date=2025-02-30" in message
    assert "upn=A12345678901X" in message
    assert "'ZZ'" in message or "ZZ" in message.split("upn=A12345678901X")[1]


def test_the_command_writes_with_spark_what_it_writes_without(spark, files, tmp_path):
    plain = run_analyse(files["csv"], "--as-of", "2025-03-28", "--format", "json")
    on_spark = run_analyse(
        files["parquet"],
        "--as-of",
        "2025-03-28",
        "--format",
        "json",
        "--spark",
        "local[2]",
    )
    assert on_spark.returncode == 0, on_spark.stderr
    assert on_spark.stdout == plain.stdout
