"""A national year on one machine: `rollcall analyse` over about 8.5 million pupils and 3.3
billion marks, within the machine's memory.

The input is the LA-year marks file (benchmarks/la_year.py makes it: 266,507 pupils with
marks, 103.7 million marks, 558 schools) written BENCH_COPIES times (32 by default) into one
Parquet file, var/bench/national-year-<copies>.parquet, each copy a different set of pupils and
schools: copy k's pupil number i (in the order the LA file first mentions them) gets the UPN
with LA number 500 + k and serial i (check letter computed), and its school number j the URN
100000 + 1000 k + j. UPN and URN are written as dictionary-encoded text, as most writers do.
The file is made the first time and kept (it is 32 times the LA file's size: about 0.6 GB);
delete it to make it again.

Then, each as a whole process from the outside (its wall time, CPU time and peak resident
memory from os.wait4):
  a. `rollcall analyse national.parquet --format parquet --output figures.parquet`: every
     pupil's figures and the national threshold, written to a file;
  b. the same on the LA-year file, for scale.
  c. agreement: the figures of copy 0's and the last copy's pupils, keyed back to their
     original UPNs, must equal the LA-year figures field for field (exit non-zero otherwise).

Environment:
  BENCH_COPIES   copies of the LA year (default 32)
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.la_year import BENCH, DEFAULT_PUPILS, ROOT, _ensure_data, _load_text

COPIES = int(os.environ.get("BENCH_COPIES", "32"))
MEMORY_GB = 24  # the machine's memory, which the run must stay within
LA_BASE = 500  # copy k's UPNs carry LA number LA_BASE + k
URN_BASE = 100_000
MAX_COPIES = 499
WEIGHTS = list(range(2, 14))
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def main() -> None:
    if not 1 <= COPIES <= MAX_COPIES:
        raise SystemExit(f"BENCH_COPIES must be from 1 to {MAX_COPIES}")
    BENCH.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, load average {_load_text()}", flush=True)
    la = BENCH / "la-year.parquet"
    _ensure_data(la, DEFAULT_PUPILS)
    national = BENCH / f"national-year-{COPIES}.parquet"
    if not national.exists():
        print(f"data: writing {national.relative_to(ROOT)} ({COPIES} copies) ...", flush=True)
        wall, cpu, peak = _process(
            [sys.executable, "-m", "benchmarks.national_year", "make", str(la), str(national)]
        )
        print(f"   made in {wall:.0f} s (CPU {cpu:.0f} s, peak {peak:,.0f} MB)", flush=True)
    _describe(national)

    with tempfile.TemporaryDirectory(prefix="national-", dir=BENCH) as work_name:
        work = Path(work_name)
        figures = work / "national.parquet"
        la_figures = work / "la.parquet"
        steps = (
            ("a. rollcall analyse, national year", national, figures),
            ("b. rollcall analyse, LA year", la, la_figures),
        )
        for label, source, output in steps:
            load = _load_text()
            command = [
                sys.executable,
                "-m",
                "rollcall",
                "analyse",
                str(source),
                "--format",
                "parquet",
                "--output",
                str(output),
            ]
            wall, cpu, peak = _process(command)
            print(
                f"{label}: {wall:,.1f} s (CPU {cpu:,.1f} s), peak {peak / 1024:,.2f} GB "
                f"(limit {MEMORY_GB} GB), load average before {load}",
                flush=True,
            )
        agreed = _agreement(la, figures, la_figures)
    if not agreed:
        raise SystemExit("national year: the copies' figures differ from the LA year's")


def _process(command: list[str]) -> tuple[float, float, float]:
    """Run a whole process; its wall time, CPU time and peak resident set (MB)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "rollcall.settings")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"national year: {' '.join(command[2:5])} failed")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _describe(path: Path) -> None:
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path)
    print(
        f"data: {path.relative_to(ROOT)}: {meta.num_rows:,} marks in {meta.num_row_groups:,} "
        f"row groups, {path.stat().st_size / 1e9:,.2f} GB",
        flush=True,
    )


# --- the file --------------------------------------------------------------------------------


def _upns(copy: int, count: int) -> list[str]:
    """UPNs for pupil numbers 0..count-1 of a copy: LA number LA_BASE + copy, serial i."""
    import numpy as np

    bodies = np.array([f"{LA_BASE + copy:03d}{i:09d}" for i in range(count)], dtype="S12")
    digits = bodies.view(np.uint8).reshape(count, 12).astype(np.int64) - ord("0")
    checks = (digits * np.array(WEIGHTS)).sum(axis=1) % 23
    letters = np.array(list(CHECK_LETTERS))[checks]
    return [str(letter) + body.decode() for letter, body in zip(letters, bodies, strict=True)]


