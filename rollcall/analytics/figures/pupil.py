"""One pupil's school year: figures, every mark, weekly attendance and the threshold window.

Figures and marks come from the schools the reader may see. The national threshold is the
pupil's, counted over every school they attended, because the law counts it that way
(WTISA: the window spans schools); the page says when sessions elsewhere were counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.analytics.figures.matrices import monday_of_week, pupil_index, submatrix
from rollcall.analytics.figures.threshold import threshold_met_since
from rollcall.engine import MarkMatrix, national_threshold, pupil_figures
from rollcall.engine.codes import AEA, AUTHORISED, NOT_COUNTED, PRESENT, UNAUTHORISED
from rollcall.engine.matrix import week_numbers
from rollcall.engine.threshold import ThresholdRule
from rollcall.statutory.years import school_year_start


@dataclass(frozen=True)
class SessionMark:
    day: dt.date
    session: str  # "AM" or "PM"
    code: str
    category: int  # engine category number: 1 present … 5 not counted


@dataclass(frozen=True)
class WeekFigures:
    monday: dt.date
    possible: int
    attended: int
    qualifying: int  # sessions counting towards the national threshold, at every school

    @property
    def attendance_pct(self) -> float | None:
        return 100.0 * self.attended / self.possible if self.possible else None


@dataclass(frozen=True)
class ThresholdWindow:
    mondays: tuple[dt.date, ...]  # the school weeks in the window, oldest first
    ends_on: dt.date  # the session at which it was met, or the as-of date
    ends_session: str | None
    qualifying: int  # sessions counted in the window up to its end
    met: bool
    elsewhere: int  # of those, sessions at schools the reader cannot see


@dataclass(frozen=True)
class ThresholdStatus:
    sessions: int  # 10 sessions …
    school_weeks: int  # … within 10 school weeks
    codes: tuple[str, ...]
    first_met_on: dt.date | None  # the first time ever (since the framework began)
    met_on: dt.date | None  # the first time this school year
    met_session: str | None
    sessions_in_window: int  # in the 10 school weeks ending at the as-of date
    window: ThresholdWindow | None
    as_of: dt.date | None = None  # the day the current window ends


@dataclass(frozen=True)
class PupilYear:
    first: dt.date
    last: dt.date
    possible: int
    present: int
    aea: int
    authorised: int
    unauthorised: int
    not_counted: int
    late_before_close: int
    late_after_close: int
    attendance_pct: float | None
    absence_pct: float | None
    persistent: bool
    severe: bool
    marks: tuple[SessionMark, ...]
    weeks: tuple[WeekFigures, ...]
    threshold: ThresholdStatus | None  # None before the national framework


def pupil_year(
    matrix: MarkMatrix, *, upn: str, visible_urns: Collection[str], as_of: dt.date
) -> PupilYear | None:
    """The pupil's academic year to `as_of`, or None if they have no marks at all."""
    index = pupil_index(matrix, upn)
    if index is None:
        return None
    own_rows = np.flatnonzero(matrix.row_pupil == index)
    everywhere = submatrix(matrix, own_rows)
    seen = np.isin(everywhere.schools[everywhere.row_school].astype(str), list(visible_urns))
    first = school_year_start(as_of)
    figures = pupil_figures(everywhere, first=first, last=as_of)
    if seen.all():
        counts = figures
    else:
        hidden = everywhere.ids.copy()
        hidden[~seen] = 0  # marks elsewhere do not count in this reader's figures
        counts = pupil_figures(_with_ids(everywhere, hidden), first=first, last=as_of)
    threshold = _threshold(everywhere, seen, as_of, first)
    chart_from = first
    if threshold and threshold.window and threshold.window.mondays[0] < first:
        chart_from = threshold.window.mondays[0]
    return PupilYear(
        first=first,
        last=as_of,
        possible=int(counts.possible[0]),
        present=int(counts.present[0]),
        aea=int(counts.aea[0]),
        authorised=int(counts.authorised[0]),
        unauthorised=int(counts.unauthorised[0]),
        not_counted=int(counts.not_counted[0]),
        late_before_close=int(counts.late_before_close[0]),
        late_after_close=int(counts.late_after_close[0]),
        attendance_pct=_number(counts.attendance_pct[0]),
        absence_pct=_number(counts.absence_pct[0]),
        persistent=bool(counts.persistent_absence[0]),
        severe=bool(counts.severe_absence[0]),
        marks=_marks(everywhere, seen, first, as_of),
        weeks=_weeks(everywhere, seen, chart_from, as_of),
        threshold=threshold,
    )


def _with_ids(matrix: MarkMatrix, ids: np.ndarray) -> MarkMatrix:
    return MarkMatrix(
        ids, matrix.days, matrix.row_pupil, matrix.row_school, matrix.pupils, matrix.schools
    )


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _marks(
    matrix: MarkMatrix, seen: np.ndarray, first: dt.date, last: dt.date
) -> tuple[SessionMark, ...]:
    """Each session's mark at the schools the reader sees. Where a dual-registered pupil has
    two marks for one session, the one that counts (not D at the other school) is shown."""
    columns = matrix.columns_between(first, last)
    block = np.asarray(matrix.ids[seen, columns])
    if block.size == 0:
        return ()
    category = matrix.codes.category[block]
    rank = np.where(category == NOT_COUNTED, 1, np.where(category > 0, 2, 0))
    chosen = block[np.argmax(rank, axis=0), np.arange(block.shape[1])]
    marks = []
    for offset in np.flatnonzero(chosen).tolist():
        column = columns.start + offset
        code_id = int(chosen[offset])
        marks.append(
            SessionMark(
                day=matrix.column_date(column),
                session=matrix.column_session(column),
                code=str(matrix.codes.code[code_id]),
                category=int(matrix.codes.category[code_id]),
            )
        )
    return tuple(marks)


