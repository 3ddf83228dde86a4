"""A school's pupils this school year, with the flags its attendance officer works from.

Session counts are the pupil's enrolment at this school (the DfE unit for persistent absence).
The national threshold, continuous absence and uncorrected N are the pupil's, over every
school: the law counts the threshold across schools (WTISA) and a dual-registered pupil's
day is only a whole day's absence if they missed both places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from rollcall import statutory
from rollcall.analytics.figures.matrices import rows_of_pupils, submatrix
from rollcall.analytics.figures.threshold import (
    LawInputs,
    SavedLaw,
    group_threshold,
    occasions_from,
)
from rollcall.engine import MarkMatrix, enrolment_figures
from rollcall.engine.cohorts import authority_totals, enrolment_frame
from rollcall.engine.dfe_comparable import dfe_comparable_per_enrolment
from rollcall.engine.triggers import (
    continuous_absence,
    counts_mark_day,
    daily_picture,
    uncorrected_n,
)
from rollcall.policies import PolicyProfile
from rollcall.statutory.years import school_year_start


@dataclass(frozen=True)
class PupilLine:
    upn: str
    possible: int
    attended: int
    authorised: int
    unauthorised: int
    late_before_close: int
    late_after_close: int
    attendance_pct: float | None
    persistent: bool
    severe: bool
    threshold_met_on: dt.date | None  # first met this school year
    threshold_met_session: str | None
    threshold_first_met_on: dt.date | None  # first met ever (since the framework began)
    threshold_in_window: int
    threshold_provisional: bool  # the first occasion this year was met only through N
    threshold_occasions: int  # occasions this school year
    # DfE-comparable (engine.dfe_comparable): this enrolment counted (aged 5 to 15 on 31
    # August), and persistently or severely absent over the academic year from 1 August.
    dfe_counted: bool
    dfe_persistent: bool
    dfe_severe: bool
    absent_days_running: int  # current run of whole days' unauthorised absence
    absent_since: dt.date | None  # first day of that run, when it has reached the trigger
    overdue_n_days: int  # days still coded N after the correction period
    overdue_n_since: dt.date | None

    @property
    def continuous_absence(self) -> bool:
        return self.absent_since is not None

    @property
    def uncorrected_n(self) -> bool:
        return self.overdue_n_days > 0


def school_pupil_lines(
    matrix: MarkMatrix,
    *,
    urn: str,
    as_of: dt.date,
    law: LawInputs,
    profile: PolicyProfile | None = None,
    saved: SavedLaw | None = None,
) -> dict[str, PupilLine]:
    """Every pupil with marks at the school this school year, keyed by UPN. The threshold
    is counted as the sweep counts it (figures.threshold.group_threshold): the weeks of the
    schools they attended are those schools' over all their pupils, as the sweep's are."""
    school = np.flatnonzero(matrix.schools.astype(str) == urn)
    if not school.size:
        return {}
    here = np.flatnonzero(matrix.row_school == school[0])
    pupils = np.unique(matrix.row_pupil[here])
    sub = submatrix(matrix, rows_of_pupils(matrix, pupils))
    first = school_year_start(as_of)
    figures = enrolment_figures(sub, first=first, last=as_of)
    rows = np.flatnonzero((sub.row_school == school[0]) & (figures.possible > 0))
    n = sub.n_pupils
    first_met: list[dt.date | None] = [None] * n
    met: list[tuple[dt.date, str] | None] = [None] * n
    provisional = np.zeros(n, dtype=bool)
    occasions_this_year = np.zeros(n, dtype=np.int64)
    in_window = np.zeros(n, dtype=np.int64)
    found = group_threshold(matrix, pupils, as_of=as_of, law=law, saved=saved)
    if found is not None:
        # The sweep's own count (figures.threshold), so the list agrees with the worklist.
        counted, occasions = found.counted, found.result.occasions
        in_window = found.result.sessions_in_window
        ever = found.result.met_column
        for pupil in np.flatnonzero(ever >= 0).tolist():
            first_met[pupil] = counted.column_date(int(ever[pupil]))
        for k in occasions_from(found, first).tolist():
            pupil = int(occasions.pupil[k])
            occasions_this_year[pupil] += 1
            if met[pupil] is None:
                column = int(occasions.met_column[k])
                met[pupil] = (counted.column_date(column), counted.column_session(column))
                provisional[pupil] = bool(occasions.provisional_sessions[k])
    dfe_counted, dfe_persistent, dfe_severe = dfe_comparable_per_enrolment(
        sub, as_of=as_of, dates_of_birth=law.dates_of_birth
    )
    run_length, run_start, overdue, overdue_from = _daily_flags(sub, as_of, profile)
    notify_days = _continuous_days(as_of)
    lines = {}
    # Each of these is worked out over every row when asked for: once, not once a pupil.
    attendance = figures.attendance_pct
    persistent, severe = figures.persistent_absence, figures.severe_absence
    for row in rows.tolist():
        pupil = int(sub.row_pupil[row])
        met_at = met[pupil]
        running = int(run_length[pupil])
        upn = str(sub.pupils[pupil])
        lines[upn] = PupilLine(
            upn=upn,
            possible=int(figures.possible[row]),
            attended=int(figures.present[row] + figures.aea[row]),
            authorised=int(figures.authorised[row]),
            unauthorised=int(figures.unauthorised[row]),
            late_before_close=int(figures.late_before_close[row]),
            late_after_close=int(figures.late_after_close[row]),
            attendance_pct=None if np.isnan(attendance[row]) else float(attendance[row]),
            persistent=bool(persistent[row]),
            severe=bool(severe[row]),
            threshold_met_on=met_at[0] if met_at else None,
            threshold_met_session=met_at[1] if met_at else None,
            threshold_first_met_on=first_met[pupil],
            threshold_in_window=int(in_window[pupil]),
            threshold_provisional=bool(provisional[pupil]),
            threshold_occasions=int(occasions_this_year[pupil]),
            dfe_counted=bool(dfe_counted[row]),
            dfe_persistent=bool(dfe_persistent[row]),
            dfe_severe=bool(dfe_severe[row]),
            absent_days_running=running,
            absent_since=run_start[pupil] if notify_days and running >= notify_days else None,
            overdue_n_days=int(overdue[pupil]),
            overdue_n_since=overdue_from[pupil],
        )
    return lines


def _continuous_days(on: dt.date) -> int | None:
    registers = statutory.on(on).registers
    return registers.continuous_absence_notification.amount if registers else None


def _daily_flags(
    matrix: MarkMatrix, as_of: dt.date, profile: PolicyProfile | None
) -> tuple[np.ndarray, list[dt.date | None], np.ndarray, list[dt.date | None]]:
    """Per pupil: current run of whole days absent without permission and its first day;
    days still coded N past the correction period and the oldest (REG24 reg 13; WTISA)."""
    n = matrix.n_pupils
    registers = statutory.on(as_of).registers
    columns = matrix.columns_between(None, as_of)
    if registers is None or columns.stop == columns.start:
        return np.zeros(n, dtype=np.int64), [None] * n, np.zeros(n, dtype=np.int64), [None] * n
    picture = daily_picture(matrix, columns)
    _, start, run = continuous_absence(
        picture, days=registers.continuous_absence_notification.amount
    )
    count, earliest = uncorrected_n(
        picture,
        school_days=registers.n_code_correction.amount,
        counts_mark_day=counts_mark_day(profile),
    )
    days = picture.days.astype(dt.date)
    return (
        np.asarray(run),
        [days[int(s)] if r > 0 else None for s, r in zip(start, run, strict=True)],
        np.asarray(count),
        [days[int(e)] if e >= 0 else None for e in earliest],
    )


@dataclass(frozen=True)
class Headline:
    enrolments: int
    possible: int
    attendance_pct: float | None
    authorised_pct: float | None
    unauthorised_pct: float | None
    persistent_pct: float | None
    severe_pct: float | None


def headline(frame: pl.DataFrame) -> Headline:
    """The figures for a set of enrolments together (a school, or the whole LA)."""
    if frame.height == 0:
        return Headline(0, 0, None, None, None, None, None)
    return headline_of(authority_totals(frame))


def headline_of(totals: Mapping[str, Any]) -> Headline:
    """A Headline from engine.cohorts.authority_totals (or one row of totals_by)."""
    absence = totals["absence_pct"]
    return Headline(
        enrolments=int(totals["enrolments"] or 0),
        possible=int(totals["possible"] or 0),
        attendance_pct=None if absence is None else round(100 - float(absence), 2),
        authorised_pct=_float(totals["authorised_pct"]),
        unauthorised_pct=_float(totals["unauthorised_pct"]),
        persistent_pct=_float(totals["persistent_pct"]),
        severe_pct=_float(totals["severe_pct"]),
    )


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def year_enrolments(matrix: MarkMatrix, *, as_of: dt.date) -> pl.DataFrame:
    """Every enrolment with possible sessions this school year (engine.cohorts)."""
    return enrolment_frame(matrix, first=school_year_start(as_of), last=as_of)
