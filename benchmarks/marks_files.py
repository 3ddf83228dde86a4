"""Marks files as analysts write them: rollcall analyse against the DuckDB peer on each.

The LA-year marks (benchmarks/la_year.py makes them; BENCH_PUPILS pupils, 50,000 by default)
written again as each tool would write them, each flavour kept in var/bench/flavours-<pupils>/:

  polars   Parquet from Polars: URN int32, UPN as Polars strings (large_string), session and
           code categorical, dates as dates;
  pandas   Parquet from pandas: URN int64, UPN as text, session and code categories, dates as
           datetime64 (a timestamp);
  duckdb   Parquet from DuckDB's COPY: URN INTEGER, VARCHAR text, DATE;
  csv      CSV from Polars (what a spreadsheet or a script writes);
  bad-csv  the CSV with 10 bad lines (unknown codes, wrong check letters, 30 February),
           which rollcall must refuse, naming all of them (the careful road).

For each flavour, in fresh processes one after another, the fastest of BENCH_REPEAT runs:
rollcall (read_marks + analyse, every pupil's figures and the national threshold) and the
DuckDB peer (benchmarks/peers/duckdb_peer.py, one SQL query over the same file). Every field of
every pupil must agree between rollcall on each flavour, DuckDB on each flavour and rollcall on
the original file; the benchmark exits non-zero otherwise.

Environment:
  BENCH_PUPILS   pupils in the generated world (default 50000)
  BENCH_REPEAT   runs of each step, the fastest reported (default 3)
  BENCH_ONLY     comma-separated flavours to run (default: all)
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.la_year import BENCH, ROOT, Run, _ensure_data, _load_text, _run_child

DEFAULT_PUPILS = 50_000
FLAVOURS = ("polars", "pandas", "duckdb", "csv", "bad-csv")
BAD_LINES = 10
TARGETS = {"polars": 2.0, "pandas": 2.0, "duckdb": 2.0, "csv": 1.5}


def main() -> None:
    pupils = int(os.environ.get("BENCH_PUPILS", DEFAULT_PUPILS))
    repeat = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
    only = [f for f in os.environ.get("BENCH_ONLY", "").split(",") if f] or list(FLAVOURS)
    BENCH.mkdir(parents=True, exist_ok=True)
    source = BENCH / ("la-year.parquet" if pupils == 250_000 else f"la-year-{pupils}.parquet")
    print(f"machine: {os.cpu_count()} cores, load average {_load_text()}", flush=True)
    _ensure_data(source, pupils)
    folder = BENCH / f"flavours-{pupils}"
    folder.mkdir(exist_ok=True)
    files = {name: _made(name, source, folder) for name in only}

    best: dict[tuple[str, str], Run] = {}
    with tempfile.TemporaryDirectory(prefix="marks-files-", dir=BENCH) as work_name:
        work = Path(work_name)
        _step(work, "rollcall", "original", source, 1)
        for name, path in files.items():
            size = path.stat().st_size / 1e6
            print(f"{name}: {path.relative_to(ROOT)}, {size:,.1f} MB", flush=True)
            if name == "bad-csv":
                best[(name, "rollcall")] = _step(work, "refused", name, path, repeat)
                best[(name, "clean")] = best.get(("csv", "rollcall")) or _step(
                    work, "rollcall", "csv", files.get("csv") or _made("csv", source, folder), 1
                )
                continue
            best[(name, "rollcall")] = _step(work, "rollcall", name, path, repeat)
            best[(name, "duckdb")] = _step(work, "duckdb", name, path, repeat)
        agreed = _agreement(work, [n for n in files if n != "bad-csv"])
    _summary(best, pupils)
    if not agreed:
        raise SystemExit("marks files: the figures disagree (see above)")


def _step(work: Path, step: str, flavour: str, path: Path, times: int) -> Run:
    runs = []
    for number in range(times):
        folder = work / f"{flavour}-{step}"
        folder.mkdir(exist_ok=True)
        run = _run_child_here(step, f"{step} on {flavour}", folder, str(path))
        runs.append(run)
        extra = "".join(f", {k} {v}" for k, v in run.info.items())
        print(
            f"   {step:<8} run {number + 1}/{times}: compute {run.compute:.2f}s "
            f"(CPU {run.compute_cpu:.2f}s), process {run.process:.2f}s, "
            f"peak {run.peak_mb:,.0f} MB, load {run.load:.1f}{extra}",
            flush=True,
        )
    return min(runs, key=lambda r: r.compute)


def _run_child_here(step: str, label: str, work: Path, *args: str) -> Run:
    """la_year's child runner, pointed at this module's child steps."""
    return _run_child(step, label, work, *args, module="benchmarks.marks_files")


# --- the files -----------------------------------------------------------------------------


def _path(name: str, folder: Path) -> Path:
    return folder / (f"{name}.csv" if name.endswith("csv") else f"{name}.parquet")


def _made(name: str, source: Path, folder: Path) -> Path:
    """The flavour's file, made in a child process the first time (so that this process stays
    small: a child's peak memory counts what it was forked from)."""
    path = _path(name, folder)
    if not path.exists():
        if name == "bad-csv":
            _made("csv", source, folder)
        with tempfile.TemporaryDirectory(prefix="make-", dir=BENCH) as work:
            _run_child_here("make", f"make {name}", Path(work), name, str(source), str(folder))
        print(f"   made {path.relative_to(ROOT)}", flush=True)
    return path


