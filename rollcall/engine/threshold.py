"""The national threshold to the session (WTISA national framework; EA96 s444A; PNR reg 4).

10 sessions of unauthorised absence (G, N, O, U) within a rolling period of 10 school weeks.

- **School weeks are the school's.** "Any week in which there is at least one school session"
  is a week in which the pupil's school held a session (any mark except # and Y4, per the
  statutory data), whether or not the pupil has a mark that week: the week they were admitted
  on the Friday, or the weeks between leaving one school and joining the next (the school they
  left counts until they join the next). A school's weeks are those in which any of its pupils
  has a session held (`school_calendar`); a week at two schools counts once. Reading recorded
  in docs/adr/0012-threshold-school-weeks-from-the-school-calendar.md.
- **Compulsory school age.** A session counts only if the child was of compulsory school age
  on its date (EA96 s8, s444, s444A; `engine.school_age`).
- **Occasions.** The threshold can be met more than once, and each time is an occasion the LA
  must consider. After the session at which it is met, counting starts afresh: no session
  counts towards two occasions.
- **Provisional.** N counts only until it is replaced by the right code, which must happen
  within 5 school days (WTISA, "N code"; statutory threshold.provisional_codes): an occasion
  whose counted sessions include an N is provisional, since without that N it would not
  have been met at that session (the count reaches exactly 10 there).

Given `since`, the first occasion met on or after that date is the one reported per pupil.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.engine.kernels import (
    by_rows,
    count_weeks_between,
    occasion_spans,
    pupil_school_weeks,
    window_totals,
)
from rollcall.engine.matrix import MarkMatrix, week_numbers
from rollcall.engine.school_age import SchoolAge

LONGEST_WEEK = 14  # sessions in a Monday-to-Sunday week
NO_LIMIT = np.iinfo(np.int64).max // 4

# URN (or LAESTAB) -> week numbers (engine.matrix.week_numbers) in which the school held a session
SchoolCalendar = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class ThresholdRule:
    sessions: int
    school_weeks: int
    qualifying: np.ndarray  # bool per code id
    school_week_session: np.ndarray  # bool per code id: a session held that makes a school week
    provisional: np.ndarray  # bool per code id: counts only until recoded (N)

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
        provisional = qualifying & table.ids_for(set(law.provisional_codes))
        return cls(law.sessions, law.school_weeks, qualifying, held, provisional)


@dataclass(frozen=True)
class Occasions:
    """Every time the threshold was met, in order per pupil (pupil, then met_column)."""

    pupil: np.ndarray  # int64: pupil index
    number: np.ndarray  # int64: 1 for a pupil's first occasion, 2 for the next …
    first_column: np.ndarray  # int64: the first session counted towards it
    met_column: np.ndarray  # int64: the session at which it was met (its last session)
    provisional_sessions: np.ndarray  # int64: how many sessions counted carry N

    def __len__(self) -> int:
        return len(self.pupil)

    def provisional(self) -> np.ndarray:
        return self.provisional_sessions > 0


@dataclass(frozen=True)
class ThresholdResult:
    met_column: np.ndarray  # per pupil: the first occasion (on or after `since`), -1 if none
    sessions_in_window: np.ndarray  # per pupil: sessions counted in the school weeks to as-of
    first_column: np.ndarray  # per pupil: the first session of that occasion, -1 if none
    provisional_sessions: np.ndarray  # per pupil: N sessions counted towards that occasion
    occasions: Occasions  # every occasion up to as-of (from `since`, if given)

    def met(self) -> np.ndarray:
        return self.met_column >= 0

    def provisional(self) -> np.ndarray:
        return self.provisional_sessions > 0


def school_calendar(matrix: MarkMatrix, *, as_of: dt.date, rule: ThresholdRule) -> SchoolCalendar:
    """Per school: the weeks in which it held a session (any pupil's mark that makes one)."""
    columns = matrix.columns_between(None, as_of)
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    if not len(days) or not matrix.n_rows:
        return {}
    held_days = rule.school_week_session[matrix.ids[:, columns]].reshape(
        matrix.n_rows, len(days), 2
    )
    held_days = held_days.any(axis=2)
    by_school = np.zeros((len(matrix.schools), len(days)), dtype=bool)
    order = np.argsort(matrix.row_school, kind="stable")
    schools, starts = np.unique(matrix.row_school[order], return_index=True)
    by_school[schools] = np.logical_or.reduceat(held_days[order], starts, axis=0)
    weeks = week_numbers(days)
    return {
        str(matrix.schools[s]): np.unique(weeks[by_school[s]])
        for s in range(len(matrix.schools))
        if by_school[s].any()
    }


@dataclass(frozen=True)
class _Weeks:
    column_starts: np.ndarray  # int64 per week
    column_ends: np.ndarray
    end: int  # the column after the last one up to as-of
    school_weeks: np.ndarray  # (pupils, weeks) bool
    order: np.ndarray  # rows grouped by pupil
    bounds: np.ndarray  # per pupil + 1


def pupils_school_weeks(
    matrix: MarkMatrix, *, as_of: dt.date, rule: ThresholdRule, calendar: SchoolCalendar | None
) -> tuple[np.ndarray, np.ndarray]:
    """The week numbers up to as-of (engine.matrix.week_numbers) and, per pupil, which of them
    are school weeks as the threshold counts them (ADR 0012): for a page to show the window."""
    columns = matrix.columns_between(None, as_of)
    n = matrix.n_pupils
    lo = np.zeros(n, dtype=np.int64)
    hi = np.full(n, NO_LIMIT, dtype=np.int64)
    found, _ = _weeks(matrix, columns, rule, lo, hi, calendar)
    weeks = week_numbers(matrix.days[found.column_starts // 2])
    return weeks, found.school_weeks


def _rows_by_pupil(matrix: MarkMatrix) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(matrix.row_pupil, kind="stable").astype(np.int64)
    bounds = np.searchsorted(matrix.row_pupil[order], np.arange(matrix.n_pupils + 1))
    return order, bounds.astype(np.int64)


def _weeks(
    matrix: MarkMatrix,
    columns: slice,
    rule: ThresholdRule,
    lo: np.ndarray,
    hi: np.ndarray,
    calendar: SchoolCalendar | None,
) -> tuple[_Weeks, np.ndarray]:
    """The pupils' school weeks, and the first pass's qualifying sessions per pupil and week."""
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    weeks = week_numbers(days)
    starts = np.flatnonzero(np.r_[True, weeks[1:] != weeks[:-1]]) if len(weeks) else np.array([])
    column_starts = (columns.start + 2 * starts).astype(np.int64)
    column_ends = np.r_[column_starts[1:], columns.stop].astype(np.int64)
    n_weeks = len(starts)
    q_rows = np.zeros((matrix.n_rows, n_weeks), dtype=np.int16)
    held_rows = np.zeros((matrix.n_rows, n_weeks), dtype=bool)
    by_rows(
        count_weeks_between,
        matrix.n_rows,
        matrix.ids,
        np.arange(matrix.n_rows, dtype=np.int64),
        column_starts,
        columns.stop,
        rule.qualifying,
        rule.school_week_session,
        lo[matrix.row_pupil],
        hi[matrix.row_pupil],
        q_rows,
        held_rows,
    )
    # Each school's weeks: those in which any of its rows held a session, and its calendar.
    school_held = np.zeros((len(matrix.schools), n_weeks), dtype=bool)
    if matrix.n_rows:
        order = np.argsort(matrix.row_school, kind="stable")
        schools, first = np.unique(matrix.row_school[order], return_index=True)
        school_held[schools] = np.logical_or.reduceat(held_rows[order], first, axis=0)
    if calendar:
        week_of = weeks[starts] if n_weeks else weeks
        for s, urn in enumerate(matrix.schools.astype(str).tolist()):
            if urn in calendar:
                school_held[s] |= np.isin(week_of, calendar[urn])
    row_first = (
        np.where(held_rows.any(axis=1), np.argmax(held_rows, axis=1), n_weeks)
        if n_weeks
        else np.zeros(matrix.n_rows, dtype=np.int64)
    )
    order, bounds = _rows_by_pupil(matrix)
    school_weeks = np.zeros((matrix.n_pupils, n_weeks), dtype=bool)
    by_rows(
        pupil_school_weeks,
        matrix.n_pupils,
        held_rows,
        school_held,
        matrix.row_school,
        row_first.astype(np.int64),
        order,
        bounds,
        school_weeks,
    )
    n = matrix.n_pupils
    q = q_rows[:n]
    if matrix.n_rows > n:
        q = q.copy()
        np.add.at(q, matrix.row_pupil[n:], q_rows[n:])
    found = _Weeks(column_starts, column_ends, columns.stop, school_weeks, order, bounds)
    return found, q


def _qualifying_weeks(
    matrix: MarkMatrix,
    weeks: _Weeks,
    rule: ThresholdRule,
    pupils: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> np.ndarray:
    """Qualifying sessions per week of these pupils (in order), counting lo..hi-1 only."""
    n = matrix.n_pupils
    chosen = np.zeros(n, dtype=bool)
    chosen[pupils] = True
    # Row p is pupil p's first school; then the other schools' rows of these pupils.
    rows = np.concatenate([pupils, n + np.flatnonzero(chosen[matrix.row_pupil[n:]])])
    rows = rows.astype(np.int64)
    n_weeks = len(weeks.column_starts)
    q_rows = np.zeros((rows.size, n_weeks), dtype=np.int16)
    held_rows = np.zeros((rows.size, n_weeks), dtype=bool)
    owner = matrix.row_pupil[rows]
    by_rows(
        count_weeks_between,
        rows.size,
        matrix.ids,
        rows,
        weeks.column_starts,
        weeks.end,
        rule.qualifying,
        rule.school_week_session,
        lo[owner],
        hi[owner],
        q_rows,
        held_rows,
    )
    k = pupils.size
    if rows.size == k:
        return q_rows
    q = q_rows[:k].copy()
    np.add.at(q, np.searchsorted(pupils, owner[k:]), q_rows[k:])
    return q


def national_threshold(
    matrix: MarkMatrix,
    *,
    as_of: dt.date,
    rule: ThresholdRule | None = None,
    since: dt.date | None = None,
    school_age: SchoolAge | None = None,
    calendar: SchoolCalendar | None = None,
) -> ThresholdResult:
    """Every occasion on which each pupil met the threshold up to `as_of`; per pupil, the
    first occasion met on or after `since` (if given), and the count now (every session that
    counts, in the school weeks ending with the as-of date). `school_age` limits the
    sessions counted to those of compulsory school age; `calendar` adds schools' weeks held
    known from more pupils than the matrix holds."""
    rule = rule or ThresholdRule.national(matrix, as_of)
    if rule.school_weeks < 1:
        raise ValueError("the rolling period must be at least one school week")
    columns = matrix.columns_between(None, as_of)
    n = matrix.n_pupils
    if school_age is None:
        lo = np.zeros(n, dtype=np.int64)
        hi = np.full(n, NO_LIMIT, dtype=np.int64)
    else:
        lo, hi = school_age.columns(matrix)
    weeks, q = _weeks(matrix, columns, rule, lo, hi, calendar)
    n_weeks = q.shape[1]
    in_window = np.zeros(n, dtype=np.int64)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    active = np.arange(n)
    lo = lo.copy()
    while active.size and n_weeks:
        held = weeks.school_weeks[active]
        totals = np.empty(q.shape, dtype=np.int32)
        by_rows(window_totals, active.size, q, held, rule.school_weeks, totals)
        if not found:  # the count now is every session counted, occasions or not
            last_school_week = n_weeks - 1 - np.argmax(held[:, ::-1], axis=1)
            in_window = np.where(held.any(axis=1), totals[np.arange(n), last_school_week], 0)
        reached = (totals >= rule.sessions) & held
        has = reached.any(axis=1)
        if not has.any():
            break
        pupils = active[has]
        week = np.argmax(reached[has], axis=1)
        met = _met_in_week(matrix, rule, weeks, pupils, week, totals[has], q[has], lo, hi)
        first, provisional = _spans(matrix, rule, weeks, pupils, week, met, lo)
        found.append((pupils, first, met, provisional))
        lo[pupils] = met + 1  # counting starts afresh after the session at which it was met
        active = pupils
        q = _qualifying_weeks(matrix, weeks, rule, active, lo, hi)
    occasions = _occasions(found, matrix, since)
    met_column = np.full(n, -1, dtype=np.int64)
    first_column = np.full(n, -1, dtype=np.int64)
    provisional_sessions = np.zeros(n, dtype=np.int64)
    first_of_pupil = np.r_[True, occasions.pupil[1:] != occasions.pupil[:-1]]
    if len(occasions):
        chosen = np.flatnonzero(first_of_pupil)
        who = occasions.pupil[chosen]
        met_column[who] = occasions.met_column[chosen]
        first_column[who] = occasions.first_column[chosen]
        provisional_sessions[who] = occasions.provisional_sessions[chosen]
    return ThresholdResult(met_column, in_window, first_column, provisional_sessions, occasions)


def _occasions(
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    matrix: MarkMatrix,
    since: dt.date | None,
) -> Occasions:
    if not found:
        empty = np.array([], dtype=np.int64)
        return Occasions(empty, empty, empty, empty, empty)
    pupil = np.concatenate([f[0] for f in found]).astype(np.int64)
    first = np.concatenate([f[1] for f in found]).astype(np.int64)
    met = np.concatenate([f[2] for f in found]).astype(np.int64)
    provisional = np.concatenate([f[3] for f in found]).astype(np.int64)
    number = np.concatenate(
        [np.full(f[0].size, k + 1, dtype=np.int64) for k, f in enumerate(found)]
    )
    order = np.lexsort((met, pupil))
    keep = order
    if since is not None:
        from_column = matrix.columns_between(since, None).start
        keep = order[met[order] >= from_column]
    return Occasions(pupil[keep], number[keep], first[keep], met[keep], provisional[keep])


def _spans(
    matrix: MarkMatrix,
    rule: ThresholdRule,
    weeks: _Weeks,
    pupils: np.ndarray,
    week: np.ndarray,
    met: np.ndarray,
    lo: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per pupil that met it: the first session counted, and how many counted are N."""
    n = matrix.n_pupils
    met_all = np.full(n, -1, dtype=np.int64)
    met_all[pupils] = met
    week_all = np.zeros(n, dtype=np.int64)
    week_all[pupils] = week
    first = np.full(n, -1, dtype=np.int64)
    provisional = np.zeros(n, dtype=np.int64)
    by_rows(
        occasion_spans,
        n,
        matrix.ids,
        weeks.order,
        weeks.bounds,
        weeks.school_weeks,
        weeks.column_starts,
        met_all,
        week_all,
        lo,
        rule.school_weeks,
        rule.qualifying,
        rule.provisional,
        first,
        provisional,
    )
    return first[pupils], provisional[pupils]


def _met_in_week(
    matrix: MarkMatrix,
    rule: ThresholdRule,
    weeks: _Weeks,
    pupils: np.ndarray,
    week: np.ndarray,
    totals: np.ndarray,
    q: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> np.ndarray:
    """Inside each pupil's week: the first qualifying session that counts at which the
    running count with the earlier weeks of the window reaches the threshold."""
    index = np.arange(pupils.size)
    needed = rule.sessions - (totals[index, week] - q[index, week])
    offsets = np.arange(LONGEST_WEEK)
    starts, ends = weeks.column_starts[week], weeks.column_ends[week]
    cols = starts[:, None] + offsets[None, :]
    inside = (cols < ends[:, None]) & (cols >= lo[pupils][:, None]) & (cols < hi[pupils][:, None])
    cols = np.where(cols < ends[:, None], cols, starts[:, None])
    # Row p is pupil p's first school; the few other rows (movers) are added one by one.
    counted = (rule.qualifying[matrix.ids[pupils[:, None], cols]] & inside).astype(np.int16)
    n = matrix.n_pupils
    if matrix.n_rows > n:
        extra_rows = np.flatnonzero(np.isin(matrix.row_pupil[n:], pupils)) + n
        position = np.searchsorted(pupils, matrix.row_pupil[extra_rows])
        for row, k in zip(extra_rows.tolist(), position.tolist(), strict=True):
            counted[k] += rule.qualifying[matrix.ids[row, cols[k]]] & inside[k]
    hit = (np.cumsum(counted, axis=1) >= needed[:, None]) & (counted > 0)
    offset = np.argmax(hit, axis=1)
    return cols[index, offset].astype(np.int64)
