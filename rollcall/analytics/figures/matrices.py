"""Cutting the engine's matrix down to the rows a page needs."""

from __future__ import annotations

import datetime as dt

import numpy as np

from rollcall.engine import MarkMatrix
from rollcall.engine.matrix import EPOCH, submatrix

__all__ = ["monday_of_week", "pupil_index", "rows_of_pupils", "submatrix"]


def pupil_index(matrix: MarkMatrix, upn: str) -> int | None:
    """The pupil's index, found by binary search when the store holds its pupils in UPN order
    (a few pages of a memory-mapped store read, not the LA's UPNs); UPNs are unique, so a
    match found that way is the pupil whatever the order. Otherwise by looking at each."""
    pupils = matrix.pupils
    at = int(np.searchsorted(pupils, upn))
    if at < len(pupils) and str(pupils[at]) == upn:
        return at
    found = np.flatnonzero(pupils.astype(str) == upn)
    return int(found[0]) if found.size else None


def rows_of_pupils(matrix: MarkMatrix, pupils: np.ndarray) -> np.ndarray:
    """Every row of these pupils (indices), in order. Row p is pupil p's first school
    (engine.matrix), so only the rows of second schools are searched: a pupil's rows are found
    in microseconds however many pupils the matrix holds."""
    first = np.unique(np.asarray(pupils, dtype=np.int64))
    n = matrix.n_pupils
    others = np.flatnonzero(np.isin(np.asarray(matrix.row_pupil[n:]), first)) + n
    return np.concatenate([first, others])


def monday_of_week(week: int) -> dt.date:
    """The Monday of an engine week number (weeks are counted from 1970-01-01, a Thursday)."""
    return (EPOCH + np.timedelta64(7 * int(week) - 3, "D")).astype(dt.date)
