"""The national threshold to the session (RULES §3; WTISA national framework).

10 sessions of unauthorised absence (G, N, O, U) within a rolling period of 10 school weeks. A
school week is a Monday-to-Sunday week in which the pupil's school held at least one session
(any mark except # and Y4, per the statutory data), so holidays are skipped and the window may
span terms, academic years and schools: a pupil's marks at every school are combined.

For each pupil we find the first session at which the count of qualifying sessions in the 10
school weeks ending with that session's week (up to and including the session) reaches 10, and
the count in the 10 school weeks ending with the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.engine.kernels import by_rows, count_weeks, threshold_windows
from rollcall.engine.matrix import MarkMatrix, week_numbers

LONGEST_WEEK = 14  # sessions in a Monday-to-Sunday week


@dataclass(frozen=True)
class ThresholdRule:
    sessions: int
    school_weeks: int
    qualifying: np.ndarray  # bool per code id
    school_week_session: np.ndarray  # bool per code id: a session held that makes a school week

    @classmethod
    def national(cls, matrix: MarkMatrix, on: dt.date) -> ThresholdRule:
        law = statutory.on(on).threshold
        if law is None:
            raise ValueError(f"there is no national threshold in force on {on}")
        return cls.for_codes(matrix, on, set(law.codes))

    @classmethod
    def for_codes(cls, matrix: MarkMatrix, on: dt.date, codes: set[str]) -> ThresholdRule:
        """The national rule counting only these codes (a policy profile's local choice)."""
        law = statutory.on(on).threshold
        if law is None:
            raise ValueError(f"there is no national threshold in force on {on}")
        table = matrix.codes
        # Only meanings that count under the framework: sessions before 19 Aug 2024 never do.
        qualifying = table.ids_for(codes) & table.counts_for_threshold
        held = np.ones(table.size, dtype=bool)
        held[0] = False
        held &= ~table.ids_for(set(law.school_week.non_school_week_codes))
        return cls(law.sessions, law.school_weeks, qualifying, held)


@dataclass(frozen=True)
class ThresholdResult:
    met_column: np.ndarray  # per pupil: column of the session at which it was met, -1 if never
    sessions_in_window: np.ndarray  # per pupil: count in the school weeks ending at the as-of date

    def met(self) -> np.ndarray:
        return self.met_column >= 0


def _weekly(matrix: MarkMatrix, columns: slice, rule: ThresholdRule) -> tuple[np.ndarray, ...]:
    """Per pupil and week: qualifying sessions and whether it was a school week."""
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    weeks = week_numbers(days)
    starts = (
        np.flatnonzero(np.r_[True, weeks[1:] != weeks[:-1]]) if len(weeks) else np.array([], int)
    )
    column_starts = columns.start + 2 * starts
    column_ends = np.r_[column_starts[1:], columns.stop]
    n = matrix.n_pupils
    if len(starts) == 0:
        empty = np.zeros((n, 0), dtype=np.int16)
        return empty, empty.astype(bool), column_starts, column_ends
    qualifying = np.zeros((matrix.n_rows, len(starts)), dtype=np.int16)
    held = np.zeros((matrix.n_rows, len(starts)), dtype=bool)
    by_rows(
        count_weeks,
        matrix.n_rows,
        matrix.ids,
        column_starts.astype(np.int64),
        columns.stop,
        rule.qualifying,
        rule.school_week_session,
        qualifying,
        held,
    )
    q, s = qualifying[:n], held[:n]
    if matrix.n_rows > n:
        q, s = q.copy(), s.copy()
        np.add.at(q, matrix.row_pupil[n:], qualifying[n:])
        np.logical_or.at(s, matrix.row_pupil[n:], held[n:])
    return q, s, column_starts, column_ends


def national_threshold(
    matrix: MarkMatrix, *, as_of: dt.date, rule: ThresholdRule | None = None
) -> ThresholdResult:
    rule = rule or ThresholdRule.national(matrix, as_of)
    columns = matrix.columns_between(None, as_of)
    n = matrix.n_pupils
    q, held, column_starts, column_ends = _weekly(matrix, columns, rule)
    n_weeks = q.shape[1]
    if n_weeks == 0:
        return ThresholdResult(np.full(n, -1), np.zeros(n, dtype=np.int64))
    if rule.school_weeks < 1:
        raise ValueError("the rolling period must be at least one school week")
    met_week = np.empty(n, dtype=np.int64)
    needed_in_week = np.empty(n, dtype=np.int64)
    in_window = np.empty(n, dtype=np.int64)
    by_rows(
        threshold_windows,
        n,
        q,
        held,
        rule.school_weeks,
        rule.sessions,
        met_week,
        needed_in_week,
        in_window,
    )
    met_column = np.full(n, -1, dtype=np.int64)
    pupils = np.flatnonzero(met_week >= 0)
    if pupils.size:
        weeks = met_week[pupils]
        # Sessions needed inside the week on top of the earlier weeks of the window.
        needed = needed_in_week[pupils]
        offsets = np.arange(LONGEST_WEEK)
        cols = column_starts[weeks][:, None] + offsets[None, :]
        inside = cols < column_ends[weeks][:, None]
        cols = np.where(inside, cols, column_starts[weeks][:, None])
        counted = rule.qualifying[matrix.ids[pupils[:, None], cols]] & inside
        counted = counted.astype(np.int16)
        if matrix.n_rows > n:
            extra_rows = np.flatnonzero(np.isin(matrix.row_pupil[n:], pupils)) + n
            position = {int(p): i for i, p in enumerate(pupils.tolist())}
            for row in extra_rows.tolist():
                i = position[int(matrix.row_pupil[row])]
                counted[i] += rule.qualifying[matrix.ids[row, cols[i]]] & inside[i]
        running = np.cumsum(counted, axis=1)
        offset = np.argmax(running >= needed[:, None], axis=1)
        met_column[pupils] = cols[np.arange(pupils.size), offset]
    return ThresholdResult(met_column, in_window.astype(np.int64))
