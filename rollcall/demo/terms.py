"""The demo's school calendar, worked out from the day the demo is loaded.

Term dates follow the usual pattern of English local authorities: the autumn term starts early
in September with a half-term in the last week of October and ends the Friday before
Christmas; the spring term starts in the first week of January with a half-term in the third
week of February and breaks for two weeks around Easter; the summer term has its half-term in
the week of the spring bank holiday (the last Monday in May) and ends around 21 July. Bank
holidays inside a term are closed by the school calendar itself
(rollcall.organisations.calendar).

The demo's history is about 18 months of registers, from the start of a term to the latest
school day: the load date if it is one, else the school day before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.easter import easter

from rollcall.organisations.calendar import TermDates, england_bank_holidays
from rollcall.statutory.years import school_year_start

HISTORY_MONTHS = 18
# When the afternoon register opens (rollcall's default for a school: School.pm_register_opens).
AFTERNOON_REGISTER = dt.time(13, 15)
ONE_DAY = dt.timedelta(days=1)
MONDAY, FRIDAY = 0, 4


def school_year_of(day: dt.date) -> int:
    """The calendar year the school year holding `day` starts in (September to August)."""
    return school_year_start(day).year


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    return day if day.weekday() < 5 else _on_or_after(day, MONDAY)


def year_terms(year: int) -> tuple[TermDates, ...]:
    """The six half-terms of the school year starting in September of `year`."""
    autumn = dt.date(year, 9, 2)
    if autumn.weekday() >= FRIDAY:  # nobody starts the year on a Friday
        autumn = _on_or_after(autumn, MONDAY)
    october = _on_or_before(dt.date(year, 10, 31), MONDAY)
    christmas = _on_or_before(dt.date(year, 12, 20), FRIDAY)
    spring = _weekday_on_or_after(dt.date(year + 1, 1, 4))
    february = _on_or_after(dt.date(year + 1, 2, 15), MONDAY)  # the third Monday
    good_friday = easter(year + 1) - dt.timedelta(days=2)
    may = _on_or_before(dt.date(year + 1, 5, 31), MONDAY)  # the spring bank holiday
    summer_end = _on_or_before(dt.date(year + 1, 7, 21), FRIDAY)
    if dt.date(year + 1, 7, 21).weekday() < 5:
        summer_end = dt.date(year + 1, 7, 21)
    return (
        TermDates(f"Autumn 1 {year}", autumn, october - dt.timedelta(days=3)),
        TermDates(f"Autumn 2 {year}", october + dt.timedelta(days=7), christmas),
        TermDates(f"Spring 1 {year + 1}", spring, february - dt.timedelta(days=3)),
        TermDates(
            f"Spring 2 {year + 1}",
            february + dt.timedelta(days=7),
            good_friday - dt.timedelta(days=7),
        ),
        TermDates(
            f"Summer 1 {year + 1}",
            good_friday + dt.timedelta(days=10),  # the Monday a week after Easter Monday
            may - dt.timedelta(days=3),
        ),
        TermDates(f"Summer 2 {year + 1}", may + dt.timedelta(days=7), summer_end),
    )


def is_school_day(day: dt.date, terms: tuple[TermDates, ...]) -> bool:
    """A weekday in term that is not a bank holiday (before any school's own closures)."""
    return (
        day.weekday() < 5
        and any(term.starts_on <= day <= term.ends_on for term in terms)
        and day not in england_bank_holidays(day.year)
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


@dataclass(frozen=True)
class DemoDates:
    """The demo's dates, all worked out from the load date."""

    today: dt.date  # the day the demo is loaded
    latest: dt.date  # the latest school day: today if it is one
    first: dt.date  # the first day of the registers' history (the start of a term)
    afternoon_due: bool  # whether the latest day's afternoon registers are due yet
    terms: dict[int, tuple[TermDates, ...]]  # by school year, oldest first

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(self.terms)

    @property
    def latest_year(self) -> int:
        """The school year of the latest school day, whose registers are being taken."""
        return school_year_of(self.latest)

    @property
    def all_terms(self) -> tuple[TermDates, ...]:
        return tuple(term for terms in self.terms.values() for term in terms)

    def year_start(self, year: int) -> dt.date:
        return self.terms[year][0].starts_on

    def year_end(self, year: int) -> dt.date:
        return self.terms[year][-1].ends_on

    def term_index(self, day: dt.date) -> int:
        """Index in all_terms of the latest term starting on or before `day`."""
        starts = [term.starts_on for term in self.all_terms]
        return max(i for i, start in enumerate(starts) if start <= day)


def demo_dates(today: dt.date, at: dt.time = dt.time(23, 59)) -> DemoDates:
    """The demo calendar for a load on `today` at `at` (local time): the terms of the current
    school year and of the years back to the start of the history."""
    this_year = school_year_of(today)
    known = {year: year_terms(year) for year in (this_year - 1, this_year)}
    terms = known[this_year - 1] + known[this_year]
    latest = today
    while not is_school_day(latest, terms):
        latest -= ONE_DAY
    target = _months_before(latest, HISTORY_MONTHS)
    first_year = school_year_of(target)
    years = {year: year_terms(year) for year in range(first_year, this_year + 1)}
    first = next(
        term.starts_on for year in years.values() for term in year if term.ends_on >= target
    )
    return DemoDates(
        today=today,
        latest=latest,
        first=first,
        afternoon_due=latest < today or at >= AFTERNOON_REGISTER,
        terms=years,
    )
