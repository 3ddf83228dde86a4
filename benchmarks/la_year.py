"""LA-year: per-pupil figures and the national threshold for a whole local authority's year.

The LA-year workload of docs/benchmarks.md: 250,000 pupils x one academic year (about
95 million session marks) made by the demo generator, kept in var/bench/la-year.parquet and
generated only when missing. Each step runs in a fresh process, so its time and peak memory are
its own:

  a. import the Parquet file into rollcall's store (read_marks + store_save);
  b. analyse from the store (store_load + analyse): target <= 1 s and <= 1.5 GB peak;
  c. analyse from the Parquet file (read_marks + analyse): target <= 5 s;
  d. the same figures in plain DuckDB SQL (benchmarks/peers/duckdb_peer.py);
  d2. the same query on DuckDB's own table of the marks (loaded once into var/bench/
      la-year.duckdb): target, rollcall from its store at least 10x faster;
  e. the same figures in plain pandas (benchmarks/peers/pandas_peer.py);
  f. agreement: every field of every pupil must match between rollcall and both peers;
  g. a summary with the ratios of the peers to rollcall.

Times are "compute" (measured inside the process, after its imports and the loading of the
statutory tables) and "process" (the whole process, from the outside). Peak memory is the
process's maximum resident set, memory-mapped store pages included.

Environment:
  BENCH_PUPILS        pupils in the generated world (default 250000); other sizes use
                      var/bench/la-year-<pupils>.parquet
  BENCH_REPEAT        runs of steps b, c and d, the fastest reported (default 3)
  BENCH_PANDAS_SHARE  share of pupils the pandas peer runs on, e.g. 0.1: its time is then
                      scaled up by 1/share and compared on those pupils only (default 1)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
DEFAULT_PUPILS = 250_000
SEED = 1
FIRST, LAST = dt.date(2024, 9, 1), dt.date(2025, 8, 31)
STORE_SECONDS, STORE_MB, PARQUET_SECONDS = 1.0, 1536, 5.0
TABLE_RATIO = 10.0  # rollcall from its store against DuckDB from its own table
EXAMPLES = 5


# --- the parent: data, steps, agreement, summary ------------------------------------------


@dataclass
class Run:
    step: str
    label: str
    compute: float  # seconds inside the process, after imports
    compute_cpu: float  # CPU seconds (all threads) of the same part
    start_up: float  # seconds of imports and statutory tables inside the process
    process: float  # seconds of the whole process, from outside
    process_cpu: float  # CPU seconds (user + system) of the whole process
    peak_mb: float
    load: float  # 1-minute load average when the run started
    info: dict[str, Any] = field(default_factory=dict)


def main() -> None:
    pupils = int(os.environ.get("BENCH_PUPILS", DEFAULT_PUPILS))
    repeat = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
    share = float(os.environ.get("BENCH_PANDAS_SHARE", "1"))
    if not 0 < share <= 1:
        raise SystemExit("BENCH_PANDAS_SHARE must be more than 0 and at most 1")
    BENCH.mkdir(parents=True, exist_ok=True)
    name = "la-year.parquet" if pupils == DEFAULT_PUPILS else f"la-year-{pupils}.parquet"
    parquet = BENCH / name
    store = BENCH / "store"
    print(f"machine: {os.cpu_count()} cores, load average {_load_text()}", flush=True)
    _ensure_data(parquet, pupils)

    with tempfile.TemporaryDirectory(prefix="la-year-", dir=BENCH) as work_name:
        work = Path(work_name)
        runs: dict[str, list[Run]] = {}

        def step(key: str, label: str, *args: str, times: int = 1) -> Run:
            for number in range(times):
                run = _run_child(key, label, work, *args)
                runs.setdefault(key, []).append(run)
                counter = f" (run {number + 1}/{times})" if times > 1 else ""
                extra = "".join(f", {k} {v}" for k, v in run.info.items() if k != "pupils")
                print(
                    f"{label}{counter}: compute {run.compute:.2f}s (CPU {run.compute_cpu:.2f}s), "
                    f"process {run.process:.2f}s (CPU {run.process_cpu:.2f}s, start-up "
                    f"{run.start_up:.2f}s), peak {run.peak_mb:,.0f} MB, load {run.load:.1f}{extra}",
                    flush=True,
                )
            return min(runs[key], key=lambda r: r.compute)

        imported = step("import", "a. import Parquet -> store", str(parquet), str(store))
        print(
            f"   store: {imported.info['pupils']:,} pupils, {imported.info['rows']:,} rows "
            f"(pupil at a school) x {imported.info['sessions']:,} sessions, "
            f"{imported.info['store_mb']:,.0f} MB",
            flush=True,
        )
        step("store", "b. rollcall analyse from the store", str(store), times=repeat)
        step("parquet", "c. rollcall analyse from Parquet", str(parquet), times=repeat)
        step("duckdb", "d. DuckDB SQL (peer)", str(parquet), times=repeat)
        own = _duckdb_database(parquet, work)
        step("duckdb_table", "d2. DuckDB SQL, its own table (peer)", str(own), times=repeat)
        upns_file = work / "pandas-upns.json"
        subset = None
        if share < 1:
            subset, every, total = _pupil_subset(work / "store.parquet", share)
            share = len(subset) / total
            upns_file.write_text(json.dumps(subset))
            print(
                f"   pandas runs on {len(subset):,} of {total:,} pupils (one in {every} by UPN, "
                f"{share:.1%}); its times are scaled by {1 / share:.2f}",
                flush=True,
            )
        step("pandas", "e. pandas (peer)", str(parquet), str(upns_file) if subset else "")
        if subset:
            for run in runs["pandas"]:
                # Start-up is not scaled: only the part that works on the marks.
                run.process += run.compute * (1 / share - 1)
                run.process_cpu += run.compute_cpu * (1 / share - 1)
                run.compute /= share
                run.compute_cpu /= share

        print("f. agreement (mismatching pupils per field)", flush=True)
        agreed = _agreement(work, subset)
        _summary(runs, share, pupils)
    if not agreed:
        raise SystemExit("LA-year: rollcall and its peers disagree (see above)")


def _load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def _generator_fingerprint() -> str:
    """The demo files that decide the marks (not how the demo is loaded into a database)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "rollcall" / "demo").glob("*.py")):
        if path.name not in ("load.py", "__init__.py"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _ensure_data(parquet: Path, pupils: int) -> None:
    sidecar = parquet.with_suffix(".json")
    if _complete(parquet):
        made = json.loads(sidecar.read_text()) if sidecar.exists() else {}
        rows, with_marks = made.get("rows"), made.get("pupils_with_marks")
        print(
            f"data: {parquet.relative_to(ROOT)} exists: "
            + (f"{rows:,} rows, {with_marks:,} pupils with marks, " if rows else "")
            + f"{parquet.stat().st_size / 1e6:,.1f} MB"
            + (f", generated in {made['seconds']:.0f}s" if "seconds" in made else ""),
            flush=True,
        )
        if made.get("generator") != _generator_fingerprint():
            print(
                "   note: the demo generator has changed since this file was made (or it was "
                "not made here); delete it to regenerate",
                flush=True,
            )
        return
    print(f"data: generating {parquet.relative_to(ROOT)} ({pupils:,} pupils) ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="la-year-", dir=BENCH) as work:
        run = _run_child("generate", "generate", Path(work), str(parquet), str(pupils))
    info = json.loads(sidecar.read_text())
    print(
        f"data: {info['rows']:,} rows, world of {info['world_pupils']:,} pupils "
        f"({info['pupils_with_marks']:,} with marks from {FIRST} to {LAST}), "
        f"{parquet.stat().st_size / 1e6:,.1f} MB, generated in {run.compute:.0f}s "
        f"(peak {run.peak_mb:,.0f} MB)",
        flush=True,
    )


def _duckdb_database(parquet: Path, work: Path) -> Path:
    """The marks in DuckDB's own database file beside the Parquet file, made once (the time to
    load them is DuckDB's import, as step a is rollcall's)."""
    database = parquet.with_suffix(".duckdb")
    if not database.exists() or database.stat().st_mtime < parquet.stat().st_mtime:
        database.unlink(missing_ok=True)
        partial = database.with_name("partial-" + database.name)
        partial.unlink(missing_ok=True)
        run = _run_child("duckdb_load", "DuckDB load", work, str(parquet), str(partial))
        partial.replace(database)
        print(
            f"   DuckDB's own table: {parquet.name} loaded into {database.name} in "
            f"{run.compute:.1f}s ({database.stat().st_size / 1e6:,.0f} MB)",
            flush=True,
        )
    return database


def _complete(parquet: Path) -> bool:
    if not parquet.exists():
        return False
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(parquet)
    except Exception:  # any unreadable file is made again
        return False
    return True


def _run_child(
    step: str, label: str, work: Path, *args: str, module: str = "benchmarks.la_year"
) -> Run:
    """Run one step in a fresh interpreter; its rusage is its own (os.wait4)."""
    result = work / f"{step}.json"
    load = os.getloadavg()[0]
    command = [sys.executable, "-m", module, step, str(result), *args]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"LA-year: step {label!r} failed (exit {process.returncode})")
    report = json.loads(result.read_text())
    return Run(
        step=step,
        label=label,
        compute=report.pop("compute"),
        compute_cpu=report.pop("compute_cpu"),
        start_up=report.pop("start_up"),
        process=elapsed,
        process_cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        load=load,
        info=report,
    )


def _pupil_subset(frame_path: Path, share: float) -> tuple[list[str], int, int]:
    """Every k-th pupil by UPN (deterministic), from rollcall's own output: the UPNs, k and
    the number of pupils."""
    import polars as pl

    upns = pl.read_parquet(frame_path, columns=["upn"])["upn"].sort().to_list()
    every = max(1, round(1 / share))
    return upns[::every], every, len(upns)


def _agreement(work: Path, subset: list[str] | None) -> bool:
    import polars as pl

    from rollcall.engine import FIELDS

    reference = pl.read_parquet(work / "store.parquet")
    others = {
        "rollcall from Parquet": pl.read_parquet(work / "parquet.parquet"),
        "DuckDB SQL": pl.read_parquet(work / "duckdb.parquet"),
        "DuckDB SQL (own table)": pl.read_parquet(work / "duckdb_table.parquet"),
        "pandas": pl.read_parquet(work / "pandas.parquet"),
    }
    agreed = True
    for name, other in others.items():
        expected = reference
        if name == "pandas" and subset is not None:
            expected = reference.filter(pl.col("upn").is_in(subset))
        missing = [f for f in FIELDS if f not in other.columns]
        if missing:
            print(f"   {name}: no column(s) {', '.join(missing)}")
            agreed = False
            continue
        only_rollcall = expected.join(other, on="upn", how="anti")["upn"]
        only_other = other.join(expected, on="upn", how="anti")["upn"]
        joined = expected.join(other.select(FIELDS), on="upn", how="inner", suffix="_other")
        counts = {}
        for column in FIELDS[1:]:
            differs = ~pl.col(column).eq_missing(pl.col(f"{column}_other"))
            counts[column] = joined.filter(differs).height
        fine = sum(counts.values()) == 0 and only_rollcall.len() == 0 and only_other.len() == 0
        scope = f"{expected.height:,} pupils" + (" (subset)" if expected is not reference else "")
        print(
            f"   rollcall (store) vs {name}: {scope}; "
            + ("all fields agree" if fine else "DISAGREE")
            + f"; pupils only in rollcall {only_rollcall.len()}, only in {name} {only_other.len()}"
        )
        print("      " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if fine:
            continue
        agreed = False
        for label, upns in (("only in rollcall", only_rollcall), (f"only in {name}", only_other)):
            if upns.len():
                print(f"      {label}: {', '.join(upns.head(EXAMPLES).to_list())}")
        for column, count in counts.items():
            if count:
                differs = ~pl.col(column).eq_missing(pl.col(f"{column}_other"))
                shown = ["upn", column, f"{column}_other"]
                if column != "possible_sessions":
                    shown.append("possible_sessions")
                print(f"      {column}: {count} pupils, for example")
                print(joined.filter(differs).select(shown).head(EXAMPLES))
    return agreed


def _summary(runs: dict[str, list[Run]], share: float, pupils: int) -> None:
    best = {key: min(found, key=lambda r: r.compute) for key, found in runs.items()}
    targets = {
        "store": f"<= {STORE_SECONDS:.0f} s, <= {STORE_MB / 1024:.1f} GB",
        "parquet": f"<= {PARQUET_SECONDS:.0f} s",
        "duckdb": "(about 10 s)",
        "duckdb_table": f"rollcall (store) >= {TABLE_RATIO:.0f}x faster",
        "pandas": "(minutes)",
    }
    met = {
        "store": best["store"].compute <= STORE_SECONDS and best["store"].peak_mb <= STORE_MB,
        "parquet": best["parquet"].compute <= PARQUET_SECONDS,
        "duckdb_table": best["duckdb_table"].compute >= TABLE_RATIO * best["store"].compute,
    }
    print(f"g. summary (BENCH_PUPILS={pupils:,}; b, c, d: fastest of {len(runs['store'])})")
    header = (
        f"   {'step':<38} {'compute s':>9} {'CPU s':>7} {'process s':>9} {'peak MB':>8}  target"
    )
    print(header)
    print("   " + "-" * (len(header) - 3 + 26))
    for key, run in best.items():
        label = run.label
        if key == "pandas" and share < 1:
            label += f" [{share:.0%} x {1 / share:.1f}]"
        verdict = ""
        if key in met and pupils == DEFAULT_PUPILS:
            verdict = "  ok" if met[key] else "  MISSED"
        elif key in met:
            verdict = f"  (for {DEFAULT_PUPILS:,} pupils)"
        print(
            f"   {label:<38} {run.compute:>9.2f} {run.compute_cpu:>7.2f} {run.process:>9.2f} "
            f"{run.peak_mb:>8,.0f}  {targets.get(key, '')}{verdict}"
        )
    scaled = " (pandas scaled from a subset)" if share < 1 else ""
    for ours in ("store", "parquet"):
        peers = [("duckdb", "DuckDB SQL"), ("pandas", "pandas")]
        if ours == "store":
            peers.insert(1, ("duckdb_table", "DuckDB SQL from its own table"))
        for peer, peer_name in peers:
            wall = best[peer].compute / best[ours].compute
            cpu = best[peer].compute_cpu / best[ours].compute_cpu
            where = "store" if ours == "store" else "Parquet"
            print(
                f"   rollcall ({where}) is {_times(wall)} than {peer_name} "
                f"(CPU time: {_times(cpu)}){scaled if peer == 'pandas' else ''}"
            )
    loads = [run.load for found in runs.values() for run in found]
    print(f"   load average during the runs: {min(loads):.1f} to {max(loads):.1f}")


def _times(ratio: float) -> str:
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"


# --- the child: one step, timed from inside ------------------------------------------------


def _child(step: str, result: Path, args: list[str]) -> None:
    info: dict[str, Any] = {}
    if step == "generate":
        compute = _generate(Path(args[0]), int(args[1]), info)
        report = {"compute": compute, "compute_cpu": 0.0, "start_up": 0.0, **info}
        result.write_text(json.dumps(report))
        return
    from rollcall import statutory

    statutory.statutory_data()
    frame: Any = None
    if step == "import":
        from rollcall.engine import read_marks
        from rollcall.engine.codes import code_table
        from rollcall.engine.store import store_save

        code_table()
        ready, ready_cpu = time.perf_counter(), time.process_time()
        matrix = read_marks(Path(args[0]))
        store_save(matrix, Path(args[1]))
        done, done_cpu = time.perf_counter(), time.process_time()
        size = sum(f.stat().st_size for f in Path(args[1]).iterdir())
        info.update(
            pupils=matrix.n_pupils,
            rows=matrix.n_rows,
            sessions=matrix.ids.shape[1],
            store_mb=round(size / 1e6),
        )
    elif step in ("store", "parquet"):
        from rollcall.engine import analyse, read_marks
        from rollcall.engine.codes import code_table
        from rollcall.engine.store import store_load

        code_table()
        ready, ready_cpu = time.perf_counter(), time.process_time()
        matrix = store_load(Path(args[0])) if step == "store" else read_marks(Path(args[0]))
        frame = analyse(matrix)
        done, done_cpu = time.perf_counter(), time.process_time()
    elif step == "duckdb_load":
        from benchmarks.peers.duckdb_peer import duckdb_table

        ready, ready_cpu = time.perf_counter(), time.process_time()
        duckdb_table(Path(args[0]), Path(args[1]))
        done, done_cpu = time.perf_counter(), time.process_time()
    elif step in ("duckdb", "duckdb_table"):
        from benchmarks.peers.duckdb_peer import duckdb_figures

        ready, ready_cpu = time.perf_counter(), time.process_time()
        frame = duckdb_figures(Path(args[0]))
        done, done_cpu = time.perf_counter(), time.process_time()
    elif step == "pandas":
        import polars as pl

        from benchmarks.peers.pandas_peer import pandas_figures

        upns = json.loads(Path(args[1]).read_text()) if args[1] else None
        ready, ready_cpu = time.perf_counter(), time.process_time()
        frame = pandas_figures(Path(args[0]), upns=upns)
        done, done_cpu = time.perf_counter(), time.process_time()
        frame = pl.from_pandas(frame)
    else:
        raise SystemExit(f"unknown step {step!r}")
    if frame is not None:
        frame.write_parquet(result.with_suffix(".parquet"))
        info["pupils"] = frame.height
    report = {
        "compute": done - ready,
        "compute_cpu": done_cpu - ready_cpu,
        "start_up": ready - STARTED,
        **info,
    }
    result.write_text(json.dumps(report))


def _generate(parquet: Path, pupils: int, info: dict[str, Any]) -> float:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from rollcall.demo.files import write_marks_file
    from rollcall.demo.terms import demo_dates
    from rollcall.demo.world import build_world

    started = time.perf_counter()
    # Loaded on the last day of the school year, the demo's history holds all of FIRST to LAST.
    world = build_world(seed=SEED, pupils=pupils, dates=demo_dates(LAST))
    partial = parquet.with_name(parquet.stem + ".partial.parquet")
    rows = write_marks_file(world, partial, first=FIRST, last=LAST)
    elapsed = time.perf_counter() - started
    upns = pq.read_table(partial, columns=["upn"])["upn"]
    info.update(
        rows=rows,
        world_pupils=len(world.pupils),
        pupils_with_marks=len(pc.unique(upns)),
        seed=SEED,
        pupils_asked=pupils,
        first=str(FIRST),
        last=str(LAST),
        seconds=round(elapsed, 1),
        generator=_generator_fingerprint(),
    )
    parquet.with_suffix(".json").write_text(json.dumps(info, indent=1))
    partial.replace(parquet)
    return elapsed


if __name__ == "__main__":
    _child(sys.argv[1], Path(sys.argv[2]), sys.argv[3:])
