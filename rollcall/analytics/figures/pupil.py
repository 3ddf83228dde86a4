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
from rollcall.analytics.figures.matrices import (
    monday_of_week,
    pupil_index,
    rows_of_pupils,
    submatrix,
)
from rollcall.analytics.figures.threshold import (
    GroupThreshold,
    LawInputs,
    SavedLaw,
    group_threshold,
    occasions_from,
)
from rollcall.engine import MarkMatrix, pupil_figures
from rollcall.engine.codes import AEA, AUTHORISED, NOT_COUNTED, PRESENT, UNAUTHORISED
from rollcall.engine.matrix import week_numbers
from rollcall.engine.threshold import ThresholdRule, pupils_school_weeks
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
class Session:
    day: dt.date
    session: str  # "AM" or "PM"


@dataclass(frozen=True)
class Occasion:
    """One time the threshold was met: the first and last session counted towards it."""

    number: int  # 1 for the pupil's first occasion ever, 2 for the next …
    first: Session
    last: Session  # the session at which it was met
    provisional: tuple[Session, ...]  # sessions counted that carry N (still to be replaced)

    @property
    def is_provisional(self) -> bool:
        return bool(self.provisional)


@dataclass(frozen=True)
class ThresholdStatus:
    sessions: int  # 10 sessions …
    school_weeks: int  # … within 10 school weeks
    codes: tuple[str, ...]
    first_met_on: dt.date | None  # the first time ever (since the framework began)
    occasions: tuple[Occasion, ...]  # every occasion this school year, in order
    sessions_in_window: int  # in the 10 school weeks ending at the as-of date
    window: ThresholdWindow | None
    as_of: dt.date | None = None  # the day the current window ends
    school_age_from: dt.date | None = None  # sessions before this day do not count
    school_age_to: dt.date | None = None  # nor after this one
    born_known: bool = True

    @property
    def met_on(self) -> dt.date | None:
        """The first time this school year."""
        return self.occasions[0].last.day if self.occasions else None

    @property
    def met_session(self) -> str | None:
        return self.occasions[0].last.session if self.occasions else None


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
    matrix: MarkMatrix,
    *,
    upn: str,
    visible_urns: Collection[str],
    as_of: dt.date,
    law: LawInputs,
    saved: SavedLaw | None = None,
) -> PupilYear | None:
    """The pupil's academic year to `as_of`, or None if they have no marks at all. The
    threshold is the sweep's (figures.threshold.group_threshold), so the page and the
    worklist give the same occasions; `saved`: what was saved with the store, if it applies."""
    index = pupil_index(matrix, upn)
    if index is None:
        return None
    own_rows = rows_of_pupils(matrix, np.array([index]))
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
    found = group_threshold(matrix, np.array([index]), as_of=as_of, law=law, saved=saved)
    threshold = _threshold(found, everywhere, seen, as_of, first) if found else None
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
        weeks=_weeks(everywhere, seen, chart_from, as_of, found),
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
    matrix: MarkMatrix,
    seen: np.ndarray,
    first: dt.date,
    last: dt.date,
    found: GroupThreshold | None,
) -> tuple[WeekFigures, ...]:
    columns = matrix.columns_between(first, last)
    weeks, starts = _week_groups(matrix, columns)
    if not weeks.size:
        return ()
    block = np.asarray(matrix.ids[:, columns])
    possible_lut, attended_lut = _luts(matrix)
    possible = _per_week(possible_lut[block[seen]].sum(axis=0), starts)
    attended = _per_week(attended_lut[block[seen]].sum(axis=0), starts)
    held = _per_week(_held(matrix, last)[block].any(axis=0).astype(np.int64), starts)
    counted = _counted_by_week(found, last) if found else {}
    return tuple(
        WeekFigures(monday_of_week(int(w)), int(p), int(a), counted.get(int(w), 0))
        for w, p, a, h in zip(weeks, possible, attended, held, strict=True)
        if h or p
    )


def _counted_mask(found: GroupThreshold, columns: slice) -> np.ndarray:
    """Per row of `found.counted` and column: a session counting towards the threshold
    (a qualifying code, at any school, while the child was of compulsory school age)."""
    matrix = found.counted
    block = np.asarray(matrix.ids[:, columns])
    lo, hi = found.school_age.columns(matrix)
    position = np.arange(columns.start, columns.stop)[None, :]
    pupil = matrix.row_pupil
    of_age = (position >= lo[pupil][:, None]) & (position < hi[pupil][:, None])
    return np.asarray(found.rule.qualifying[block] & of_age)


