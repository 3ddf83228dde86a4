"""How fast the demo generator makes people and marks, and writes long-format files.

BENCH_PUPILS (default 25,000) sets the scale. Figures: pupils and marks per second, file size.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import tempfile
import time
from pathlib import Path

from rollcall.demo.files import write_marks_file
from rollcall.demo.terms import demo_dates
from rollcall.demo.world import build_world

# A fixed load date, so that runs on different days make the same marks.
LOAD_DATE = dt.date(2026, 3, 20)


def main() -> None:
    pupils = int(os.environ.get("BENCH_PUPILS", "25000"))
    started = time.perf_counter()
    world = build_world(seed=1, pupils=pupils, dates=demo_dates(LOAD_DATE))
    built = time.perf_counter() - started
    print(
        f"world: {len(world.pupils):,} pupils, {len(world.enrolments):,} enrolments in {built:.2f}s"
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "marks.parquet"
        started = time.perf_counter()
        rows = write_marks_file(world, path)
        elapsed = time.perf_counter() - started
        size = path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"marks: {rows:,} rows to Parquet in {elapsed:.1f}s ({rows / elapsed:,.0f} rows/s), "
        f"{size / 1e6:.1f} MB, peak memory {peak:,.0f} MB"
    )
