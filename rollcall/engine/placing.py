"""Placing clean marks straight into the engine's matrix, batch by batch: the fast roads from
Parquet (parquet.py) and CSV (csv_road.py) both end here.

- each batch's text columns come as dictionaries (a few thousand UPNs, a handful of codes),
  mapped onto rollcall's numbers and checked once per distinct value, not once per row;
- each (pupil, school) pair gets a row of a growing matrix the first time it is met, and
  pupils and schools are numbered in the order the file first mentions them, as the careful
  road (checking.marks_from_table) numbers them;
- the matrix has a column for every calendar day of a span that grows when a batch brings an
  earlier or later date (days without marks are dropped at the end);
- one compiled loop (kernels.place_marks) writes every mark's code id, with its meaning on
  that date, into its cell.

The moment anything is doubtful (a bad UPN, URN, session, code or date, a null, two codes for
one cell) it raises Doubtful, and the caller reads the file again
through the careful road, which names every bad row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rollcall.engine.codes import code_table
from rollcall.engine.columns import Doubtful, Entries
from rollcall.engine.kernels import PLACED, by_rows, first_marks, gather_days, place_marks
from rollcall.engine.matrix import EPOCH, MarkMatrix
from rollcall.statutory.upn import upns_valid

MAX_SCHOOLS = 1 << 16  # extra rows are keyed by pupil * MAX_SCHOOLS + school
# A longer span (a mistyped year, say) goes by the careful road, which keeps only the days
# that have marks.
MAX_SPAN_DAYS = 3_660
# When a batch brings dates outside the span, the span grows by at least this many days on
# that side, so a file sorted by date does not copy the matrix for every batch.
SPAN_STEP_DAYS = 190
NOT_MET = np.iinfo(np.int64).max
LARGE_CELLS = 1 << 30  # bytes
# A batch whose UPN entries times school entries is at most DENSE_PAIRS (or DENSE_PER_ROW times
# its rows) finds its (pupil, school) pairs in a dense grid; a bigger one by sorting (_pairs).
DENSE_PAIRS = 1 << 22
DENSE_PER_ROW = 4

# Told after each batch: rows placed so far and the rows expected in all.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Batch:
    """A batch of marks with its columns in the fast road's shape."""

    school: Entries
    upn: Entries
    session: Entries
    code: Entries
    day: np.ndarray  # int32 per row: days since 1970-01-01

    @property
    def num_rows(self) -> int:
        return int(self.day.shape[0])


