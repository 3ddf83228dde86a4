"""The fast road from a long-format Parquet file to the engine's matrix.

A local authority's year is about 100 million rows. Building five 100-million-entry index
arrays, checking them and then placing every mark (reading.marks_from_table) costs several
seconds and gigabytes. Here row groups are read one at a time, dictionary-encoded (the next
one is read while this one is placed), and their marks go straight into the matrix:

- the span of days comes from the date column's statistics, kept in every Parquet footer;
- each text column's per-row-group dictionary (a few thousand UPNs, a handful of codes) is
  mapped onto rollcall's numbers and checked once per distinct value, not once per row;
- each (pupil, school) pair gets a row of a growing matrix the first time it is met;
- one compiled loop (kernels.place_marks) writes every mark's code id, with its meaning on
  that date, into its cell.

Only clean files take this road. The moment anything is doubtful (a bad UPN, URN, session, code
or date, a null, two marks for one cell, even the same mark twice) it stops, and the caller
reads the file again through reading.marks_from_table, which names every bad row. The two roads
build the same matrix (tests/engine_internals/test_parquet_road.py compares them cell by cell).
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from rollcall.engine.codes import code_table
from rollcall.engine.kernels import PLACED, by_rows, first_marks, gather_days, place_marks
from rollcall.engine.matrix import EPOCH, MarkMatrix
from rollcall.statutory.upn import upns_valid

COLUMNS = ("school_urn", "upn", "date", "session", "code")
TEXT_COLUMNS = ("school_urn", "upn", "session", "code")
MAX_SCHOOLS = 1 << 16  # extra rows are keyed by pupil * MAX_SCHOOLS + school
# The matrix is built with a column for every calendar day from the first date to the last
# (days without marks are dropped at the end). A longer span (a mistyped year, say) goes by
# the careful road, which keeps only the days that have marks.
MAX_SPAN_DAYS = 3_660


class Doubtful(Exception):
    """The file needs the careful road (reading.marks_from_table) to say what is wrong."""


class _Numbering:
    """Numbers for the distinct values of a text column, mapped one dictionary at a time."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def map(self, dictionary: pa.Array) -> tuple[np.ndarray, list[str]]:
        """The number of each dictionary entry, and the values never seen before (numbered
        in the order of the dictionary)."""
        values = dictionary.to_pylist()
        found = list(map(self.numbers.get, values))
        new = [value for value, number in zip(values, found, strict=True) if number is None]
        if new:
            new = list(dict.fromkeys(new))  # (a dictionary's entries are distinct anyway)
            start = len(self.numbers)
            self.numbers.update(zip(new, range(start, start + len(new)), strict=True))
            found = list(map(self.numbers.__getitem__, values))
        return np.array(found, dtype=np.int32), new

    @property
    def values(self) -> list[str]:
        return list(self.numbers)


def _day_span(parquet: pq.ParquetFile) -> tuple[int, int]:
    """First and last day (days since 1970-01-01) in the file, from the row groups' statistics."""
    metadata = parquet.metadata
    column = parquet.schema_arrow.get_field_index("date")
    lows, highs = [], []
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(column).statistics
        if stats is None or not stats.has_min_max or stats.null_count:
            raise Doubtful("no statistics for the date column")
        lows.append(stats.min)
        highs.append(stats.max)
    epoch = EPOCH.astype(dt.date)
    return (min(lows) - epoch).days, (max(highs) - epoch).days


def read_parquet_marks(path: Path) -> MarkMatrix:
    """Build the matrix from a clean Parquet marks file; raises Doubtful otherwise."""
    parquet = pq.ParquetFile(path, read_dictionary=list(TEXT_COLUMNS))
    schema = parquet.schema_arrow
    if list(schema.names)[: len(COLUMNS)] != list(COLUMNS) or not pa.types.is_date32(
        schema.field("date").type
    ):
        raise Doubtful("not the columns or types of the fast road")
    for name in TEXT_COLUMNS:
        kind = schema.field(name).type
        if not (pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)):
            raise Doubtful("a text column is not a string column")
    if parquet.metadata.num_rows == 0:
        raise Doubtful("no rows")
    first_day, last_day = _day_span(parquet)
    if last_day - first_day >= MAX_SPAN_DAYS:
        raise Doubtful("dates more than ten years apart")
    builder = _Builder(first_day, last_day, parquet.metadata.num_rows)

    def read(group: int) -> pa.Table:
        return parquet.read_row_group(group, columns=list(COLUMNS))

    # One thread reads (and decompresses, itself in parallel) the next row group while this
    # one is placed; numpy and Arrow let go of the interpreter lock for both.
    n_groups = parquet.metadata.num_row_groups
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(read, 0)
        for group in range(n_groups):
            chunk = pending.result()
            if group + 1 < n_groups:
                pending = reader.submit(read, group + 1)
            for batch in chunk.to_batches():
                if batch.num_rows:
                    builder.place(batch)
    return builder.finish()


