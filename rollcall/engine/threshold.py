"""The national threshold to the session (RULES §3; WTISA national framework).

10 sessions of unauthorised absence (G, N, O, U) within a rolling period of 10 school weeks. A
school week is a Monday-to-Sunday week in which the pupil's school held at least one session
(any mark except # and Y4, per the statutory data), so holidays are skipped and the window may
span terms, academic years and schools: a pupil's marks at every school are combined.

For each pupil we find the first session at which the count of qualifying sessions in the 10
school weeks ending with that session's week (up to and including the session) reaches 10, and
the count in the 10 school weeks ending with the as-of date. A pupil who met it in an earlier
school year can meet it again, and that is the time a school must consider now: given `since`,
the first such session on or after that date is found (the window may still reach back before
`since`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.engine.kernels import by_rows, count_weeks, window_totals
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
    matrix: MarkMatrix,
    *,
    as_of: dt.date,
    rule: ThresholdRule | None = None,
    since: dt.date | None = None,
) -> ThresholdResult:
    """Per pupil: the first session (from `since`, if given, to `as_of`) at which the
    threshold was met, and the count in the school weeks ending with the as-of date."""
    rule = rule or ThresholdRule.national(matrix, as_of)
    if rule.school_weeks < 1:
        raise ValueError("the rolling period must be at least one school week")
    columns = matrix.columns_between(None, as_of)
    n = matrix.n_pupils
    q, held, column_starts, column_ends = _weekly(matrix, columns, rule)
    n_weeks = q.shape[1]
    met_column = np.full(n, -1, dtype=np.int64)
    if n_weeks == 0:
        return ThresholdResult(met_column, np.zeros(n, dtype=np.int64))
    totals = np.empty(q.shape, dtype=np.int32)
    by_rows(window_totals, n, q, held, rule.school_weeks, totals)
    # The count now: the total of the last school week up to the as-of date.
    last_school_week = n_weeks - 1 - np.argmax(held[:, ::-1], axis=1)
    in_window = np.where(held.any(axis=1), totals[np.arange(n), last_school_week], 0)

    first_column = 0 if since is None else matrix.columns_between(since, None).start
    reached = (totals >= rule.sessions) & held & (column_ends > first_column)[None, :]
    # The first week whose window reaches the threshold, and the session inside it at which
    # it does. With `since`, a week may reach it only through sessions before `since`: then
    # the next such week is looked at.
    while True:
        pupils = np.flatnonzero(reached.any(axis=1) & (met_column < 0))
        if not pupils.size:
            break
        weeks = np.argmax(reached[pupils], axis=1)
        found = _met_in_week(
            matrix, rule, pupils, weeks, totals, q, column_starts, column_ends, first_column
        )
        met_column[pupils] = found
        reached[pupils[found < 0], weeks[found < 0]] = False
    return ThresholdResult(met_column, in_window.astype(np.int64))


def _met_in_week(
    matrix: MarkMatrix,
    rule: ThresholdRule,
    pupils: np.ndarray,
    weeks: np.ndarray,
    totals: np.ndarray,
    q: np.ndarray,
    column_starts: np.ndarray,
    column_ends: np.ndarray,
    first_column: int,
) -> np.ndarray:
    """Inside each pupil's week: the first qualifying session, from `first_column` on, at
    which the running count with the earlier weeks of the window reaches the threshold; -1
    where there is none (only possible when the week starts before `first_column`)."""
    n = matrix.n_pupils
    needed = rule.sessions - (totals[pupils, weeks] - q[pupils, weeks])
    offsets = np.arange(LONGEST_WEEK)
    cols = column_starts[weeks][:, None] + offsets[None, :]
    inside = cols < column_ends[weeks][:, None]
    cols = np.where(inside, cols, column_starts[weeks][:, None])
    counted = (rule.qualifying[matrix.ids[pupils[:, None], cols]] & inside).astype(np.int16)
    if matrix.n_rows > n:
        extra_rows = np.flatnonzero(np.isin(matrix.row_pupil[n:], pupils)) + n
        position = np.searchsorted(pupils, matrix.row_pupil[extra_rows])
        for row, i in zip(extra_rows.tolist(), position.tolist(), strict=True):
            counted[i] += rule.qualifying[matrix.ids[row, cols[i]]] & inside[i]
    hit = (np.cumsum(counted, axis=1) >= needed[:, None]) & (counted > 0) & (cols >= first_column)
    offset = np.argmax(hit, axis=1)
    return np.where(hit.any(axis=1), cols[np.arange(pupils.size), offset], -1)
