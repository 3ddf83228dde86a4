"""The national threshold for a group of pupils, exactly as the sweep counts it for the worklist.

One definition (engine.triggers.threshold_occasions): across schools, earlier ones known from
CTFs included (WTISA national framework; ADR 0009); only sessions of compulsory school age (EA96 s8,
s444A); school weeks from the schools' calendars (ADR 0012), so a week the school was open
before the pupil was admitted counts; every occasion, each counted afresh after the last; an
occasion met only through N is provisional (WTISA, "N code"). The pupil, school and authority
pages and the nightly sweep all ask through here, so a page never disagrees with the worklist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.analytics.figures.matrices import rows_of_pupils, submatrix
from rollcall.engine import MarkMatrix
from rollcall.engine.matrix import pupils_in
from rollcall.engine.school_age import DatesOfBirth, SchoolAge
from rollcall.engine.threshold import (
    SchoolCalendar,
    ThresholdResult,
    ThresholdRule,
    calendar_from_held,
    school_calendar,
)
from rollcall.engine.triggers import provisional_columns, threshold_occasions


@dataclass(frozen=True)
class LawInputs:
    """What the threshold needs beyond the registers: the pupils' attendance at earlier
    schools (engine.history) and their dates of birth (compulsory school age)."""

    history: MarkMatrix | None
    dates_of_birth: DatesOfBirth


@dataclass(frozen=True)
class SavedLaw:
    """What the threshold needs beyond some pupils' own rows, worked out when the store is
    saved (figures.prepared): each school's days with a session held over every pupil
    (engine.threshold.school_held_days), every pupil's marks at earlier schools (engine.history,
    in UPN order) and those schools' held days. A page about some pupils takes their
    threshold's school weeks and earlier marks from here, rather than from every row of their
    schools and every earlier-school mark in the database; the counting is the sweep's."""

    held: np.ndarray  # bool (the matrix's schools, its days)
    school_week_session: np.ndarray  # the rule's codes making a session held, when worked out
    history: MarkMatrix | None  # every earlier-school mark, as law_inputs() read them
    earlier_held: np.ndarray  # bool (history's schools, its days), over the matrix's pupils

    def applies(self, matrix: MarkMatrix, as_of: dt.date) -> bool:
        """Whether these are `matrix`'s and the rule at as-of marks the same codes as held
        (with no threshold then, nothing is counted from them)."""
        if self.held.shape != (len(matrix.schools), len(matrix.days)):
            return False
        if statutory.on(as_of).threshold is None:
            return True
        rule = ThresholdRule.national(matrix, as_of)
        return bool(np.array_equal(self.school_week_session, rule.school_week_session))

    def history_of(self, upns: Collection[str]) -> MarkMatrix | None:
        """These pupils' marks at earlier schools, found by binary search."""
        history = self.history
        if history is None or not len(upns):
            return None
        wanted = np.asarray(sorted(upns), dtype=history.pupils.dtype)
        at = np.minimum(np.searchsorted(history.pupils, wanted), history.n_pupils - 1)
        pupils = at[history.pupils[at] == wanted]
        if not pupils.size:
            return None
        return submatrix(history, rows_of_pupils(history, pupils))

    def calendar(
        self,
        matrix: MarkMatrix,
        *,
        as_of: dt.date,
        urns: Collection[str],
        earlier: Collection[str],
    ) -> SchoolCalendar:
        """These schools' and these earlier schools' calendars up to as-of, as
        threshold_calendar works them out from every row (call only when `applies`)."""
        days = matrix.columns_between(None, as_of).stop // 2
        wanted = np.isin(matrix.schools.astype(str), list(urns))
        held = np.asarray(self.held[:, :days]) & wanted[:, None]
        calendar = dict(calendar_from_held(held, matrix.days[:days], matrix.schools))
        history = self.history
        if history is not None and earlier:
            days = history.columns_between(None, as_of).stop // 2
            wanted = np.isin(history.schools.astype(str), list(earlier))
            held = np.asarray(self.earlier_held[:, :days]) & wanted[:, None]
            found = calendar_from_held(held, history.days[:days], history.schools)
            for urn, weeks in found.items():
                calendar[urn] = np.union1d(calendar.get(urn, weeks[:0]), weeks)
        return calendar


