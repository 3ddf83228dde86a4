"""Counting one pupil's sessions by the DfE's statistical categories: the careful twin of the
vectorised figures (engine.figures), for the few hundred marks a page, a certificate or an API
answer holds. Everything that counts a pupil's sessions outside the matrix asks this module.

The category of each session is the one its code had on the session's date (the School
Attendance (Pupil Registration) (England) Regulations 2024, Schedule; J was attendance before 19
August 2024 and is authorised absence after). Persistent and severe absence are the DfE's
(DFE-STATS), their shares read from the statutory data in force on the last session counted, as
engine.figures reads them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rollcall import statutory
from rollcall.statutory import Category


@dataclass(frozen=True)
class SessionFigures:
    possible: int
    present: int
    approved_educational_activity: int
    authorised_absence: int
    unauthorised_absence: int
    not_counted: int
    last_day: dt.date | None = None  # of the sessions counted: the day the measures are read

    @property
    def absent(self) -> int:
        return self.authorised_absence + self.unauthorised_absence

    @property
    def persistent(self) -> bool:
        if self.last_day is None:
            return False
        return persistent_absence(absent=self.absent, possible=self.possible, on=self.last_day)

    @property
    def severe(self) -> bool:
        if self.last_day is None:
            return False
        return severe_absence(absent=self.absent, possible=self.possible, on=self.last_day)

    @property
    def attendance_percent(self) -> float | None:
        """(Present + AEA) / possible x 100, to one decimal place as the DfE publishes."""
        if not self.possible:
            return None
        return round(100 * (self.present + self.approved_educational_activity) / self.possible, 1)


def _measures(on: dt.date) -> statutory.AbsenceMeasures:
    measures = statutory.on(on).absence
    if measures is None:
        raise ValueError(f"rollcall holds no persistent absence measure for {on}")
    return measures


def persistent_absence(*, absent: int, possible: int, on: dt.date) -> bool:
    """Whether `absent` of `possible` sessions is persistent absence by the measure of `on`."""
    return bool(_measures(on).persistent(absent=absent, possible=possible))


def severe_absence(*, absent: int, possible: int, on: dt.date) -> bool:
    """Whether `absent` of `possible` sessions is severe absence by the measure of `on`."""
    return bool(_measures(on).severe(absent=absent, possible=possible))


def session_figures(marks: Iterable[tuple[dt.date, str]]) -> SessionFigures:
    """Count sessions by category. Possible = present + AEA + authorised + unauthorised."""
    categories: dict[tuple[str, dt.date], Category] = {}
    counts: Counter[Category] = Counter()
    last_day: dt.date | None = None
    for day, code in marks:
        if last_day is None or day > last_day:
            last_day = day
        key = (code, day)
        category = categories.get(key)
        if category is None:
            category = categories[key] = statutory.code_on(code, day).category
        counts[category] += 1
    return _figures(counts, last_day)


def session_figures_by_code(
    counted: Iterable[tuple[str, int, dt.date, dt.date]],
) -> SessionFigures | None:
    """The same figures from marks the database has already counted by code: (code, number of
    marks, first day, last day) for each code. None should a code's category ever differ between
    its first and last day: count those marks one by one instead."""
    counts: Counter[Category] = Counter()
    last_day: dt.date | None = None
    for code, number, first, last in counted:
        category = _category(code, first)
        if _category(code, last) != category:
            return None
        counts[category] += number
        if last_day is None or last > last_day:
            last_day = last
    return _figures(counts, last_day)


@lru_cache(maxsize=8192)
def _category(code: str, day: dt.date) -> Category:
    return statutory.code_on(code, day).category


def _figures(counts: Counter[Category], last_day: dt.date | None) -> SessionFigures:
    present = counts[Category.PRESENT]
    aea = counts[Category.AEA]
    authorised = counts[Category.AUTHORISED]
    unauthorised = counts[Category.UNAUTHORISED]
    return SessionFigures(
        possible=present + aea + authorised + unauthorised,
        present=present,
        approved_educational_activity=aea,
        authorised_absence=authorised,
        unauthorised_absence=unauthorised,
        not_counted=counts[Category.NOT_COUNTED],
        last_day=last_day,
    )
