"""The fast road from a long-format Parquet file to the engine's matrix.

A local authority's year is about 100 million rows. Building five 100-million-entry index
arrays, checking them and then placing every mark (checking.marks_from_table) costs several
seconds and gigabytes. Here row groups are read one at a time, with text columns decoded
straight into dictionaries (the next row group is read while this one is placed), their
columns put in the fast road's shape whatever wrote them (columns.py: pandas, Polars, DuckDB,
Spark or Arrow types), and their marks placed straight into the matrix (placing.py). The span
of days comes from the date column's statistics when the dates are stored as dates.

Only clean files take this road. The moment anything is doubtful it raises Doubtful, and the
caller reads the file again through checking.marks_from_table, which names every bad row. The
two roads build the same matrix (tests/engine_internals/test_parquet_road.py and
test_writers_roads.py compare them cell by cell).
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from rollcall.engine.columns import (
    COLUMNS,
    Doubtful,
    day_numbers,
    header_problem,
    int96_columns,
    text_entries,
    urn_entries,
    with_utc,
)
from rollcall.engine.matrix import EPOCH, MarkMatrix
from rollcall.engine.placing import Batch, Builder, ProgressCallback

__all__ = ["COLUMNS", "Doubtful", "batch_of", "read_parquet_marks"]


def _day_span(parquet: pq.ParquetFile) -> tuple[int, int] | None:
    """First and last day (days since 1970-01-01) in the file, from the row groups' statistics
    of a date column; None when the file cannot say."""
    if not pa.types.is_date32(parquet.schema_arrow.field("date").type):
        return None
    metadata = parquet.metadata
    column = parquet.schema_arrow.get_field_index("date")
    lows, highs = [], []
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(column).statistics
        if stats is None or not stats.has_min_max or stats.null_count:
            return None
        lows.append(stats.min)
        highs.append(stats.max)
    epoch = EPOCH.astype(dt.date)
    return (min(lows) - epoch).days, (max(highs) - epoch).days


def batch_of(columns: pa.RecordBatch) -> Batch:
    """A batch of marks, whatever types its writer gave the columns, in the fast road's shape."""
    one = columns.column
    return Batch(
        school=urn_entries(one("school_urn")),
        upn=text_entries(one("upn")),
        session=text_entries(one("session")),
        code=text_entries(one("code")),
        day=day_numbers(one("date")),
    )


def read_parquet_marks(path: Path, progress: ProgressCallback | None = None) -> MarkMatrix:
    """Build the matrix from a clean Parquet marks file; raises Doubtful otherwise."""
    names = pq.read_schema(path).names
    if header_problem(list(names)):
        raise Doubtful("not the columns of a marks file")
    parquet = pq.ParquetFile(path, read_dictionary=list(COLUMNS))
    total = parquet.metadata.num_rows
    if total == 0:
        raise Doubtful("no rows")
    builder = Builder(total, span=_day_span(parquet), progress=progress)
    in_utc = int96_columns(parquet)

    def read(group: int) -> list[Batch]:
        table = with_utc(parquet.read_row_group(group, columns=list(COLUMNS)), in_utc)
        return [batch_of(batch) for batch in table.to_batches() if batch.num_rows]

    # One thread reads (and decompresses, itself in parallel) the next row group and puts its
    # columns in shape while this one is placed; numpy and Arrow let go of the interpreter lock.
    n_groups = parquet.metadata.num_row_groups
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(read, 0)
        for group in range(n_groups):
            batches = pending.result()
            if group + 1 < n_groups:
                pending = reader.submit(read, group + 1)
            for batch in batches:
                builder.place(batch)
    return builder.finish()
