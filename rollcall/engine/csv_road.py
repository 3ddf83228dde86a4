"""The fast road from a long-format CSV marks file to the engine's matrix.

Arrow's CSV reader parses blocks of the file on every core, in any column order, quoted or
not, with Windows line endings or a UTF-8 byte-order mark, and hands over each text column
as distinct values: a block's few thousand UPNs, its schools, sessions and codes are then
checked once each, and the marks placed straight into the matrix (placing.py). Memory stays
that of the matrix and a few blocks, not of the file.

Only clean files take this road: a line with the wrong number of fields, a bad value, a blank
field or two marks for one session sends the file down the careful road
(checking.marks_from_table), which names every bad line.
"""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from rollcall.engine.columns import COLUMNS, Doubtful, header_problem
from rollcall.engine.matrix import MarkMatrix
from rollcall.engine.parquet import batch_of
from rollcall.engine.placing import Batch, Builder, ProgressCallback

BLOCK_BYTES = 16 << 20  # what one thread parses at a time
# Every column as text: the dates are read by columns.day_numbers (Arrow's CSV date parser
# would let a date with spaces around it through, which the careful road refuses); the text
# columns are numbered afterwards (columns.text_entries), the short ones by one compiled pass,
# which is cheaper than Arrow's dictionary conversion while parsing.
TYPES = dict.fromkeys(COLUMNS, pa.string())


def csv_header(path: Path) -> list[str]:
    """The column names on a CSV file's first line (quotes and a byte-order mark removed)."""
    with path.open("rb") as handle:
        line = handle.readline().decode("utf-8-sig", errors="replace").rstrip("\r\n")
    # Names are taken as written: " upn" is not a column the readers would find.
    return next(csv.reader([line]), [])


def _rows_expected(path: Path) -> int:
    """About how many rows the file has, from the length of the lines of its first megabyte
    (marks lines are all much the same length)."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 20)
    lines = max(sample.count(b"\n"), 1)
    return max(int(path.stat().st_size * lines / max(len(sample), 1)) - 1, 1)


def read_csv_marks(path: Path, progress: ProgressCallback | None = None) -> MarkMatrix:
    """Build the matrix from a clean CSV marks file; raises Doubtful otherwise."""
    if header_problem(csv_header(path)):
        raise Doubtful("not the columns of a marks file")
    builder = Builder(expected_rows=_rows_expected(path), progress=progress)
    with ThreadPoolExecutor(max_workers=1) as worker:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(use_threads=True, block_size=BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=TYPES,
                include_columns=list(COLUMNS),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

        def next_batch() -> Batch | None:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return None
            return batch_of(batch)

        # The worker parses (on every core) and numbers the next block while this one is
        # placed.
        pending = worker.submit(next_batch)
        while (batch := pending.result()) is not None:
            pending = worker.submit(next_batch)
            builder.place(batch)
    if builder.rows_read == 0:
        raise Doubtful("no rows")
    return builder.finish()