def _compact(indices: Any, dictionary: Any) -> Any:
    """A dictionary array of just the values these rows use, as a writer would store a row
    group's dictionary (not the whole copy's hundreds of thousands of UPNs in each)."""
    import numpy as np
    import pyarrow as pa

    index = indices.to_numpy()
    present = np.zeros(len(dictionary), dtype=bool)
    present[index] = True
    renumber = np.cumsum(present, dtype=np.int32) - 1
    return pa.DictionaryArray.from_arrays(
        pa.array(renumber[index]), dictionary.take(pa.array(np.flatnonzero(present)))
    )


def _make(la: Path, national: Path) -> None:
    """Write the national file: the LA file's row groups, once per copy, with the UPN and URN
    columns' dictionaries replaced by the copy's."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    source = pq.ParquetFile(la)
    table = source.read()
    columns = {name: table.column(name) for name in table.column_names}
    upn = pc.dictionary_encode(columns["upn"].cast(pa.string())).combine_chunks()
    urn = pc.dictionary_encode(columns["school_urn"].cast(pa.string())).combine_chunks()
    del table
    n_pupils, n_schools = len(upn.dictionary), len(urn.dictionary)
    if n_schools >= 1000:
        raise SystemExit(f"the LA file has {n_schools} schools: URNs would overlap")
    # Marks of many pupils at once per row group, as a national extract's would be.
    rows = len(upn)
    group = 4_000_000
    schema = pa.schema(
        [
            pa.field(name, pa.dictionary(pa.int32(), pa.string()))
            if name in ("upn", "school_urn")
            else pa.field(name, columns[name].type)
            for name in columns
        ]
    )
    partial = national.with_name("partial-" + national.name)
    with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
        for copy in range(COPIES):
            upns = pa.array(_upns(copy, n_pupils), pa.string())
            urns = pa.array([str(URN_BASE + 1000 * copy + j) for j in range(n_schools)])
            for start in range(0, rows, group):
                length = min(group, rows - start)
                arrays = []
                for name in columns:
                    if name == "upn":
                        arrays.append(_compact(upn.indices.slice(start, length), upns))
                    elif name == "school_urn":
                        arrays.append(_compact(urn.indices.slice(start, length), urns))
                    else:
                        arrays.append(columns[name].slice(start, length).combine_chunks())
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            print(f"   copy {copy + 1} of {COPIES} written", flush=True)
    partial.replace(national)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   writer peak {peak:,.0f} MB", flush=True)


# --- agreement -------------------------------------------------------------------------------


def _agreement(la: Path, national_figures: Path, la_figures: Path) -> bool:
    import polars as pl
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    upn = pc.dictionary_encode(
        pq.read_table(la, columns=["upn"]).column("upn").cast("string")
    ).combine_chunks()
    originals = upn.dictionary.to_pylist()
    expected = pl.read_parquet(la_figures)
    fields = [name for name in expected.columns if name != "upn"]
    agreed = True
    for copy in sorted({0, COPIES - 1}):
        keys = pl.DataFrame({"upn": _upns(copy, len(originals)), "original": originals})
        found = (
            pl.scan_parquet(national_figures)
            .join(keys.lazy(), on="upn")
            .drop("upn")
            .rename({"original": "upn"})
            .collect()
        )
        joined = expected.join(found, on="upn", how="full", suffix="_copy")
        mismatched = {
            name: joined.filter(~pl.col(name).eq_missing(pl.col(f"{name}_copy"))).height
            for name in fields
        }
        missing = joined.filter(pl.col("upn").is_null() | pl.col("upn_copy").is_null()).height
        bad = {name: count for name, count in mismatched.items() if count}
        print(
            f"c. agreement, copy {copy}: {found.height:,} pupils against {expected.height:,} "
            f"in the LA year; {missing} missing; mismatching fields: {bad or 'none'}",
            flush=True,
        )
        agreed = agreed and not bad and not missing and found.height == expected.height
    total = pl.scan_parquet(national_figures).select(pl.len()).collect().item()
    print(
        f"   national figures: {total:,} pupils (LA year {expected.height:,} x {COPIES} = "
        f"{expected.height * COPIES:,})",
        flush=True,
    )
    return agreed and total == expected.height * COPIES


if __name__ == "__main__":
    if sys.argv[1] == "make":
        _make(Path(sys.argv[2]), Path(sys.argv[3]))
