"""Long-format marks files (school_urn,upn,date,session,code) from the demo generator, at any
scale, for benchmarks and import tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from rollcall.demo.marks import world_marks
from rollcall.demo.world import World

SCHEMA = pa.schema(
    [
        ("school_urn", pa.string()),
        ("upn", pa.string()),
        ("date", pa.date32()),
        ("session", pa.string()),
        ("code", pa.string()),
    ]
)


def write_marks_file(
    world: World, path: Path, *, first: dt.date | None = None, last: dt.date | None = None
) -> int:
    """Write every mark in the world between first and last to CSV or Parquet (by suffix).

    Returns the number of rows written. Files are written school by school, so memory stays
    bounded by the largest school.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ValueError(f"{path}: the marks file must end in .csv or .parquet")
    urns = {school.key: school.urn for school in world.schools}
    lo = np.datetime64(first) if first else None
    hi = np.datetime64(last) if last else None
    path.parent.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | pa_csv.CSVWriter
    if suffix == ".parquet":
        writer = pq.ParquetWriter(path, SCHEMA, compression="zstd")
    else:
        writer = pa_csv.CSVWriter(path, SCHEMA)
    rows = 0
    batch: list[pa.RecordBatch] = []
    pending = 0
    try:
        for em in world_marks(world):
            keep = np.ones(em.dates.size, dtype=bool)
            if lo is not None:
                keep &= em.dates >= lo
            if hi is not None:
                keep &= em.dates <= hi
            n = int(keep.sum())
            if n == 0:
                continue
            batch.append(
                pa.RecordBatch.from_arrays(
                    [
                        pa.array(np.full(n, urns[em.school_key])),
                        pa.array(np.full(n, em.upn)),
                        pa.array(em.dates[keep], type=pa.date32()),
                        pa.array(np.where(em.is_pm[keep], "PM", "AM")),
                        pa.array(em.codes[keep]),
                    ],
                    schema=SCHEMA,
                )
            )
            pending += n
            if pending >= 1_000_000:
                writer.write_table(pa.Table.from_batches(batch))
                rows += pending
                batch, pending = [], 0
        if batch:
            writer.write_table(pa.Table.from_batches(batch))
            rows += pending
    finally:
        writer.close()
    return rows