def threshold_calendar(
    matrix: MarkMatrix,
    history: MarkMatrix | None,
    *,
    as_of: dt.date,
    urns: Collection[str] | None = None,
    saved: SavedLaw | None = None,
) -> SchoolCalendar:
    """Each school's weeks with a session held (engine.threshold.school_calendar), worked out
    over every pupil of the schools (`urns`; default every school) and every earlier school
    the matrix's pupils came from, as the sweep does for the whole authority. With what was
    saved with the store (`saved`, when it applies), the weeks come from there, and `history`
    need only name the earlier schools wanted."""
    schools = matrix.schools.astype(str)
    if saved is not None and saved.applies(matrix, as_of):
        named: list[str] = []
        if history is not None and history.n_rows:
            named = history.schools[np.unique(history.row_school)].astype(str).tolist()
        return saved.calendar(
            matrix, as_of=as_of, urns=schools if urns is None else urns, earlier=named
        )
    rule = ThresholdRule.national(matrix, as_of)
    mine = matrix
    if urns is not None:
        wanted = np.isin(schools, list(urns))
        mine = submatrix(matrix, np.flatnonzero(wanted[matrix.row_school]))
    calendar = dict(school_calendar(mine, as_of=as_of, rule=rule)) if mine.n_rows else {}
    if history is not None and history.n_rows:
        ours = pupils_in(history.pupils, matrix.pupils)
        rows = np.flatnonzero(ours[history.row_pupil])
        if rows.size:
            earlier = submatrix(history, rows)
            for urn, weeks in school_calendar(earlier, as_of=as_of, rule=rule).items():
                calendar[urn] = np.union1d(calendar.get(urn, weeks[:0]), weeks)
    return calendar


@dataclass(frozen=True)
class GroupThreshold:
    counted: MarkMatrix  # the pupils' rows, earlier schools included: row p is pupil p
    rule: ThresholdRule
    result: ThresholdResult  # every occasion up to as-of, per pupil of `counted`
    school_age: SchoolAge
    calendar: SchoolCalendar

    def provisional_columns(self, occasion: int) -> np.ndarray:
        return provisional_columns(self.counted, self.result, occasion, self.rule)


def group_threshold(
    matrix: MarkMatrix,
    pupils: np.ndarray,
    *,
    as_of: dt.date,
    law: LawInputs,
    saved: SavedLaw | None = None,
) -> GroupThreshold | None:
    """The threshold for these pupils (indices into `matrix`) up to as-of; None before the
    national framework. `counted.pupils` names them, in the order of `pupils`' UPNs sorted
    as the matrix holds them. `saved`: what was saved with the store, if the matrix is its."""
    if statutory.on(as_of).threshold is None or not len(pupils):
        return None
    everyone = len(pupils) == matrix.n_pupils
    group = matrix if everyone else submatrix(matrix, rows_of_pupils(matrix, np.asarray(pupils)))
    if group.columns_between(None, as_of).stop == 0:
        return None
    urns = {str(u) for u in group.schools[np.unique(group.row_school)]}
    calendar = threshold_calendar(
        matrix, law.history, as_of=as_of, urns=None if everyone else urns, saved=saved
    )
    counted, rule, result = threshold_occasions(
        group,
        as_of=as_of,
        history=law.history,
        dates_of_birth=law.dates_of_birth,
        calendar=calendar,
    )
    age = law.dates_of_birth.school_age(counted)
    return GroupThreshold(counted, rule, result, age, calendar)


def occasions_from(found: GroupThreshold, since: dt.date) -> np.ndarray:
    """Indices into found.result.occasions of those met on or after `since`."""
    occasions = found.result.occasions
    start = found.counted.columns_between(since, None).start
    return np.flatnonzero(occasions.met_column >= start)