class _Numbering:
    """Numbers for the distinct values of a text column, in the order they are met."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def map(self, values: list[str]) -> tuple[np.ndarray, list[str]]:
        """The number of each value, and the values never seen before (numbered in order)."""
        found = list(map(self.numbers.get, values))
        new = [value for value, number in zip(values, found, strict=True) if number is None]
        if new:
            new = list(dict.fromkeys(new))
            start = len(self.numbers)
            self.numbers.update(zip(new, range(start, start + len(new)), strict=True))
            found = list(map(self.numbers.__getitem__, values))
        return np.array(found, dtype=np.int32), new

    @property
    def values(self) -> list[str]:
        return list(self.numbers)


class Builder:
    """Places batches' marks into the matrix.

    Every (pupil, school) pair gets a slot, a row of a growing matrix, in the order met; the
    finished matrix puts each pupil's first school at row = pupil number and the other schools
    after, as checking.marks_from_table does."""

    def __init__(
        self,
        expected_rows: int,
        span: tuple[int, int] | None = None,
        progress: ProgressCallback | None = None,
    ):
        self.table = code_table()
        self.pupils, self.schools = _Numbering(), _Numbering()
        self.sessions, self.codes = _Numbering(), _Numbering()
        self.session_pm = np.zeros(0, dtype=np.int32)  # per session number: 1 for PM
        self.first_school = np.zeros(0, dtype=np.int32)  # per pupil: school of its first mark
        self.first_slot = np.zeros(0, dtype=np.int64)  # per pupil: slot at its first school
        self.other_slots: dict[int, int] = {}  # pupil * MAX_SCHOOLS + school -> slot
        self.slots = 0
        self.rows_read = 0
        self.expected_rows = expected_rows
        self.progress = progress
        self.first_day, self.span = 0, 0
        self.cells = np.zeros((0, 0), dtype=np.uint8)  # a row per slot, two columns per day
        self.seen = np.zeros(0, dtype=bool)
        self.code_day = np.zeros((0, 0), dtype=np.uint8)  # code id by code number and day
        if span is not None:
            self._cover(*span)

    # --- days ---------------------------------------------------------------------------

    def _cover(self, low: int, high: int) -> None:
        """Make the span hold the days low..high, growing it (and the cells) if needed."""
        if self.span:
            old_low, old_high = self.first_day, self.first_day + self.span - 1
            if old_low <= low and high <= old_high:
                return
            need_low, need_high = min(low, old_low), max(high, old_high)
        else:
            need_low, need_high = low, high
        if need_high - need_low >= MAX_SPAN_DAYS:
            raise Doubtful("dates more than ten years apart")
        low, last = need_low, need_high
        if self.span:  # room to spare on the side that grew, never a reason to doubt
            low -= SPAN_STEP_DAYS if need_low < old_low else 0
            last += SPAN_STEP_DAYS if need_high > old_high else 0
            if last - low >= MAX_SPAN_DAYS:
                low, last = need_low, need_high
        span = last - low + 1
        shift = self.first_day - low if self.span else 0
        cells = np.zeros((self.cells.shape[0], 2 * span), dtype=np.uint8)
        seen = np.zeros(span, dtype=bool)
        if self.span:
            cells[:, 2 * shift : 2 * (shift + self.span)] = self.cells
            seen[shift : shift + self.span] = self.seen
        self.cells, self.seen = cells, seen
        self.first_day, self.span = low, span
        days = EPOCH + np.arange(low, low + span).astype("timedelta64[D]")
        self.segment_of_day = self.table.segment(days)
        codes = self.codes.values
        self.code_day = (
            np.vstack([self.table.encode(code, self.segment_of_day) for code in codes])
            if codes
            else np.zeros((0, span), dtype=np.uint8)
        )

    # --- values ---------------------------------------------------------------------------

    def _numbered(
        self, entries: Entries, first_use: np.ndarray, name: str, numbering: _Numbering
    ) -> np.ndarray:
        """rollcall's number for each entry this batch uses (-1 for the unused), numbering new
        values in the order the batch first uses them."""
        used = np.flatnonzero(first_use != NOT_MET)
        order = used[np.argsort(first_use[used], kind="stable")]
        numbers, new = numbering.map([entries.values[i] for i in order.tolist()])
        if new:
            self._check_new(name, new)
        mapping = np.full(len(entries.values), -1, dtype=np.int32)
        mapping[order] = numbers
        return mapping

    def _small(self, entries: Entries, name: str, numbering: _Numbering) -> np.ndarray:
        """The same for a column of a few values (session, code)."""
        if entries.in_order:
            first_use = np.arange(len(entries.values), dtype=np.int64)
            return self._numbered(entries, first_use, name, numbering)
        uses = np.bincount(entries.index, minlength=len(entries.values))
        if uses.shape[0] != len(entries.values):
            raise Doubtful("a dictionary index out of range")
        first_use = np.where(uses > 0, np.arange(uses.shape[0]), NOT_MET)
        return self._numbered(entries, first_use, name, numbering)

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

    # --- rows -----------------------------------------------------------------------------

    def _slots(
        self,
        pupil_of: np.ndarray,
        school_of: np.ndarray,
        u: np.ndarray,
        k: np.ndarray,
        first_at: np.ndarray,
    ) -> np.ndarray:
        """The slot of each (UPN entry u, school entry k) pair of this batch, first met at row
        first_at, making slots for pairs never met before; a pupil's first pair is its first
        school."""
        met = np.argsort(first_at, kind="stable")  # pairs in the order they are first met
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
        unmet = np.zeros(met.size, dtype=np.int64)
        unmet[met] = np.arange(met.size)
        return slot[unmet]  # back in the order the pairs were given

    def place(self, batch: Batch) -> None:
        if batch.num_rows == 0:
            return
        upn, urn = batch.upn, batch.school
        n_upn, n_urn = len(upn.values), len(urn.values)
        dense = n_upn * n_urn <= max(DENSE_PAIRS, DENSE_PER_ROW * batch.num_rows)
        if dense:
            # A grid of every UPN entry by every school entry: marks come pupil by pupil,
            # school by school, so the grid is small and one compiled pass fills it.
            first = np.full((n_upn, n_urn), -1, dtype=np.int64)
            if not first_marks(first, upn.index, urn.index):
                raise Doubtful("a dictionary index out of range")
            u, k = np.nonzero(first >= 0)
            first_at = first[u, k]
            del first
            pair_upn, pair_urn = upn.index, urn.index
        else:
            # Many pupils at many schools in one batch (a national file sorted by date, say):
            # the grid would take gigabytes, so the pairs present are found by sorting.
            u, k, first_at, pair_upn = _pairs(upn.index, urn.index, n_upn, n_urn)
            pair_urn = np.zeros(batch.num_rows, dtype=np.int32)
        upn_first = np.full(n_upn, NOT_MET, dtype=np.int64)
        np.minimum.at(upn_first, u, first_at)
        urn_first = np.full(n_urn, NOT_MET, dtype=np.int64)
        np.minimum.at(urn_first, k, first_at)
        pupil_of = self._numbered(upn, upn_first, "upn", self.pupils)
        school_of = self._numbered(urn, urn_first, "school_urn", self.schools)
        self._cover(int(batch.day.min()), int(batch.day.max()))
        session_of = self._small(batch.session, "session", self.sessions)
        code_of = self._small(batch.code, "code", self.codes)
        slot = self._slots(pupil_of, school_of, u, k, first_at)
        if dense:
            slot_of = np.full((n_upn, n_urn), -1, dtype=np.int64)
            slot_of[u, k] = slot
        else:  # one "school" column: each row's pair number stands for its UPN entry
            slot_of = slot.reshape(-1, 1)
        self._room_for(batch.num_rows)
        outcome, _ = place_marks(
            self.cells,
            self.seen,
            slot_of,
            pair_upn,
            pair_urn,
            # Unused entries (-1) are never looked up: no row points at them.
            self.session_pm[np.maximum(session_of, 0)],
            batch.session.index,
            self.code_day[np.maximum(code_of, 0)],
            batch.code.index,
            batch.day,
            self.first_day,
        )
        self.rows_read += batch.num_rows
        if outcome != PLACED:
            # A code not in force that day, or two codes for one session:
            # the careful road says which rows, and why.
            raise Doubtful("a mark the careful road must look at")
        if self.progress is not None:
            self.progress(self.rows_read, max(self.expected_rows, self.rows_read))

    def _room_for(self, batch_rows: int) -> None:
        """Grow the cells to hold every slot; when growing, make room for as many more slots
        per mark as met so far (files are about a pupil's year per few hundred marks)."""
        have = self.cells.shape[0]
        if self.slots <= have:
            return
        done = self.rows_read + batch_rows
        expected = int(self.slots * self.expected_rows / max(done, 1) * 1.05) + 1024
        # Doubling while the cells are small; a quarter more once they are large (a national
        # file's cells are gigabytes, and the old and new cells are both held while copying).
        more = have if have * self.cells.shape[1] < LARGE_CELLS else have // 4
        grown = np.zeros((max(self.slots, expected, have + more), self.cells.shape[1]), np.uint8)
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
        if used.size:
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


def _pairs(
    upn: np.ndarray, urn: np.ndarray, n_upn: int, n_urn: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The (UPN entry, school entry) pairs of a batch's rows, found by sorting: each pair's
    entries and the row it is first met at, and each row's pair number (int32)."""
    if not (int(upn.min()) >= 0 and int(upn.max()) < n_upn):
        raise Doubtful("a dictionary index out of range")
    if not (int(urn.min()) >= 0 and int(urn.max()) < n_urn):
        raise Doubtful("a dictionary index out of range")
    keys = upn.astype(np.int64) * n_urn + urn
    unique, first_at, pair = np.unique(keys, return_index=True, return_inverse=True)
    return unique // n_urn, unique % n_urn, first_at.astype(np.int64), pair.astype(np.int32)
