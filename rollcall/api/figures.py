"""Attendance figures for a pupil over a period, by the DfE's statistical categories.

One small function over (date, code) pairs, so the vectorised engine can replace it without
touching the API. The category of each session is the one its code had on the session's date
(RULES §1.3: J was attendance before 19 August 2024 and is authorised absence after).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

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

    @property
    def attendance_percent(self) -> float | None:
        """(Present + AEA) / possible x 100, to one decimal place as DfE publishes (RULES §2.1)."""
        if not self.possible:
            return None
        return round(100 * (self.present + self.approved_educational_activity) / self.possible, 1)


def session_figures(marks: Iterable[tuple[dt.date, str]]) -> SessionFigures:
    """Count sessions by category. Possible = present + AEA + authorised + unauthorised."""
    categories: dict[tuple[str, dt.date], Category] = {}
    counts: Counter[Category] = Counter()
    for day, code in marks:
        key = (code, day)
        category = categories.get(key)
        if category is None:
            category = categories[key] = statutory.code_on(code, day).category
        counts[category] += 1
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
    )
