"""Counting one pupil's sessions by the DfE's statistical categories: the careful twin of the
vectorised figures (engine.figures), for the few hundred marks a page, a certificate or an API
answer holds. Everything that counts a pupil's sessions outside the matrix asks this module.

The category of each session is the one its code had on the session's date (the School
Attendance (Pupil Registration) (England) Regulations 2024, Schedule; J was attendance before 19
August 2024 and is authorised absence after). Persistent and severe absence are the DfE's: at
least 10 % and at least 50 % of possible sessions missed ("Pupil absence in schools in England",
methodology), as engine.figures counts them in whole numbers.
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
    def absent(self) -> int:
        return self.authorised_absence + self.unauthorised_absence

    @property
    def persistent(self) -> bool:
        return persistent_absence(absent=self.absent, possible=self.possible)

    @property
    def severe(self) -> bool:
        return severe_absence(absent=self.absent, possible=self.possible)

    @property
    def attendance_percent(self) -> float | None:
        """(Present + AEA) / possible x 100, to one decimal place as the DfE publishes."""
        if not self.possible:
            return None
        return round(100 * (self.present + self.approved_educational_activity) / self.possible, 1)


def persistent_absence(*, absent: int, possible: int) -> bool:
    # Whole numbers, so 10 % exactly is caught without floating-point doubt (as engine.figures).
    return possible > 0 and 10 * absent >= possible


def severe_absence(*, absent: int, possible: int) -> bool:
    return possible > 0 and 2 * absent >= possible


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
