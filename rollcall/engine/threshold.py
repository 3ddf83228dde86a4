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
    # One pass over the marks: map each cell to 1 (school week, not qualifying) or
    # 1 + 16 (qualifying), sum per week, and split the two counts apart.
    weight = np.where(rule.school_week_session, 1, 0).astype(np.uint8)
    weight += np.where(rule.qualifying, 16, 0).astype(np.uint8)
    block = weight[matrix.ids[:, columns]]
    # At most 14 sessions a week: the sum (<= 14 * 17) fits in a byte.
    summed = np.add.reduceat(block, 2 * starts, axis=1, dtype=np.uint8)
    qualifying = (summed >> 4).astype(np.int16)
    held = (summed & 15) > 0
    q, s = qualifying[:n].copy(), held[:n].copy()
    if matrix.n_rows > n:
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
    window = rule.school_weeks
    cumulative = np.cumsum(q, axis=1, dtype=np.int32)
    rank = np.cumsum(held, axis=1, dtype=np.int32)  # how many school weeks so far
    # Calendar week of each school week, in order, per pupil (padding after the last).
    order = np.sort(np.where(held, np.arange(n_weeks, dtype=np.int32), n_weeks), axis=1)

    def window_total(end_rank: np.ndarray, end_week: np.ndarray) -> np.ndarray:
        """Qualifying sessions in the school weeks ranked end_rank-window+1..end_rank."""
        through_end = np.take_along_axis(cumulative, end_week[:, None], axis=1)[:, 0]
        start_index = np.clip(end_rank - window, 0, n_weeks - 1)
        start_week = np.take_along_axis(order, start_index[:, None], axis=1)[:, 0]
        before = np.take_along_axis(cumulative, np.clip(start_week - 1, 0, None)[:, None], axis=1)[
            :, 0
        ]
        has_earlier = (end_rank > window) & (start_week > 0)
        return through_end - np.where(has_earlier, before, 0)

    # Window total ending at every week at once (only school weeks hold qualifying sessions).
    start_week = np.take_along_axis(order, np.clip(rank - window, 0, n_weeks - 1), axis=1)
    before = np.take_along_axis(cumulative, np.clip(start_week - 1, 0, None), axis=1)
    totals = cumulative - np.where((rank > window) & (start_week > 0), before, 0)
    reached = (totals >= rule.sessions) & held
    met_any = reached.any(axis=1)
    met_week = np.argmax(reached, axis=1)
    met_column = np.full(n, -1, dtype=np.int64)
    pupils = np.flatnonzero(met_any)
    if pupils.size:
        weeks = met_week[pupils]
        # Sessions needed inside the week on top of the earlier weeks of the window.
        needed = rule.sessions - (totals[pupils, weeks] - q[pupils, weeks])
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
    last_rank = rank[:, -1]
    last_school_week = np.take_along_axis(order, np.clip(last_rank - 1, 0, None)[:, None], axis=1)[
        :, 0
    ]
    in_window = np.where(
        last_rank > 0, window_total(last_rank, np.minimum(last_school_week, n_weeks - 1)), 0
    )
    return ThresholdResult(met_column, in_window.astype(np.int64))
