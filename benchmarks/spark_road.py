"""The Spark road against one machine: `rollcall analyse FILE --spark local[2]` and `rollcall
analyse FILE` on the LA-year marks (benchmarks/la_year.py makes them; BENCH_PUPILS pupils,
50,000 by default), each as a whole process, as an analyst runs them. Both write Parquet;
every field of every pupil must be equal, or the benchmark exits non-zero.

Needs Java and rollcall[spark] (docs/spark.md).

Environment:
  BENCH_PUPILS   pupils in the generated world (default 50000)
  BENCH_MASTER   the Spark master (default local[2])
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks.la_year import BENCH, ROOT, _ensure_data, _load_text

DEFAULT_PUPILS = 50_000


def _timed(arguments: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True, text=True, cwd=ROOT, check=False)
    took = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(arguments)} failed:\n{done.stderr[-3000:]}")
    return took


def main() -> None:
    pupils = int(os.environ.get("BENCH_PUPILS", DEFAULT_PUPILS))
    master = os.environ.get("BENCH_MASTER", "local[2]")
    BENCH.mkdir(parents=True, exist_ok=True)
    source = BENCH / ("la-year.parquet" if pupils == 250_000 else f"la-year-{pupils}.parquet")
    print(f"machine: {os.cpu_count()} cores, load average {_load_text()}", flush=True)
    _ensure_data(source, pupils)
    rollcall = str(Path(sys.executable).with_name("rollcall"))
    with tempfile.TemporaryDirectory(prefix="spark-road-", dir=BENCH) as work_name:
        work = Path(work_name)
        plain, spark = work / "plain.parquet", work / "spark.parquet"
        common = ["--format", "parquet"]
        one = _timed([rollcall, "analyse", str(source), *common, "--output", str(plain)])
        print(f"one machine:        {one:6.1f} s (the whole command)", flush=True)
        on_spark = _timed(
            [rollcall, "analyse", str(source), *common, "--output", str(spark), "--spark", master]
        )
        print(f"Spark on {master}: {on_spark:6.1f} s (the whole command)", flush=True)
        expected, found = pl.read_parquet(plain), pl.read_parquet(spark)
        if not found.equals(expected):
            sys.exit("the Spark road's figures differ from one machine's")
        print(f"figures equal for all {found.height:,} pupils", flush=True)