def _flavour(name: str, source: Path, folder: Path) -> float:
    """The marks of `source` as `name` writes them (in the child process)."""
    import duckdb
    import pandas as pd
    import polars as pl

    path = _path(name, folder)
    partial = path.with_name("partial-" + path.name)
    started = time.perf_counter()
    if name == "polars":
        pl.read_parquet(source).with_columns(
            pl.col("school_urn").cast(pl.Int32),
            pl.col("session").cast(pl.Categorical),
            pl.col("code").cast(pl.Categorical),
        ).write_parquet(partial)
    elif name == "pandas":
        frame = pd.read_parquet(source)
        frame["school_urn"] = frame["school_urn"].astype("int64")
        frame["date"] = pd.to_datetime(frame["date"])
        frame["session"] = frame["session"].astype("category")
        frame["code"] = frame["code"].astype("category")
        frame.to_parquet(partial, index=False)
    elif name == "duckdb":
        literal = "'" + str(source).replace("'", "''") + "'"
        target = "'" + str(partial).replace("'", "''") + "'"
        duckdb.sql(
            "COPY (SELECT CAST(school_urn AS INTEGER) AS school_urn, upn, date, session, code "  # noqa: S608
            f"FROM read_parquet({literal})) TO {target} (FORMAT parquet)"
        )
    elif name == "csv":
        pl.read_parquet(source).write_csv(partial)
    elif name == "bad-csv":
        _bad_csv(_path("csv", folder), partial, path.with_suffix(".json"))
    else:
        raise SystemExit(f"unknown flavour {name!r}")
    partial.replace(path)
    return time.perf_counter() - started


def _bad_csv(clean: Path, path: Path, lines_file: Path) -> None:
    """The clean CSV with BAD_LINES lines spoilt, spread through the file; their line numbers
    go to lines_file so the benchmark can check each is named."""
    lines = clean.read_bytes().split(b"\n")
    chosen = sorted(random.Random(1).sample(range(1, len(lines) - 1), BAD_LINES))
    for number, at in enumerate(chosen):
        fields = lines[at].split(b",")
        if number % 3 == 0:
            fields[4] = b"ZZ"
        elif number % 3 == 1:
            fields[1] = fields[1][:-1] + (b"Q" if not fields[1].endswith(b"Q") else b"R")
        else:
            fields[2] = b"2025-02-30"
        lines[at] = b",".join(fields)
    path.write_bytes(b"\n".join(lines))
    lines_file.write_text(json.dumps([at + 1 for at in chosen]))


# --- agreement and summary ------------------------------------------------------------------


