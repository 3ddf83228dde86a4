"""What rollcall works out for pupils that arrive in a CTF: the usual year group for their age."""

from __future__ import annotations

import datetime as dt


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
