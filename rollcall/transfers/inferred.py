"""What rollcall works out for schools and pupils that arrive in a CTF.

Term dates for a school rollcall knows only from CTFs are inferred from the sessions imported:
such a school's real calendar is unknown, but its marks must be storable and must fall on days
the calendar has open (registers refuse marks on closed days). So its terms are the runs of
days that carry a session: a run ends at any weekday, other than a bank holiday, with no
session, because the school (as far as rollcall can tell) did not meet that day. Weekends and
bank holidays do not end a run; the calendar closes them anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from rollcall.organisations.calendar import england_bank_holidays

ONE_DAY = dt.timedelta(days=1)


def _closed_anyway(day: dt.date) -> bool:
    return day.weekday() >= 5 or day in england_bank_holidays(day.year)


def session_runs(
    session_days: Iterable[dt.date], terms: Iterable[tuple[dt.date, dt.date]]
) -> list[tuple[dt.date, dt.date]]:
    """New (start, end) terms covering every session day that no existing term covers."""
    existing = list(terms)

    def covered(day: dt.date) -> bool:
        return any(start <= day <= end for start, end in existing)

    days = sorted({day for day in session_days if not covered(day)})
    runs: list[tuple[dt.date, dt.date]] = []
    present = set(days)
    for day in days:
        if runs and _joins(runs[-1][1], day, present, covered):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _joins(
    last: dt.date, day: dt.date, present: set[dt.date], covered: Callable[[dt.date], bool]
) -> bool:
    gap = last + ONE_DAY
    while gap < day:
        if gap not in present and not _closed_anyway(gap):
            return False
        if covered(gap):
            return False
        gap += ONE_DAY
    return True


def year_group_on(date_of_birth: dt.date, day: dt.date) -> str | None:
    """The usual National Curriculum year group in the academic year holding `day`: by age on
    31 August before the year starts (age 4 reception, 5 Year 1 … 18 Year 14)."""
    year_starts = day.year if day.month >= 9 else day.year - 1
    age = (
        year_starts
        - date_of_birth.year
        - (1 if (date_of_birth.month, date_of_birth.day) > (8, 31) else 0)
    )
    if age == 2:
        return "N1"
    if age == 3:
        return "N2"
    if age == 4:
        return "R"
    if 5 <= age <= 18:
        return str(age - 4)
    return None
