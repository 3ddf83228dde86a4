"""Compulsory school age: when it starts and ends for a child (EA96 s8; CSAO)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, Strict, model_validator

from rollcall.statutory.base import Era, StatutoryModel, require_date


class MonthDay(StatutoryModel):
    """A day of the year, such as 31 March."""

    month: Annotated[int, Strict(), Field(ge=1, le=12)]
    day: Annotated[int, Strict(), Field(ge=1, le=31)]

    @model_validator(mode="after")
    def _exists(self) -> Self:
        date(2000, self.month, self.day)  # 2000 is a leap year: raises only for impossible days
        return self

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """Monday = 0, as `date.weekday()` counts."""
        return list(Weekday).index(self)


class SchoolAgeRules(Era):
    start_age: Annotated[int, Strict(), Field(gt=0)]
    end_age: Annotated[int, Strict(), Field(gt=0)]
    prescribed_days: tuple[MonthDay, ...] = Field(min_length=1)  # CSAO 1998
    leaving_date_month: Annotated[int, Strict(), Field(ge=1, le=12)]  # School Leaving Date Order
    leaving_date_weekday: Weekday  # the last such weekday of leaving_date_month
    leap_day_birthday: MonthDay  # the birthday of a child born 29 Feb, in a common year
    default_school_year_start: MonthDay  # used when the school's autumn term start is unknown

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        days = [(d.month, d.day) for d in self.prescribed_days]
        if days != sorted(set(days)):
            raise ValueError("prescribed_days must be in calendar order without repeats")
        if (self.leap_day_birthday.month, self.leap_day_birthday.day) == (2, 29):
            raise ValueError("leap_day_birthday must be a day that exists in every year")
        return self


class SchoolAgeFile(StatutoryModel):
    school_age: tuple[SchoolAgeRules, ...]


def _rules_for(day: date) -> SchoolAgeRules:
    # Imported here because the loader imports this module's models.
    from rollcall.statutory.loader import statutory_data

    eras = statutory_data().school_age
    for era in eras:
        if era.in_force_on(day):
            return era
    if day < eras[0].in_force_from:
        # The 1997/1998 orders predate rollcall's data, which starts with their rules in force.
        return eras[0]
    raise ValueError(f"no compulsory-school-age rules recorded for {day.isoformat()}")


def _birthday(date_of_birth: date, age: int, rules: SchoolAgeRules) -> date:
    """The day a child reaches `age`; a 29 Feb child has its birthday on 1 Mar in common years."""
    year = date_of_birth.year + age
    if (date_of_birth.month, date_of_birth.day) == (2, 29) and not calendar.isleap(year):
        return rules.leap_day_birthday.in_year(year)  # rollcall's reading
    return date_of_birth.replace(year=year)


def compulsory_school_age_start(date_of_birth: date) -> date:
    """First day of compulsory school age: the first prescribed day on or after the 5th birthday.

    EA96 s8(2); CSAO 1998 (31 Mar, 31 Aug, 31 Dec).
    """
    require_date(date_of_birth, "date_of_birth")
    born_under = _rules_for(date_of_birth)
    fifth = _birthday(date_of_birth, born_under.start_age, born_under)
    rules = _rules_for(fifth)
    for prescribed in rules.prescribed_days:
        day = prescribed.in_year(fifth.year)
        if day >= fifth:
            return day
    return rules.prescribed_days[0].in_year(fifth.year + 1)


def school_leaving_date(year: int) -> date:
    """The last Friday in June of `year` (Education (School Leaving Date) Order 1997)."""
    rules = _rules_for(date(year, 6, 1))
    month = rules.leaving_date_month
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    days_back = (last_day.weekday() - rules.leaving_date_weekday.number) % 7
    return last_day - timedelta(days=days_back)


def compulsory_school_age_end(date_of_birth: date, autumn_term_start: date | None = None) -> date:
    """Last day of compulsory school age (it ends at the end of this school leaving date).

    EA96 s8(3)-(4) and s579(1) read literally: with Y the year of the 16th birthday,
    (a) a birthday after Y's leaving date but before the next school year starts, or
    (b) a birthday on Y's leaving date -> Y's leaving date;
    (c) otherwise the first leaving date after the birthday.
    The next school year starts with the first term to begin after July (EA96 s579): pass the
    school's autumn-term start; without it, 1 September is used.
    """
    require_date(date_of_birth, "date_of_birth")
    born_under = _rules_for(date_of_birth)
    sixteenth = _birthday(date_of_birth, born_under.end_age, born_under)
    rules = _rules_for(sixteenth)
    year = sixteenth.year
    if autumn_term_start is None:
        next_school_year = rules.default_school_year_start.in_year(year)
    else:
        next_school_year = require_date(autumn_term_start, "autumn_term_start")
        if next_school_year.year != year or next_school_year.month < 8:
            raise ValueError(
                f"autumn_term_start must be the start of the autumn term in {year} (the year the "
                f"child turns {rules.end_age}), got {next_school_year.isoformat()}"
            )
    leaving = school_leaving_date(year)
    if leaving <= sixteenth < next_school_year:
        return leaving  # (a) and (b)
    if sixteenth < leaving:
        return leaving  # (c): this year's leaving date is the first after the birthday
    return school_leaving_date(year + 1)  # (c)