def _agreement(work: Path, flavours: list[str]) -> bool:
    import polars as pl

    from rollcall.engine import FIELDS

    expected = pl.read_parquet(work / "original-rollcall" / "rollcall.parquet").sort("upn")
    agreed = True
    for flavour in flavours:
        for step in ("rollcall", "duckdb"):
            found = pl.read_parquet(work / f"{flavour}-{step}" / f"{step}.parquet").sort("upn")
            same = found.height == expected.height and all(
                found[field].equals(expected[field]) for field in FIELDS
            )
            differing = [
                field
                for field in FIELDS
                if found.height != expected.height or not found[field].equals(expected[field])
            ]
            print(
                f"   {step} on {flavour} vs rollcall on the original file: {found.height:,} "
                + (
                    "pupils, all fields agree"
                    if same
                    else f"pupils, DISAGREE in {', '.join(differing)}"
                )
            )
            agreed &= same
    return agreed


def _summary(best: dict[tuple[str, str], Run], pupils: int) -> None:
    print(f"summary (BENCH_PUPILS={pupils:,}; fastest of the runs)")
    print(
        f"   {'flavour':<9} {'rollcall s':>10} {'CPU s':>7} {'peak MB':>8} "
        f"{'DuckDB s':>9} {'CPU s':>7} {'peak MB':>8} {'ratio':>6}  target"
    )
    for flavour in FLAVOURS:
        ours = best.get((flavour, "rollcall"))
        if ours is None:
            continue
        if flavour == "bad-csv":
            clean = best[(flavour, "clean")]
            print(
                f"   {flavour:<9} {ours.compute:>10.2f} {ours.compute_cpu:>7.2f} "
                f"{ours.peak_mb:>8,.0f}  refused naming {ours.info.get('problems')} bad lines; "
                f"the clean CSV read and analysed in {clean.compute:.2f}s"
            )
            continue
        peer = best[(flavour, "duckdb")]
        ratio = peer.compute / ours.compute
        target = TARGETS[flavour]
        verdict = "ok" if ratio >= target else "MISSED"
        print(
            f"   {flavour:<9} {ours.compute:>10.2f} {ours.compute_cpu:>7.2f} {ours.peak_mb:>8,.0f} "
            f"{peer.compute:>9.2f} {peer.compute_cpu:>7.2f} {peer.peak_mb:>8,.0f} "
            f"{ratio:>5.1f}x  >= {target}x {verdict}"
        )


# --- the child: one step, timed from inside --------------------------------------------------


def _child(step: str, result: Path, args: list[str]) -> None:
    if step == "make":
        seconds = _flavour(args[0], Path(args[1]), Path(args[2]))
        result.write_text(json.dumps({"compute": seconds, "compute_cpu": 0.0, "start_up": 0.0}))
        return
    from rollcall import statutory

    statutory.statutory_data()
    info: dict[str, Any] = {}
    frame: Any = None
    path = Path(args[0])
    if step in ("rollcall", "refused"):
        from rollcall.engine import MarksInputError, analyse, read_marks
        from rollcall.engine.codes import code_table

        code_table()
        ready, ready_cpu = time.perf_counter(), time.process_time()
        if step == "rollcall":
            frame = analyse(read_marks(path))
        else:
            try:
                read_marks(path)
            except MarksInputError as refused:
                info["problems"] = refused.total
                wanted = json.loads(path.with_suffix(".json").read_text())
                named = [f"line {line}:" in str(refused) for line in wanted]
                if not all(named):
                    raise SystemExit("a bad line was not named") from None
            else:
                raise SystemExit("the bad file was not refused")
        done, done_cpu = time.perf_counter(), time.process_time()
    elif step == "duckdb":
        from benchmarks.peers.duckdb_peer import duckdb_figures

        ready, ready_cpu = time.perf_counter(), time.process_time()
        frame = duckdb_figures(path)
        done, done_cpu = time.perf_counter(), time.process_time()
    else:
        raise SystemExit(f"unknown step {step!r}")
    if frame is not None:
        frame.write_parquet(result.with_suffix(".parquet"))
    report = {"compute": done - ready, "compute_cpu": done_cpu - ready_cpu, "start_up": 0.0}
    result.write_text(json.dumps({**report, **info}))


if __name__ == "__main__":
    _child(sys.argv[1], Path(sys.argv[2]), sys.argv[3:])
