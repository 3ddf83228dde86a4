"""Building the analysis store from a local authority's PostgreSQL database.

The first time an analyst opens the dashboards (or runs `rollcall analyse` without a file),
rollcall builds its analysis store from every mark in the database
(analytics.source.matrix_from_database: COPY as CSV, a temporary Parquet file a block at a time,
the engine's fast road). This loads the LA-year marks (benchmarks/la_year.py's file, made by
the demo generator; generated if missing) into a fresh PostgreSQL database — its schools,
made-up pupil rows and every mark, through COPY and the marks' reference trigger — then builds
the store in a fresh process and reports its time and peak memory, and checks that every
pupil's figures from the store equal those from the file.

BENCH_STORE_PUPILS (default 250000) sets the size of the world, as BENCH_PUPILS does for
la_year. BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/bench_store) names the
database, which is dropped and created afresh; the benchmark is skipped if it is unreachable.
The database takes about 150 bytes a mark on disk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._postgres import postgres_recreated

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_store")


def main() -> None:
    from benchmarks import la_year

    pupils = int(os.environ.get("BENCH_STORE_PUPILS", "250000"))
    name = "la-year.parquet" if pupils == 250_000 else f"la-year-{pupils}.parquet"
    la_year.BENCH.mkdir(parents=True, exist_ok=True)
    parquet = la_year.BENCH / name
    la_year._ensure_data(parquet, pupils)
    if not postgres_recreated(PG_URL):
        print(f"PostgreSQL at {PG_URL} is not reachable: skipped")
        return
    with tempfile.TemporaryDirectory(prefix="store-build-", dir=la_year.BENCH) as work:
        _child("load", parquet, Path(work))
        _child("build", parquet, Path(work))
        _child("agree", parquet, Path(work))


def _child(step: str, parquet: Path, work: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "DJANGO_SETTINGS_MODULE": "rollcall.settings",
        "ROLLCALL_STORE_DIR": str(work / "store"),
    }
    code = f"from benchmarks.store_build import {step}; {step}({str(parquet)!r})"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"   ({step}: process {time.perf_counter() - started:.1f} s; the largest child so "
        f"far peaked at {peak_mb:,.0f} MB)",
        flush=True,
    )


def load(parquet: str) -> None:
    """Schools, made-up pupil rows and every mark of the file, into a migrated database."""
    import django

    django.setup()
    import polars as pl
    import pyarrow.parquet as pq
    from django.core.management import call_command
    from django.db import connection, transaction

    from rollcall.organisations.models import School
    from rollcall.organisations.services import local_authority_create, school_create
    from rollcall.pupils.models import Pupil

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    marks = pq.ParquetFile(parquet)
    urns = sorted(pl.scan_parquet(parquet).select("school_urn").unique().collect()["school_urn"])
    upns = pl.scan_parquet(parquet).select("upn").unique().collect()["upn"].sort()
    with transaction.atomic():
        la = local_authority_create(actor=None, code="989", name="Benchmark Borough Council")
        for number, urn in enumerate(urns):
            school_create(
                actor=None,
                urn=urn,
                name=f"Benchmark School {number + 1}",
                local_authority=la,
                establishment_number=f"{2000 + number}",
                phase="primary",
                on=dt.date(2024, 9, 1),
            )
    pupils = pl.DataFrame({"upn": upns}).with_columns(
        pl.lit("Pupil").alias("legal_forename"),
        pl.lit("Benchmark").alias("legal_surname"),
        pl.lit("").alias("preferred_forename"),
        pl.lit("2015-05-01").alias("date_of_birth"),
        pl.lit("F").alias("sex"),
        pl.lit("N").alias("sen_provision"),
        *(pl.lit("f").alias(flag) for flag in _PUPIL_FLAGS),
        pl.lit("").alias("social_worker_name"),
        pl.lit("").alias("social_worker_contact"),
    )
    _copy(Pupil._meta.db_table, pupils)
    school_ids = dict(School.objects.values_list("urn", "id"))
    pupil_ids = dict(Pupil.objects.values_list("upn", "id"))
    schools = pl.DataFrame({"school_urn": list(school_ids), "school_id": list(school_ids.values())})
    people = pl.DataFrame({"upn": list(pupil_ids), "pupil_id": list(pupil_ids.values())})
    print(
        f"load: {len(urns)} schools and {len(upns):,} pupils in "
        f"{time.perf_counter() - started:.0f}s",
        flush=True,
    )
    started = time.perf_counter()
    with transaction.atomic():
        for group in range(marks.metadata.num_row_groups):
            rows = (
                pl.from_arrow(marks.read_row_group(group))
                .join(schools, on="school_urn")
                .join(people, on="upn")
                .select(
                    "school_id",
                    "pupil_id",
                    "date",
                    "session",
                    "code",
                    pl.col("code").alias("original_code"),
                    pl.lit(None, pl.Int16).alias("minutes_late"),
                    pl.lit("2025-07-23 18:00:00+00").alias("recorded_at"),
                    pl.lit(None, pl.Int64).alias("recorded_by_id"),
                    pl.lit("import").alias("source"),
                )
            )
            _copy("registers_mark", rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    total = marks.metadata.num_rows
    print(
        f"load: {total:,} marks by COPY in {seconds:.0f}s ({total / seconds:,.0f} marks/s)",
        flush=True,
    )


_PUPIL_FLAGS = (
    "free_school_meals",
    "english_additional_language",
    "looked_after",
    "child_in_need",
    "child_protection_plan",
    "young_carer",
)


def _copy(table: str, frame) -> None:
    from django.db import connection

    columns = ", ".join(frame.columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
    ):
        for part in frame.iter_slices(500_000):
            copy.write(part.write_csv(include_header=False))


def build(parquet: str) -> None:
    """The store, built afresh from every mark in the database, as an analyst's first visit
    builds it."""
    import django

    django.setup()
    from rollcall.analytics.source import analysis_matrix

    started = time.perf_counter()
    matrix = analysis_matrix(rebuild=True)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks = int((matrix.ids != 0).sum())
    print(
        f"build: the analysis store from {marks:,} marks of {matrix.n_pupils:,} pupils in "
        f"{seconds:.1f}s (COPY, Parquet, the fast road and saving the store), peak "
        f"{peak_mb:,.0f} MB",
        flush=True,
    )


def agree(parquet: str) -> None:
    """Every pupil's figures from the store built from the database equal the file's."""
    import django

    django.setup()
    from rollcall.analytics.source import analysis_matrix
    from rollcall.engine import analyse, read_marks

    from_database = analyse(analysis_matrix())
    from_file = analyse(read_marks(Path(parquet)))
    same = from_database.sort("upn").equals(from_file.sort("upn"))
    print(
        f"agree: {from_database.height:,} pupils' figures from the database, "
        f"{from_file.height:,} from the file: " + ("identical" if same else "DIFFERENT"),
        flush=True,
    )
    if not same:
        raise SystemExit(json.dumps({"database": from_database.height, "file": from_file.height}))
