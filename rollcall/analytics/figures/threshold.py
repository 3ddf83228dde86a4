"""When the national threshold was met on or after a date (RULES §3; WTISA).

The engine reports the first session at which each pupil ever met the threshold. A pupil who
met it in an earlier school year can meet it again, and that is the time the school must
consider now, so this finds the first session on or after `since` at which the qualifying
sessions in the 10 school weeks ending with that session's week, up to and including it,
reach 10. It follows engine.threshold exactly (with since=None it gives the same sessions);
the window may still reach back before `since`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from rollcall.engine import MarkMatrix
from rollcall.engine.matrix import week_numbers
from rollcall.engine.threshold import ThresholdRule

LONGEST_WEEK = 14  # sessions in a Monday-to-Sunday week


def _by_pupil(matrix: MarkMatrix, per_row: np.ndarray) -> np.ndarray:
    n = matrix.n_pupils
    result = per_row[:n].astype(np.int32)
    if matrix.n_rows > n:
        np.add.at(result, matrix.row_pupil[n:], per_row[n:])
    return result


def threshold_met_since(
    matrix: MarkMatrix, *, as_of: dt.date, since: dt.date | None, rule: ThresholdRule | None = None
) -> np.ndarray:
    """Per pupil, the column of the first session from `since` to `as_of` at which the
    threshold is met; -1 where it is not."""
    rule = rule or ThresholdRule.national(matrix, as_of)
    n = matrix.n_pupils
    stop = matrix.columns_between(None, as_of).stop
    met = np.full(n, -1, dtype=np.int64)
    if stop == 0 or n == 0:
        return met
    first_column = 0 if since is None else matrix.columns_between(since, None).start
    days = matrix.days[: stop // 2]
    weeks = week_numbers(days)
    starts = np.flatnonzero(np.r_[True, weeks[1:] != weeks[:-1]])
    column_starts = 2 * starts
    column_ends = np.r_[column_starts[1:], stop]
    n_weeks = len(starts)
    qualifying = np.zeros((n, n_weeks), dtype=np.int32)
    held = np.zeros((n, n_weeks), dtype=bool)
    for week, (lo, hi) in enumerate(zip(column_starts, column_ends, strict=True)):
        block = np.asarray(matrix.ids[:, lo:hi])
        qualifying[:, week] = _by_pupil(matrix, rule.qualifying[block].sum(axis=1))
        held[:, week] = _by_pupil(matrix, rule.school_week_session[block].any(axis=1)) > 0
    cumulative = np.cumsum(qualifying, axis=1)
    rank = np.cumsum(held, axis=1)
    # Calendar week of each school week, in order (padding after the last).
    order = np.sort(np.where(held, np.arange(n_weeks), n_weeks), axis=1)
    totals = np.empty_like(cumulative)
    window = rule.school_weeks
    for week in range(n_weeks):
        end_rank = rank[:, week]
        start_index = np.clip(end_rank - window, 0, n_weeks - 1)
        start_week = np.take_along_axis(order, start_index[:, None], axis=1)[:, 0]
        before = np.take_along_axis(cumulative, np.clip(start_week - 1, 0, None)[:, None], axis=1)
        has_earlier = (end_rank > window) & (start_week > 0)
        totals[:, week] = cumulative[:, week] - np.where(has_earlier, before[:, 0], 0)
    late_enough = column_ends > first_column
    reached = (totals >= rule.sessions) & held & late_enough[None, :]
    # A week can reach the threshold only through sessions before `since`; then look on.
    while True:
        pupils = np.flatnonzero(reached.any(axis=1) & (met < 0))
        if not pupils.size:
            return met
        chosen = np.argmax(reached[pupils], axis=1)
        columns = _met_in_week(
            matrix,
            rule,
            pupils,
            chosen,
            totals,
            qualifying,
            column_starts,
            column_ends,
            first_column,
        )
        met[pupils] = columns
        reached[pupils[columns < 0], chosen[columns < 0]] = False


def _met_in_week(
    matrix: MarkMatrix,
    rule: ThresholdRule,
    pupils: np.ndarray,
    chosen: np.ndarray,
    totals: np.ndarray,
    qualifying: np.ndarray,
    column_starts: np.ndarray,
    column_ends: np.ndarray,
    first_column: int,
) -> np.ndarray:
    """Inside each pupil's chosen week: the first qualifying session (from `since`) at which
    the running count, with the earlier weeks of the window, reaches the threshold."""
    earlier = totals[pupils, chosen] - qualifying[pupils, chosen]
    offsets = np.arange(LONGEST_WEEK)
    columns = column_starts[chosen][:, None] + offsets[None, :]
    inside = columns < column_ends[chosen][:, None]
    columns = np.where(inside, columns, column_starts[chosen][:, None])
    counted = np.zeros((pupils.size, LONGEST_WEEK), dtype=np.int32)
    rows = np.flatnonzero(np.isin(matrix.row_pupil, pupils))
    position = np.searchsorted(pupils, matrix.row_pupil[rows])
    for row, at in zip(rows.tolist(), position.tolist(), strict=True):
        counted[at] += rule.qualifying[np.asarray(matrix.ids[row, columns[at]])] & inside[at]
    running = earlier[:, None] + np.cumsum(counted, axis=1)
    hit = (running >= rule.sessions) & (counted > 0) & (columns >= first_column)
    return np.where(hit.any(axis=1), columns[np.arange(pupils.size), np.argmax(hit, axis=1)], -1)
