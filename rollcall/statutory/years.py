"""Three different years, each with one function whose name says which. Callers say which they
mean; none of them works a year out for itself.

- The **statistics year**: the academic year of the DfE's attendance statistics, 1 August to
  31 July ("Pupil absence in schools in England", methodology: the academic year's absence is
  published from the autumn, spring and summer terms, counted from 1 August).
  Its three **terms** are autumn (1 August to 31 December), spring (1 January to Easter
  Sunday) and summer (Easter Monday to 31 July) (DFE-STATS methodology §4.1: the census
  periods).
- The **school year** of the Education Act 1996 s579(1): the period beginning with the first
  school term to begin after July and ending with the first day of the next such period. A
  school's autumn term begins after July; without its term dates the school year is taken to
  begin on 1 September, as the statutory data says (`school_age.yaml`,
  `default_school_year_start`).
- The **National Curriculum year group**: a child's year group in a school year is set by their
  age on 31 August before it (Education Act 2002 s82(1): the key stages run by the school year in
  which most of a class reach an age; the DfE's school census guide, `NCyearActual`): aged 4 on
  31 August, Reception; 5, Year 1; … 18, Year 14.

Pure: the date is always passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rollcall.statutory.days import england_bank_holidays

NURSERY_AND_RECEPTION = {2: "N1", 3: "N2", 4: "R"}


def statistics_year_start(day: dt.date) -> dt.date:
    """1 August on or before `day`: the start of the DfE statistics' academic year."""
    return dt.date(day.year if day.month >= 8 else day.year - 1, 8, 1)


@dataclass(frozen=True)
class StatisticsTerm:
    name: str  # "Spring term 2025"
    first: dt.date
    last: dt.date


def _easter_sunday(year: int) -> dt.date:
    good_friday = next(
        day for day, name in england_bank_holidays(year).items() if name == "Good Friday"
    )
    return good_friday + dt.timedelta(days=2)


def statistics_term(day: dt.date) -> StatisticsTerm:
    """The term holding `day` as the DfE's absence statistics count terms (DFE-STATS
    methodology §4.1): autumn 1 August to 31 December, spring 1 January to Easter Sunday,
    summer Easter Monday to 31 July."""
    if day.month >= 8:
        return StatisticsTerm(
            f"Autumn term {day.year}", dt.date(day.year, 8, 1), dt.date(day.year, 12, 31)
        )
    easter = _easter_sunday(day.year)
    if day <= easter:
        return StatisticsTerm(f"Spring term {day.year}", dt.date(day.year, 1, 1), easter)
    return StatisticsTerm(
        f"Summer term {day.year}", easter + dt.timedelta(days=1), dt.date(day.year, 7, 31)
    )


def school_year_start(day: dt.date, *, autumn_term_starts: dt.date | None = None) -> dt.date:
    """The start of the school year (EA96 s579) holding `day`: the school's autumn term start
    when it is given and on or before `day`, else 1 September on or before `day`."""
    if autumn_term_starts is not None and 0 <= (day - autumn_term_starts).days < 366:
        return autumn_term_starts
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def national_curriculum_year(date_of_birth: dt.date, day: dt.date) -> str | None:
    """The usual National Curriculum year group in the school year holding `day` ("N1", "N2",
    "R", "1" … "14"), by age on 31 August before that year; None outside those ages."""
    year = school_year_start(day).year
    birthday_after_august = (date_of_birth.month, date_of_birth.day) > (8, 31)
    age = year - date_of_birth.year - (1 if birthday_after_august else 0)
    if age in NURSERY_AND_RECEPTION:
        return NURSERY_AND_RECEPTION[age]
    if 5 <= age <= 18:
        return str(age - 4)
    return None