def _luts(matrix: MarkMatrix) -> tuple[np.ndarray, np.ndarray]:
    category = matrix.codes.category
    return (
        np.isin(category, (PRESENT, AEA, AUTHORISED, UNAUTHORISED)),
        np.isin(category, (PRESENT, AEA)),
    )


def _week_groups(matrix: MarkMatrix, columns: slice) -> tuple[np.ndarray, np.ndarray]:
    """Engine week number of each week in the columns, and where each week's days start."""
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    weeks = week_numbers(days)
    if not len(weeks):
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, weeks[1:] != weeks[:-1]])
    return weeks[starts], starts


def _per_week(per_column: np.ndarray, starts: np.ndarray) -> np.ndarray:
    per_day = per_column.reshape(-1, 2).sum(axis=1)
    return np.add.reduceat(per_day, starts) if starts.size else per_day[:0]


def _weeks(
    matrix: MarkMatrix, seen: np.ndarray, first: dt.date, last: dt.date
) -> tuple[WeekFigures, ...]:
    columns = matrix.columns_between(first, last)
    weeks, starts = _week_groups(matrix, columns)
    if not weeks.size:
        return ()
    block = np.asarray(matrix.ids[:, columns])
    possible_lut, attended_lut = _luts(matrix)
    qualifying_lut = _qualifying(matrix, last)
    possible = _per_week(possible_lut[block[seen]].sum(axis=0), starts)
    attended = _per_week(attended_lut[block[seen]].sum(axis=0), starts)
    qualifying = _per_week(qualifying_lut[block].sum(axis=0), starts)
    held = _per_week(_held(matrix, last)[block].any(axis=0).astype(np.int64), starts)
    return tuple(
        WeekFigures(monday_of_week(int(w)), int(p), int(a), int(q))
        for w, p, a, q, h in zip(weeks, possible, attended, qualifying, held, strict=True)
        if h or p
    )


def _qualifying(matrix: MarkMatrix, on: dt.date) -> np.ndarray:
    law = statutory.on(on).threshold
    if law is None:
        return np.zeros(matrix.codes.size, dtype=bool)
    return ThresholdRule.national(matrix, on).qualifying


def _held(matrix: MarkMatrix, on: dt.date) -> np.ndarray:
    law = statutory.on(on).threshold
    if law is None:
        held = np.ones(matrix.codes.size, dtype=bool)
        held[0] = False
        return held
    return ThresholdRule.national(matrix, on).school_week_session


def _threshold(
    matrix: MarkMatrix, seen: np.ndarray, as_of: dt.date, year_start: dt.date
) -> ThresholdStatus | None:
    law = statutory.on(as_of).threshold
    if law is None:
        return None
    rule = ThresholdRule.national(matrix, as_of)
    result = national_threshold(matrix, as_of=as_of, rule=rule)
    first_column = int(result.met_column[0])
    # The engine gives the first time it was ever met; a pupil can meet it again in a later
    # school year, and that is the one the school must consider now.
    this_year = int(threshold_met_since(matrix, as_of=as_of, since=year_start, rule=rule)[0])
    if this_year >= 0:
        window = _window(matrix, seen, rule, end_column=this_year, met=True)
    else:
        end = matrix.columns_between(None, as_of).stop - 1
        window = _window(matrix, seen, rule, end_column=end, met=False) if end >= 0 else None
    return ThresholdStatus(
        sessions=rule.sessions,
        school_weeks=rule.school_weeks,
        codes=tuple(law.codes),
        first_met_on=matrix.column_date(first_column) if first_column >= 0 else None,
        met_on=matrix.column_date(this_year) if this_year >= 0 else None,
        met_session=matrix.column_session(this_year) if this_year >= 0 else None,
        sessions_in_window=int(result.sessions_in_window[0]),
        window=window,
        as_of=as_of,
    )


def _window(
    matrix: MarkMatrix, seen: np.ndarray, rule: ThresholdRule, *, end_column: int, met: bool
) -> ThresholdWindow | None:
    """The school weeks ending with the week of `end_column`, and the qualifying sessions in
    them up to and including that session (WTISA: 10 sessions within 10 school weeks)."""
    columns = slice(0, end_column + 1)
    block = np.asarray(matrix.ids[:, columns])
    # Whole days for grouping; the session after end_column (if any) counts for nothing.
    if block.shape[1] % 2:
        block = np.concatenate([block, np.zeros((block.shape[0], 1), dtype=block.dtype)], axis=1)
    weeks, starts = _week_groups(matrix, slice(0, block.shape[1]))
    held = _per_week(rule.school_week_session[block].any(axis=0).astype(np.int64), starts) > 0
    school_weeks = weeks[held][-rule.school_weeks :]
    if not school_weeks.size:
        return None
    first_day = np.searchsorted(week_numbers(matrix.days), school_weeks[0])
    inside = slice(2 * int(first_day), block.shape[1])
    counted = rule.qualifying[block[:, inside]]
    return ThresholdWindow(
        mondays=tuple(monday_of_week(int(w)) for w in school_weeks),
        ends_on=matrix.column_date(end_column),
        ends_session=matrix.column_session(end_column) if met else None,
        qualifying=int(counted.sum()),
        met=met,
        elsewhere=int(counted[~seen].sum()),
    )
