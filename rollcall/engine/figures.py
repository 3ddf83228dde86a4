"""Per-pupil and per-enrolment attendance figures (DFE-STATS: DfE methodology).

Possible sessions are those coded present, approved educational activity (AEA), authorised or
unauthorised; attendance is (present + AEA) / possible; absence is (authorised + unauthorised) /
possible. Persistent and severe absence are absence of at least the shares DFE-STATS sets, read
from the statutory data in force on the period's last day (`statutory.on(day).absence`). L counts
as present; late_before_close counts L and late_after_close U.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.engine.codes import AEA, AUTHORISED, NOT_COUNTED, PRESENT, UNAUTHORISED
from rollcall.engine.kernels import by_rows, count_lanes
from rollcall.engine.matrix import MarkMatrix

CHUNK_ROWS = 16_384
CATEGORIES = (PRESENT, AEA, AUTHORISED, UNAUTHORISED, NOT_COUNTED)


def code_histogram(matrix: MarkMatrix, columns: slice) -> np.ndarray:
    """For each row, how many sessions carry each code id (n_rows x n_ids, int32)."""
    size = matrix.codes.size
    block = matrix.ids[:, columns]
    n_rows = block.shape[0]
    result = np.empty((n_rows, size), dtype=np.int32)
    offsets = np.arange(CHUNK_ROWS, dtype=np.int32)[:, None] * size
    for start in range(0, n_rows, CHUNK_ROWS):
        part = block[start : start + CHUNK_ROWS]
        rows = part.shape[0]
        keys = part.astype(np.int32) + offsets[:rows]
        result[start : start + rows] = np.bincount(keys.reshape(-1), minlength=rows * size).reshape(
            rows, size
        )
    return result


def category_counts(matrix: MarkMatrix, columns: slice) -> np.ndarray:
    """Per row: sessions present, AEA, authorised, unauthorised, not counted, L and U
    (n_rows x 7, int64), in one compiled pass over the rows (kernels.count_lanes)."""
    table = matrix.codes
    lanes = [table.category == number for number in CATEGORIES]
    lanes += [table.code == "L", table.code == "U"]
    words = np.zeros((2, table.size), dtype=np.uint64)
    for lane, adds in enumerate(lanes):
        words[lane // 4, adds] |= np.uint64(1 << (16 * (lane % 4)))
    result = np.zeros((matrix.n_rows, 8), dtype=np.int64)
    lo, hi, _ = columns.indices(matrix.ids.shape[1])
    if hi > lo:
        by_rows(count_lanes, matrix.n_rows, matrix.ids, lo, hi, words[0], words[1], result)
    return result[:, : len(lanes)]


def by_pupil(matrix: MarkMatrix, per_row: np.ndarray) -> np.ndarray:
    """Add up rows (enrolments) into pupils: rows beyond n_pupils are pupils' other schools."""
    n = matrix.n_pupils
    result = per_row[:n].copy()
    if matrix.n_rows > n:
        np.add.at(result, matrix.row_pupil[n:], per_row[n:])
    return result


@dataclass(frozen=True)
class Figures:
    """Session counts and rates, one entry per pupil (or per enrolment)."""

    possible: np.ndarray
    present: np.ndarray
    aea: np.ndarray
    authorised: np.ndarray
    unauthorised: np.ndarray
    not_counted: np.ndarray
    late_before_close: np.ndarray
    late_after_close: np.ndarray
    code_counts: np.ndarray | None  # (n, n_ids) when asked for: sessions per code id
    # The persistent and severe absence shares for the period (None: no session to measure).
    measures: statutory.AbsenceMeasures | None = None

    @property
    def absent(self) -> np.ndarray:
        return self.authorised + self.unauthorised

    @property
    def attendance_pct(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                self.possible > 0, 100.0 * (self.present + self.aea) / self.possible, np.nan
            )

    @property
    def absence_pct(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.possible > 0, 100.0 * self.absent / self.possible, np.nan)

    @property
    def persistent_absence(self) -> np.ndarray:
        if self.measures is None:
            return np.zeros(len(self.possible), dtype=bool)
        return np.asarray(self.measures.persistent(absent=self.absent, possible=self.possible))

    @property
    def severe_absence(self) -> np.ndarray:
        if self.measures is None:
            return np.zeros(len(self.possible), dtype=bool)
        return np.asarray(self.measures.severe(absent=self.absent, possible=self.possible))

    def measured(self, matrix: MarkMatrix, last: dt.date | None) -> Figures:
        """These figures with the absence measures in force on the period's last day."""
        day = last if last is not None else matrix.last_date()
        measures = statutory.on(day).absence if day is not None else None
        return dataclasses.replace(self, measures=measures)


def figures_from_histogram(matrix: MarkMatrix, histogram: np.ndarray) -> Figures:
    codes = matrix.codes
    category = codes.category

    def total(number: int) -> np.ndarray:
        return histogram[:, category == number].sum(axis=1)

    present, aea = total(PRESENT), total(AEA)
    authorised, unauthorised = total(AUTHORISED), total(UNAUTHORISED)
    return Figures(
        possible=present + aea + authorised + unauthorised,
        present=present,
        aea=aea,
        authorised=authorised,
        unauthorised=unauthorised,
        not_counted=total(NOT_COUNTED),
        late_before_close=histogram[:, codes.code == "L"].sum(axis=1),
        late_after_close=histogram[:, codes.code == "U"].sum(axis=1),
        code_counts=histogram,
    )


def figures_from_counts(counts: np.ndarray) -> Figures:
    present, aea, authorised, unauthorised, not_counted, late, after_close = counts.T
    return Figures(
        possible=present + aea + authorised + unauthorised,
        present=present,
        aea=aea,
        authorised=authorised,
        unauthorised=unauthorised,
        not_counted=not_counted,
        late_before_close=late,
        late_after_close=after_close,
        code_counts=None,
    )


def pupil_figures(
    matrix: MarkMatrix,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    with_code_counts: bool = False,
) -> Figures:
    """Figures per pupil over the sessions from first to last (inclusive; open if None).
    with_code_counts also counts sessions per code (slower)."""
    columns = matrix.columns_between(first, last)
    if with_code_counts:
        figures = figures_from_histogram(matrix, by_pupil(matrix, code_histogram(matrix, columns)))
    else:
        figures = figures_from_counts(by_pupil(matrix, category_counts(matrix, columns)))
    return figures.measured(matrix, last)


def enrolment_figures(
    matrix: MarkMatrix,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    with_code_counts: bool = False,
) -> Figures:
    """Figures per row (a pupil at one school): the unit for persistent-absence rates."""
    columns = matrix.columns_between(first, last)
    if with_code_counts:
        figures = figures_from_histogram(matrix, code_histogram(matrix, columns))
    else:
        figures = figures_from_counts(category_counts(matrix, columns))
    return figures.measured(matrix, last)