class _Builder:
    """Places row groups' marks into the matrix.

    Every (pupil, school) pair gets a slot, a row of a growing matrix, in the order met; the
    finished matrix puts each pupil's first school at row = pupil number and the other schools
    after, as reading.marks_from_table does. Work that can be done once per dictionary entry
    (a UPN, a code) is; each mark is then placed by one compiled loop (kernels.place_marks)."""

    def __init__(self, first_day: int, last_day: int, total_rows: int):
        self.first_day = first_day
        self.span = last_day - first_day + 1
        table = code_table()
        days = EPOCH + np.arange(first_day, first_day + self.span).astype("timedelta64[D]")
        self.segment_of_day = table.segment(days)
        self.table = table
        self.pupils, self.schools = _Numbering(), _Numbering()
        self.sessions, self.codes = _Numbering(), _Numbering()
        self.session_pm = np.zeros(0, dtype=np.int32)  # per session number: 1 for PM
        # Per code number and day of the span: the code's id with its meaning that day.
        self.code_day = np.zeros((0, self.span), dtype=np.uint8)
        self.first_school = np.zeros(0, dtype=np.int32)  # per pupil: school of its first mark
        self.first_slot = np.zeros(0, dtype=np.int64)  # per pupil: slot at its first school
        self.other_slots: dict[int, int] = {}  # pupil * MAX_SCHOOLS + school -> slot
        self.cells = np.zeros((0, 2 * self.span), dtype=np.uint8)  # a row per slot
        self.slots = 0
        self.rows_read = 0
        self.total_rows = total_rows
        self.seen = np.zeros(self.span, dtype=bool)

    def _dictionary(self, column: pa.Array, name: str, numbering: _Numbering) -> np.ndarray:
        """rollcall's number for each entry of this batch's dictionary."""
        if column.null_count:
            raise Doubtful("a null")
        mapping, new = numbering.map(column.dictionary)
        if new:
            self._check_new(name, new)
        return mapping

    def _check_new(self, name: str, new: list[str]) -> None:
        if name == "upn":
            if not upns_valid(new).all():
                raise Doubtful("a bad UPN")
            unset = np.full(len(new), -1)
            self.first_school = np.concatenate([self.first_school, unset.astype(np.int32)])
            self.first_slot = np.concatenate([self.first_slot, unset])
        elif name == "school_urn":
            if any(len(u) != 6 or not u.isascii() or not u.isdigit() for u in new):
                raise Doubtful("a bad URN")
            if len(self.schools.numbers) > MAX_SCHOOLS:
                raise Doubtful("more schools than the fast road numbers")
        elif name == "session":
            if any(value not in ("AM", "PM") for value in new):
                raise Doubtful("a bad session")
            pm = np.array([value == "PM" for value in new], dtype=np.int32)
            self.session_pm = np.concatenate([self.session_pm, pm])
        elif name == "code":
            encoded = [self.table.encode(code, self.segment_of_day) for code in new]
            self.code_day = np.vstack([self.code_day, *encoded])

    def _slots(
        self, pupil_of: np.ndarray, school_of: np.ndarray, upn: np.ndarray, urn: np.ndarray
    ) -> np.ndarray:
        """The slot of each (UPN entry, school entry) pair of this batch, making slots for
        pairs never met before; a pupil's first pair is its first school."""
        first = np.full((len(pupil_of), len(school_of)), -1, dtype=np.int64)
        if not first_marks(first, upn, urn):
            raise Doubtful("a dictionary index out of range")
        u, k = np.nonzero(first >= 0)
        met = np.argsort(first[u, k], kind="stable")  # pairs in the order they are first met
        u, k = u[met], k[met]
        pupil, school = pupil_of[u], school_of[k]
        new = np.flatnonzero(self.first_slot[pupil] < 0)
        if new.size:
            _, at = np.unique(pupil[new], return_index=True)
            at = np.sort(new[at])  # each new pupil's first pair, in the order met
            self.first_school[pupil[at]] = school[at]
            self.first_slot[pupil[at]] = self.slots + np.arange(at.size)
            self.slots += at.size
        slot = self.first_slot[pupil]
        for index in np.flatnonzero(self.first_school[pupil] != school).tolist():
            key = int(pupil[index]) * MAX_SCHOOLS + int(school[index])
            if key not in self.other_slots:
                self.other_slots[key] = self.slots
                self.slots += 1
            slot[index] = self.other_slots[key]
        slot_of = np.full(first.shape, -1, dtype=np.int64)
        slot_of[u, k] = slot
        return slot_of

    def place(self, batch: pa.RecordBatch) -> None:
        upn, urn = batch.column("upn"), batch.column("school_urn")
        session, code, dates = batch.column("session"), batch.column("code"), batch.column("date")
        if dates.null_count:
            raise Doubtful("a null")
        pupil_of = self._dictionary(upn, "upn", self.pupils)
        school_of = self._dictionary(urn, "school_urn", self.schools)
        session_of = self._dictionary(session, "session", self.sessions)
        code_of = self._dictionary(code, "code", self.codes)

        def indices(column: pa.Array) -> np.ndarray:
            return column.indices.to_numpy(zero_copy_only=False)

        upn_index, urn_index = indices(upn), indices(urn)
        slot_of = self._slots(pupil_of, school_of, upn_index, urn_index)
        self._room_for(batch.num_rows)
        outcome, _ = place_marks(
            self.cells,
            self.seen,
            slot_of,
            upn_index,
            urn_index,
            self.session_pm[session_of],
            indices(session),
            self.code_day[code_of],
            indices(code),
            dates.view(pa.int32()).to_numpy(zero_copy_only=False),
            self.first_day,
        )
        self.rows_read += batch.num_rows
        if outcome != PLACED:
            # A code not in force that day, two marks for one session (or the same mark twice),
            # or a date outside the statistics: the careful road says which rows, and why.
            raise Doubtful("a mark the careful road must look at")

    def _room_for(self, batch_rows: int) -> None:
        """Grow the cells to hold every slot; when growing, make room for as many more slots
        per mark as met so far (files are about a pupil's year per few hundred marks)."""
        have = self.cells.shape[0]
        if self.slots <= have:
            return
        done = self.rows_read + batch_rows
        expected = int(self.slots * self.total_rows / max(done, 1) * 1.05) + 1024
        grown = np.zeros((max(self.slots, expected, 2 * have), self.cells.shape[1]), np.uint8)
        grown[:have] = self.cells
        self.cells = grown

    def finish(self) -> MarkMatrix:
        n_pupils = len(self.pupils.numbers)
        keys = np.fromiter(self.other_slots, dtype=np.int64, count=len(self.other_slots))
        order = np.argsort(keys, kind="stable")  # other schools in (pupil, school) order
        other = np.fromiter(self.other_slots.values(), dtype=np.int64, count=len(keys))[order]
        slot_rows = np.concatenate([self.first_slot, other])
        if (slot_rows < 0).any():
            raise Doubtful("a UPN without marks")
        used = np.flatnonzero(self.seen)
        # Rows into matrix order, leaving out days without marks; a day is two bytes (AM, PM)
        # moved as one uint16.
        ids = np.empty((len(slot_rows), 2 * used.size), dtype=np.uint8)
        by_rows(
            gather_days,
            len(slot_rows),
            self.cells.view(np.uint16),
            slot_rows,
            used,
            ids.view(np.uint16),
        )
        return MarkMatrix(
            ids=ids,
            days=(used + self.first_day).astype("datetime64[D]"),
            row_pupil=np.concatenate([np.arange(n_pupils), keys[order] // MAX_SCHOOLS]).astype(
                np.int32
            ),
            row_school=np.concatenate([self.first_school, keys[order] % MAX_SCHOOLS]).astype(
                np.int32
            ),
            pupils=np.array(self.pupils.values, dtype=object),
            schools=np.array(self.schools.values, dtype=object),
        )
