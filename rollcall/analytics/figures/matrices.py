"""Cutting the engine's matrix down to the rows a page needs."""

from __future__ import annotations

import datetime as dt

import numpy as np

from rollcall.engine import MarkMatrix
from rollcall.engine.matrix import EPOCH


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


def pupil_index(matrix: MarkMatrix, upn: str) -> int | None:
    found = np.flatnonzero(matrix.pupils.astype(str) == upn)
    return int(found[0]) if found.size else None


def rows_of_pupils(matrix: MarkMatrix, pupils: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.isin(matrix.row_pupil, pupils))


def monday_of_week(week: int) -> dt.date:
    """The Monday of an engine week number (weeks are counted from 1970-01-01, a Thursday)."""
    return (EPOCH + np.timedelta64(7 * int(week) - 3, "D")).astype(dt.date)