def _counted_by_week(found: GroupThreshold, last: dt.date) -> dict[int, int]:
    matrix = found.counted
    columns = matrix.columns_between(None, last)
    weeks, starts = _week_groups(matrix, columns)
    if not weeks.size:
        return {}
    per_week = _per_week(_counted_mask(found, columns).sum(axis=0), starts)
    return {int(w): int(q) for w, q in zip(weeks, per_week, strict=True)}


def _held(matrix: MarkMatrix, on: dt.date) -> np.ndarray:
    law = statutory.on(on).threshold
    if law is None:
        held = np.ones(matrix.codes.size, dtype=bool)
        held[0] = False
        return held
    return ThresholdRule.national(matrix, on).school_week_session


def _threshold(
    found: GroupThreshold,
    everywhere: MarkMatrix,
    seen: np.ndarray,
    as_of: dt.date,
    year_start: dt.date,
) -> ThresholdStatus | None:
    law = statutory.on(as_of).threshold
    if law is None:
        return None
    matrix, result = found.counted, found.result
    occasions = result.occasions
    this_year = occasions_from(found, year_start)
    listed = tuple(
        Occasion(
            number=int(occasions.number[k]),
            first=_session(matrix, int(occasions.first_column[k])),
            last=_session(matrix, int(occasions.met_column[k])),
            provisional=tuple(_session(matrix, int(c)) for c in found.provisional_columns(k)),
        )
        for k in this_year.tolist()
    )
    ever = int(result.met_column[0])
    hidden = _hidden_rows(found, everywhere, seen)
    if listed:
        k = int(this_year[0])
        window = _window(
            found,
            hidden,
            first_column=int(occasions.first_column[k]),
            end_column=int(occasions.met_column[k]),
            as_of=as_of,
        )
    else:
        end = matrix.columns_between(None, as_of).stop - 1
        window = _window(found, hidden, first_column=0, end_column=end, as_of=as_of)
    age = found.school_age
    known = bool(age.known[0])
    return ThresholdStatus(
        sessions=found.rule.sessions,
        school_weeks=found.rule.school_weeks,
        codes=tuple(law.codes),
        first_met_on=matrix.column_date(ever) if ever >= 0 else None,
        occasions=listed,
        sessions_in_window=int(result.sessions_in_window[0]),
        window=window,
        as_of=as_of,
        school_age_from=_day(int(age.first[0])) if known else None,
        school_age_to=_day(int(age.last[0])) if known else None,
        born_known=known,
    )


def _day(days_since_epoch: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=days_since_epoch)


def _session(matrix: MarkMatrix, column: int) -> Session:
    return Session(matrix.column_date(column), matrix.column_session(column))


def _hidden_rows(found: GroupThreshold, everywhere: MarkMatrix, seen: np.ndarray) -> np.ndarray:
    """Rows of `found.counted` at schools the reader cannot see (earlier schools included)."""
    visible = set(everywhere.schools[everywhere.row_school[seen]].astype(str).tolist())
    matrix = found.counted
    return ~np.isin(matrix.schools[matrix.row_school].astype(str), list(visible))


def _window(
    found: GroupThreshold,
    hidden: np.ndarray,
    *,
    first_column: int,
    end_column: int,
    as_of: dt.date,
) -> ThresholdWindow | None:
    """The pupil's school weeks (ADR 0012: the school's weeks, not only the pupil's) ending
    with the week of `end_column`, and the sessions counted in them from `first_column` up
    to and including that session (WTISA: 10 sessions within 10 school weeks)."""
    matrix, rule = found.counted, found.rule
    if end_column < 0:
        return None
    weeks, school_weeks = pupils_school_weeks(
        matrix, as_of=as_of, rule=rule, calendar=found.calendar
    )
    end_week = week_numbers(matrix.days[end_column // 2 : end_column // 2 + 1])[0]
    mine = weeks[school_weeks[0] & (weeks <= end_week)][-rule.school_weeks :]
    if not mine.size:
        return None
    window_start = int(np.searchsorted(week_numbers(matrix.days), mine[0]))
    columns = slice(max(2 * window_start, first_column), end_column + 1)
    counted = _counted_mask(found, columns)
    met = found.result.occasions.met_column
    is_met = bool((met == end_column).any())
    return ThresholdWindow(
        mondays=tuple(monday_of_week(int(w)) for w in mine),
        ends_on=matrix.column_date(end_column),
        ends_session=matrix.column_session(end_column) if is_met else None,
        qualifying=int(counted.sum()),
        met=is_met,
        elsewhere=int(counted[hidden].sum()),
    )
