"""`rollcall analyse`: per-pupil attendance figures and the national threshold."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.analytics.source import (
    analysis_matrix,
    dates_of_birth_from_database,
    history_from_database,
)
from rollcall.core.progress import on_terminal, progress_bar
from rollcall.engine import FIELDS, MarksInputError, analyse, read_marks
from rollcall.engine.reading import read_dates_of_birth
from rollcall.engine.store import StoreError, store_load


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"dates must be in the form YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Per-pupil figures (possible, present, AEA, authorised, unauthorised and not-counted "
        "sessions, attendance and absence %, persistent and severe absence) and the national "
        "threshold, from a long-format marks file (CSV or Parquet: "
        "school_urn,upn,date,session,code) or, without MARKS, from rollcall's records."
    )
    # Analysts and scripts run this often on files: Django's system checks (which import every
    # view through the URLs) would add most of a second to each run and check nothing it uses.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("marks", nargs="?", type=Path, help="a .csv or .parquet marks file")
        parser.add_argument("--as-of", type=_date, help="default: the last date in the data")
        parser.add_argument("--from", dest="first", type=_date, help="first date of the figures")
        parser.add_argument("--to", dest="last", type=_date, help="last date of the figures")
        parser.add_argument(
            "--format",
            choices=("csv", "json", "parquet"),
            default="csv",
            help="parquet keeps dates, booleans and numbers typed (needs --output)",
        )
        parser.add_argument("--output", type=Path, help="write here instead of standard output")
        parser.add_argument(
            "--store", type=Path, help="read this analysis store directory instead of a file"
        )
        parser.add_argument(
            "--spark",
            metavar="MASTER",
            help="work out MARKS on this Apache Spark cluster (local[2], spark://host:7077, "
            "yarn ...): needs rollcall[spark] and Java; see docs/spark.md",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if options["format"] == "parquet" and not options["output"]:
            raise CommandError("--format parquet writes a file: give it with --output PATH")
        if first and last and first > last:
            raise CommandError(f"--from {first} is after --to {last}")
        history = None
        # Without dates of birth no age rule is applied (school_age_checked says so).
        dates_of_birth = None
        if options["spark"]:
            frame = self._on_spark(options)
            self._write(frame.select(FIELDS), options["format"], options["output"])
            return
        try:
            if options["marks"]:
                shown = on_terminal(self.stdout, self.stderr)
                with progress_bar(f"Reading {options['marks'].name}", shown=shown) as progress:
                    matrix = read_marks(options["marks"], progress)
                dates_of_birth = read_dates_of_birth(options["marks"])
            elif options["store"]:
                matrix = store_load(options["store"])
            else:
                matrix = analysis_matrix()
                history = history_from_database()  # the threshold counts earlier schools
                dates_of_birth = dates_of_birth_from_database()
        except MarksInputError as exc:
            raise CommandError(f"nothing was analysed:\n{exc}") from None
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        frame = analyse(
            matrix,
            as_of=options["as_of"],
            first=first,
            last=last,
            history=history,
            dates_of_birth=dates_of_birth,
        )
        self._write(frame.select(FIELDS), options["format"], options["output"])

    def _on_spark(self, options: dict[str, Any]) -> pl.DataFrame:
        if not options["marks"]:
            raise CommandError("--spark works out a marks file: give MARKS")
        if importlib.util.find_spec("pyspark") is None:
            raise CommandError(
                "--spark needs PySpark: pip install 'rollcall[spark]' (docs/spark.md)"
            )
        from rollcall.engine.spark import analyse_spark, read_marks_spark, spark_session

        if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
            raise CommandError("--spark needs Java 17 or later (apt install default-jre-headless)")
        spark = spark_session(options["spark"])
        try:
            marks = read_marks_spark(spark, str(options["marks"]))
            return analyse_spark(
                marks, as_of=options["as_of"], first=options["first"], last=options["last"]
            )
        except MarksInputError as exc:
            raise CommandError(f"nothing was analysed:\n{exc}") from None

    def _write(self, frame: pl.DataFrame, fmt: str, output: Path | None) -> None:
        if fmt == "parquet":
            assert output is not None  # handle() insists on it
            frame.write_parquet(output)
            self.stderr.write(f"Wrote figures for {frame.height:,} pupils to {output}")
            return
        frame = frame.with_columns(
            pl.col("threshold_met_on").dt.strftime("%Y-%m-%d"),
            pl.col("persistent_absence").cast(pl.String).str.to_lowercase(),
            pl.col("severe_absence").cast(pl.String).str.to_lowercase(),
            pl.col("threshold_provisional").cast(pl.String).str.to_lowercase(),
            pl.col("school_age_checked").cast(pl.String).str.to_lowercase(),
        )
        if fmt == "json":
            frame = frame.with_columns(
                pl.col("persistent_absence") == "true",
                pl.col("severe_absence") == "true",
                pl.col("threshold_provisional") == "true",
                pl.col("school_age_checked") == "true",
            )
            text = frame.write_json()
        else:
            text = frame.write_csv(float_precision=2)
        if output:
            output.write_text(text)
            self.stderr.write(f"Wrote figures for {frame.height:,} pupils to {output}")
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
