"""How fast a long-format marks file is imported: first into a database holding the pupils but
no marks (every row is new), then the same file again (every row is already stored, the
idempotent path), from Parquet and from CSV, and a file refused for one bad row.

BENCH_IMPORT_PUPILS (default 3,000, about two million marks) sets the scale. The database is
a new SQLite file in a temporary folder, or the empty database at BENCH_DATABASE_URL (for
PostgreSQL). Figures: rows, wall and CPU seconds (the database server's own CPU is not
counted), rows per second, peak memory.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import tempfile
import time
from pathlib import Path
from unittest import mock


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup(directory: Path) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "rollcall.settings"
    os.environ["ROLLCALL_DATA_DIR"] = str(directory)
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = database
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    return database.split(":", 1)[0]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(label: str, rows: int, action):  # type: ignore[no-untyped-def]
    # CPU time as well as wall time: on a shared machine the wall clock also counts waiting.
    started, cpu = time.perf_counter(), _cpu_seconds()
    result = action()
    elapsed, used = time.perf_counter() - started, _cpu_seconds() - cpu
    print(
        f"{label}: {rows:,} rows in {elapsed:.1f}s wall, {used:.1f}s CPU "
        f"({rows / elapsed:,.0f} rows/s), peak memory {_peak_mb():,.0f} MB",
        flush=True,
    )
    return result


def main() -> None:
    pupils = int(os.environ.get("BENCH_IMPORT_PUPILS", "3000"))
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        vendor = _setup(directory)
        from rollcall.demo import load
        from rollcall.demo.files import write_marks_file
        from rollcall.demo.terms import demo_dates
        from rollcall.demo.world import build_world
        from rollcall.registers.models import Mark
        from rollcall.transfers.marks_file import marks_table_check, marks_table_read
        from rollcall.transfers.problems import ImportRefused
        from rollcall.transfers.services import marks_file_import

        world = build_world(seed=1, pupils=pupils, dates=demo_dates(dt.date(2026, 3, 20)))
        # The pupils, enrolments and calendars of the demo, but none of its marks: the file
        # below brings every mark in.
        with mock.patch.object(load, "_load_marks", lambda *args: (0, 0)):
            started = time.perf_counter()
            load.load_world(world)
        print(
            f"database: {vendor}; {len(world.pupils):,} pupils loaded without marks in "
            f"{time.perf_counter() - started:.1f}s"
        )
        parquet, csv = directory / "marks.parquet", directory / "marks.csv"
        rows = write_marks_file(world, parquet)
        write_marks_file(world, csv)
        print(
            f"file: {rows:,} marks; Parquet {parquet.stat().st_size / 1e6:.1f} MB, "
            f"CSV {csv.stat().st_size / 1e6:.1f} MB"
        )
        parquet_bytes, csv_bytes = parquet.read_bytes(), csv.read_bytes()

        def read_and_check() -> None:
            table = marks_table_read(parquet_bytes, "marks.parquet")
            marks_table_check(table, school_problem=lambda urn: "", pupil_problem=lambda u, p: "")

        _timed("read and column checks only (Parquet, no database)", rows, read_and_check)
        result = _timed(
            "fresh import (Parquet, every row new)",
            rows,
            lambda: marks_file_import(actor=None, data=parquet_bytes, name="marks.parquet"),
        )
        assert result.created == rows == Mark.objects.count()
        result = _timed(
            "re-import (Parquet, every row already stored)",
            rows,
            lambda: marks_file_import(actor=None, data=parquet_bytes, name="marks.parquet"),
        )
        assert (result.created, result.unchanged) == (0, rows)
        result = _timed(
            "re-import (CSV, every row already stored)",
            rows,
            lambda: marks_file_import(actor=None, data=csv_bytes, name="marks.csv"),
        )
        assert (result.created, result.unchanged) == (0, rows)

        bad = csv_bytes + b"990101,A989000000001,2025-01-13,AM,ZZ\n"

        def refused() -> None:
            try:
                marks_file_import(actor=None, data=bad, name="bad.csv")
            except ImportRefused as exc:
                print(f"  refused as expected: {exc.problems[0]}")
            else:
                raise AssertionError("the bad file was imported")

        _timed("refusal (CSV with one bad last row)", rows + 1, refused)


if __name__ == "__main__":
    main()
