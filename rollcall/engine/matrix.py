"""The engine's data layout: one byte per pupil-at-a-school per register session.

Rows are enrolments (a pupil at a school); columns are sessions on the days that appear in the
data (AM then PM of each day, days in order). A cell holds the id of the code *with its meaning
on that date* (engine.codes), 0 where there is no mark. 250,000 pupils over a school year is
about 100 MB, and every figure is a pass of numpy over it.

Rows 0..n_pupils-1 are each pupil's first school; rows after that are the other schools of
pupils registered at more than one (movers, dual registration).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from rollcall.engine.codes import CodeTable, code_table

EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class MarkMatrix:
    ids: np.ndarray  # (n_rows, 2 * n_days) uint8
    days: np.ndarray  # (n_days,) datetime64[D], ascending
    row_pupil: np.ndarray  # (n_rows,) int32: pupil index of each row
    row_school: np.ndarray  # (n_rows,) int32: school index of each row
    pupils: np.ndarray  # (n_pupils,) str: UPN of each pupil index
    schools: np.ndarray  # (n_schools,) str: URN of each school index

    @property
    def codes(self) -> CodeTable:
        return code_table()

    @property
    def n_pupils(self) -> int:
        return len(self.pupils)

    @property
    def n_rows(self) -> int:
        return len(self.row_pupil)

    def first_date(self) -> dt.date | None:
        return self.days[0].astype(dt.date) if len(self.days) else None

    def last_date(self) -> dt.date | None:
        return self.days[-1].astype(dt.date) if len(self.days) else None

    def columns_between(self, first: dt.date | None, last: dt.date | None) -> slice:
        """The columns of the sessions from first to last inclusive (either may be open)."""
        lo = 0 if first is None else int(np.searchsorted(self.days, np.datetime64(first, "D")))
        hi = (
            len(self.days)
            if last is None
            else int(np.searchsorted(self.days, np.datetime64(last, "D"), side="right"))
        )
        return slice(2 * lo, 2 * max(lo, hi))

    def column_date(self, column: int) -> dt.date:
        return self.days[column // 2].astype(dt.date)

    @staticmethod
    def column_session(column: int) -> str:
        return "PM" if column % 2 else "AM"


def days_since_epoch(days: np.ndarray) -> np.ndarray:
    return (days - EPOCH).astype(np.int64)


def week_numbers(days: np.ndarray) -> np.ndarray:
    """Monday-to-Sunday week number of each day (1970-01-01 was a Thursday)."""
    return (days_since_epoch(days) + 3) // 7


def assemble(
    *,
    pupil: np.ndarray,
    school: np.ndarray,
    day: np.ndarray,
    is_pm: np.ndarray,
    ids: np.ndarray,
    pupils: np.ndarray,
    schools: np.ndarray,
) -> tuple[MarkMatrix, np.ndarray]:
    """Place validated marks in a matrix.

    pupil and school are indices into pupils and schools; day is days since 1970-01-01.
    Returns the matrix and the indices of marks that collided with a *different* code for the
    same pupil, school and session (the same code twice is harmless and kept once).
    """
    n_pupils = len(pupils)
    n = len(pupil)
    if n == 0:
        empty = np.zeros((n_pupils, 0), dtype=np.uint8)
        matrix = MarkMatrix(
            empty,
            np.array([], dtype="datetime64[D]"),
            np.arange(n_pupils, dtype=np.int32),
            np.zeros(n_pupils, dtype=np.int32),
            pupils,
            schools,
        )
        return matrix, np.array([], dtype=np.int64)

    # Columns: the days that have at least one mark, found by counting (no sort of every mark).
    first_day = int(day.min())
    offset = day.astype(np.int32, copy=False) - np.int32(first_day)
    span = int(offset.max()) + 1
    used = np.flatnonzero(np.bincount(offset, minlength=span))
    column_of_day = np.full(span, -1, dtype=np.int32)
    column_of_day[used] = 2 * np.arange(used.size, dtype=np.int32)
    days = (used + first_day).astype("datetime64[D]")
    n_cols = 2 * used.size

    # Rows: each pupil's first school gets row = pupil index; other schools get extra rows.
    first_school = np.full(n_pupils, -1, dtype=np.int32)
    first_school[pupil[::-1]] = school[::-1]
    other = school != first_school[pupil]
    row_pupil = np.arange(n_pupils, dtype=np.int32)
    row_school = first_school.copy()
    extra_row: np.ndarray | None = None
    if other.any():
        n_schools = max(len(schools), 1)
        key = pupil[other].astype(np.int64) * n_schools + school[other]
        extra_keys, extra_index = np.unique(key, return_inverse=True)
        extra_row = n_pupils + extra_index
        row_pupil = np.concatenate([row_pupil, (extra_keys // n_schools).astype(np.int32)])
        row_school = np.concatenate([row_school, (extra_keys % n_schools).astype(np.int32)])

    n_rows = len(row_pupil)
    index_type: type[np.signedinteger] = np.int32 if n_rows * n_cols < 2**31 else np.int64
    flat: np.ndarray = pupil.astype(index_type) * n_cols
    if extra_row is not None:
        flat[other] = extra_row.astype(index_type) * n_cols
    np.add(flat, column_of_day[offset], out=flat, casting="unsafe")
    np.add(flat, is_pm, out=flat, casting="unsafe")
    del offset
    matrix_ids = np.zeros((n_rows, n_cols), dtype=np.uint8)
    flat_view = matrix_ids.reshape(-1)
    flat_view[flat] = ids
    # A cell written twice with different codes keeps only the last; every other write to it
    # now disagrees with what is stored.
    lost = flat[flat_view[flat] != ids]
    matrix = MarkMatrix(matrix_ids, days, row_pupil, row_school, pupils, schools)
    if lost.size == 0:
        return matrix, np.array([], dtype=np.int64)
    # Report every mark written to a contested cell, not just the ones that lost.
    return matrix, np.flatnonzero(np.isin(flat, np.unique(lost)))
