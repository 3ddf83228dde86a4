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
    pupil_school_weeks,
    threshold_occasions,
)
from rollcall.engine.matrix import MarkMatrix, week_numbers
from rollcall.engine.school_age import SchoolAge

FEW_OCCASIONS = 4  # occasions per pupil kept in the first pass; the few with more get a second
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
    days = matrix.columns_between(None, as_of).stop // 2
    if not days or not matrix.n_rows:
        return {}
    held = school_held_days(matrix, rule=rule, days=days)
    return calendar_from_held(held, matrix.days[:days], matrix.schools)


def school_held_days(
    matrix: MarkMatrix, *, rule: ThresholdRule, days: int | None = None
) -> np.ndarray:
    """Per school of the matrix and each of its first `days` days (default all): whether any of
    its pupils has a mark that day that makes a session held (rule.school_week_session)."""
    days = len(matrix.days) if days is None else days
    by_school = np.zeros((len(matrix.schools), days), dtype=bool)
    if not days or not matrix.n_rows:
        return by_school
    held_days = rule.school_week_session[matrix.ids[:, : 2 * days]].reshape(matrix.n_rows, days, 2)
    held_days = held_days.any(axis=2)
    order = np.argsort(matrix.row_school, kind="stable")
    schools, starts = np.unique(matrix.row_school[order], return_index=True)
    by_school[schools] = np.logical_or.reduceat(held_days[order], starts, axis=0)
    return by_school


def calendar_from_held(held: np.ndarray, days: np.ndarray, schools: np.ndarray) -> SchoolCalendar:
    """The school calendar (weeks with a session held) from each school's held days
    (`school_held_days`: a row per school of `schools`, a column per day of `days`)."""
    weeks = week_numbers(days)
    return {
        str(schools[s]): np.unique(weeks[held[s]])
        for s in np.flatnonzero(held.any(axis=1)).tolist()
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
    everyone = np.arange(n, dtype=np.int64)
    in_window, found = _scan(matrix, rule, weeks, q, everyone, lo, hi, FEW_OCCASIONS)
    many = found.count > FEW_OCCASIONS
    listed = [found.flat(~many)]
    if many.any():  # the few pupils with more occasions, again with room for all of them
        again = everyone[many]
        _, more = _scan(matrix, rule, weeks, q, again, lo, hi, int(found.count[many].max()))
        listed.append(more.flat(np.ones(again.size, dtype=bool)))
    occasions = _occasions(listed, matrix, since)
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


@dataclass(frozen=True)
class _Found:
    """Occasions of some pupils as the compiled loop writes them: per pupil how many, and
    the first `room` of them."""

    pupils: np.ndarray  # int64 per pupil looked at
    count: np.ndarray  # int64 per pupil: occasions (may be more than room)
    met: np.ndarray  # (pupils, room) int64
    first: np.ndarray  # (pupils, room) int64
    provisional: np.ndarray  # (pupils, room) int64

    def flat(self, keep: np.ndarray) -> Occasions:
        """The occasions written for the pupils chosen by `keep` (bool per pupil)."""
        room = self.met.shape[1]
        written = (np.arange(room)[None, :] < self.count[:, None]) & keep[:, None]
        k, slot = np.nonzero(written)  # pupil by pupil, each in order
        return Occasions(
            self.pupils[k],
            slot.astype(np.int64) + 1,
            self.first[k, slot],
            self.met[k, slot],
            self.provisional[k, slot],
        )


def _scan(
    matrix: MarkMatrix,
    rule: ThresholdRule,
    weeks: _Weeks,
    q: np.ndarray,
    pupils: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    room: int,
) -> tuple[np.ndarray, _Found]:
    """These pupils' count now and their occasions, with room for `room` occasions each
    (kernels.threshold_occasions)."""
    k = pupils.size
    in_window = np.zeros(k, dtype=np.int64)
    count = np.zeros(k, dtype=np.int64)
    met = np.full((k, room), -1, dtype=np.int64)
    first = np.full((k, room), -1, dtype=np.int64)
    provisional = np.zeros((k, room), dtype=np.int64)
    if k and len(weeks.column_starts):
        by_rows(
            threshold_occasions,
            k,
            matrix.ids,
            weeks.order,
            weeks.bounds,
            pupils,
            weeks.school_weeks,
            q,
            weeks.column_starts,
            weeks.end,
            lo,
            hi,
            rule.school_weeks,
            rule.sessions,
            rule.qualifying,
            rule.provisional,
            in_window,
            count,
            met,
            first,
            provisional,
        )
    return in_window, _Found(pupils, count, met, first, provisional)


def _occasions(listed: list[Occasions], matrix: MarkMatrix, since: dt.date | None) -> Occasions:
    """Every occasion in order (pupil, then session), from `since` if given."""
    pupil, number, first, met, provisional = (
        np.concatenate([getattr(o, name) for o in listed]).astype(np.int64)
        for name in ("pupil", "number", "first_column", "met_column", "provisional_sessions")
    )
    order = np.lexsort((met, pupil))
    keep = order
    if since is not None:
        from_column = matrix.columns_between(since, None).start
        keep = order[met[order] >= from_column]
    return Occasions(pupil[keep], number[keep], first[keep], met[keep], provisional[keep])
