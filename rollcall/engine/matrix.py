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


def pupils_in(upns: np.ndarray, pupils: np.ndarray) -> np.ndarray:
    """Per UPN of `upns`: whether `pupils` holds it. By binary search when `pupils` is in order
    (a store's are: a few milliseconds for 250,000 pupils, where np.isin sorts them all);
    otherwise by np.isin."""
    upns = np.asarray(upns).astype(str)
    pupils = np.asarray(pupils)
    if not len(pupils) or not len(upns):
        return np.zeros(len(upns), dtype=bool)
    if pupils.dtype.kind != "U" or not bool((pupils[:-1] < pupils[1:]).all()):
        return np.isin(upns, pupils.astype(str))
    at = np.minimum(np.searchsorted(pupils, upns), len(pupils) - 1)
    return np.asarray(pupils[at] == upns)


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


def overlay(base: MarkMatrix, patch: MarkMatrix) -> MarkMatrix:
    """base with every mark of patch written over it: new marks and changed codes (an
    amendment) from the registers, without building base again.

    Pupils, schools and days new in patch are added (new pupils and schools after base's,
    days in order); a pupil's row at its first school stays row = pupil number, and a pupil
    new at another school gets an extra row after the others. Cells patch leaves empty keep
    base's mark."""
    pupils = _union(base.pupils, patch.pupils)
    schools = _union(base.schools, patch.schools)
    days = np.union1d(base.days, patch.days).astype("datetime64[D]")
    n_pupils = len(pupils)
    pupil_of = _positions(pupils, patch.pupils)  # patch pupil -> pupil
    school_of = _positions(schools, patch.schools)
    base_school_of = _positions(schools, base.schools)

    # Rows: base's first rows, new pupils' first rows, then every extra row (base's, then new).
    first_school = np.full(n_pupils, -1, dtype=np.int64)
    first_school[: base.n_pupils] = base_school_of[base.row_school[: base.n_pupils]]
    patch_pupil = pupil_of[patch.row_pupil]
    patch_school = school_of[patch.row_school]
    for row in range(patch.n_rows):  # a few rows: the marks since the store was built
        if first_school[patch_pupil[row]] < 0:
            first_school[patch_pupil[row]] = patch_school[row]
    keys = {
        (int(p), int(base_school_of[s])): n_pupils + i
        for i, (p, s) in enumerate(
            zip(base.row_pupil[base.n_pupils :], base.row_school[base.n_pupils :], strict=True)
        )
    }
    target = np.empty(patch.n_rows, dtype=np.int64)
    for row in range(patch.n_rows):
        pupil, school = int(patch_pupil[row]), int(patch_school[row])
        if first_school[pupil] == school:
            target[row] = pupil
        else:
            target[row] = keys.setdefault((pupil, school), n_pupils + len(keys))
    extra = sorted(keys.items(), key=lambda item: item[1])
    row_pupil = np.concatenate([np.arange(n_pupils), [p for (p, _), _ in extra]])
    row_school = np.concatenate([first_school, [s for (_, s), _ in extra]])

    ids = np.zeros((len(row_pupil), 2 * len(days)), dtype=np.uint8)
    base_days = np.searchsorted(days, base.days)
    base_rows = np.r_[np.arange(base.n_pupils), n_pupils + np.arange(base.n_rows - base.n_pupils)]
    if len(base_days) == len(days):
        ids[base_rows] = base.ids
    else:
        columns = np.ravel(np.stack([2 * base_days, 2 * base_days + 1], axis=1))
        ids[np.ix_(base_rows, columns)] = base.ids
    patch_days = np.searchsorted(days, patch.days)
    rows, cells = np.nonzero(patch.ids)
    columns = 2 * patch_days[cells // 2] + cells % 2
    ids[target[rows], columns] = patch.ids[rows, cells]
    return MarkMatrix(
        ids=ids,
        days=days,
        row_pupil=row_pupil.astype(np.int32),
        row_school=row_school.astype(np.int32),
        pupils=pupils,
        schools=schools,
    )


def submatrix(matrix: MarkMatrix, rows: np.ndarray) -> MarkMatrix:
    """A matrix of just these rows, laid out as the engine expects: each pupil's first row
    first (row i is pupil i), then their other schools. Days and school indices are kept, so
    columns and `row_school` mean the same as in the whole matrix."""
    rows = np.sort(np.asarray(rows, dtype=np.int64))
    owners = matrix.row_pupil[rows]
    pupils, first_position, owner_index = np.unique(owners, return_index=True, return_inverse=True)
    extra = np.ones(rows.size, dtype=bool)
    extra[first_position] = False
    ordered = np.concatenate([rows[first_position], rows[extra]])
    return MarkMatrix(
        ids=np.asarray(matrix.ids[ordered]),
        days=matrix.days,
        row_pupil=np.concatenate([np.arange(pupils.size), owner_index[extra]]).astype(np.int32),
        row_school=matrix.row_school[ordered].astype(np.int32),
        pupils=matrix.pupils[pupils],
        schools=matrix.schools,
    )


def _union(first: np.ndarray, more: np.ndarray) -> np.ndarray:
    """first's values in order, then those of more that first lacks (as str objects)."""
    seen = {str(value) for value in first}
    added = list(dict.fromkeys(str(v) for v in more if str(v) not in seen))
    return np.array([*map(str, first), *added], dtype=object)


def _positions(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    where = {str(value): number for number, value in enumerate(values)}
    return np.array([where[str(value)] for value in wanted], dtype=np.int64)


def spread_over(matrix: MarkMatrix, days: np.ndarray) -> MarkMatrix:
    """The matrix with a column pair for each of `days` (ascending, and holding every day of
    the matrix), empty where it has no marks: a share of the pupils laid over the days of the
    whole data, so its school weeks are the whole data's (engine.spark)."""
    days = np.asarray(days, dtype="datetime64[D]")
    if np.array_equal(matrix.days, days):
        return matrix
    at = np.searchsorted(days, matrix.days)
    if at.size and (at[-1] >= days.size or (days[at] != matrix.days).any()):
        raise ValueError("the days to spread over leave out some of the matrix's days")
    ids = np.zeros((matrix.n_rows, 2 * days.size), dtype=np.uint8)
    ids[:, 2 * at] = matrix.ids[:, 0::2]
    ids[:, 2 * at + 1] = matrix.ids[:, 1::2]
    return MarkMatrix(
        ids=ids,
        days=days,
        row_pupil=matrix.row_pupil,
        row_school=matrix.row_school,
        pupils=matrix.pupils,
        schools=matrix.schools,
    )
