"""Attendance at earlier schools, counted towards the national threshold only (ADR 0009).

The 10 school weeks of the national threshold may span schools, a previous school in another
LA included (WTISA national framework). A pupil's earlier schools reach rollcall in Common
Transfer Files as history, not as registers of schools rollcall runs, and a current school's
figures (attendance, persistent absence) must not change because of them. So the history is a
matrix of its own, laid under the pupil's rows only where the threshold is counted:
`with_history` gives the matrix the threshold reads; every other figure reads the registers'
matrix alone.

An earlier school's rows are named by its LAESTAB (seven digits), which no URN (six) can be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from rollcall.engine.codes import code_table
from rollcall.engine.matrix import EPOCH, MarkMatrix, assemble, overlay, pupils_in, submatrix

# (UPN, earlier school's LAESTAB, date, AM or PM, code)
HistoryRow = tuple[str, str, dt.date, str, str]


def history_matrix(rows: Sequence[HistoryRow]) -> MarkMatrix | None:
    """The rows as a matrix (None when there are none). The codes were checked when the CTF was
    read; a row with a code not in force on its date is a bug, and raises. Where a session is
    given twice, the later row stands (rows come oldest import first)."""
    if not rows:
        return None
    latest = {(upn, school, day, session): code for upn, school, day, session, code in rows}
    keys = list(latest)
    pupils, pupil_index = np.unique([k[0] for k in keys], return_inverse=True)
    schools, school_index = np.unique([k[1] for k in keys], return_inverse=True)
    days = np.array([k[2] for k in keys], dtype="datetime64[D]")
    table = code_table()
    segments = table.segment(days)
    ids = np.array(
        [table.encode(code, segments[i : i + 1])[0] for i, code in enumerate(latest.values())],
        dtype=np.uint8,
    )
    if (ids == 0).any():
        bad = keys[int(np.flatnonzero(ids == 0)[0])]
        raise ValueError(f"earlier-school mark {bad} has a code not in force on its date")
    matrix, _ = assemble(
        pupil=pupil_index.astype(np.int32),
        school=school_index.astype(np.int32),
        day=(days - EPOCH).astype(np.int64),
        is_pm=np.array([k[3] == "PM" for k in keys], dtype=np.int8),
        ids=ids,
        pupils=pupils.astype(object),
        schools=schools.astype(object),
    )
    return matrix


def with_history(matrix: MarkMatrix, history: MarkMatrix | None) -> MarkMatrix:
    """`matrix` with the earlier schools' rows of its own pupils added, for the threshold.
    Pupils keep their numbers (row i is still pupil i), so a result per pupil lines up with
    `matrix`; columns may be more (earlier dates), so read dates from the matrix returned."""
    if history is None or matrix.n_pupils == 0:
        return matrix
    ours = pupils_in(history.pupils, matrix.pupils)
    rows = np.flatnonzero(ours[history.row_pupil])
    if rows.size == 0:
        return matrix
    return overlay(matrix, submatrix(history, rows))
