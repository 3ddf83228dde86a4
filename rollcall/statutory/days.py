"""Counting days the way the law counts them: working days, calendar months, school days.

Pure functions over plain dates. England's bank holidays come from the maintained `holidays`
library; `rollcall.organisations.calendar` uses the same list, so a school's calendar and the
statutory clocks never disagree about which days are bank holidays.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def england_bank_holidays(year: int) -> dict[date, str]:
    """England's bank holidays for a year, from the maintained `holidays` library."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and day not in england_bank_holidays(day.year)


def nth_day_after(start: date, count: int, counts: Callable[[date], bool]) -> date:
    """The `count`-th day after `start` (start itself excluded) for which `counts` is true."""
    day = start
    found = 0
    while found < count:
        day += timedelta(days=1)
        if counts(day):
            found += 1
    return day


def nth_day_beginning_with(start: date, count: int, counts: Callable[[date], bool]) -> date:
    """The last day of a period of `count` counted days beginning with `start` (included)."""
    if counts(start):
        return start if count == 1 else nth_day_after(start, count - 1, counts)
    return nth_day_after(start, count, counts)


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` calendar months later (or earlier, if negative).

    Where the later month is too short (31 August + 6 months), the period ends on that month's
    last day (Interpretation Act 1978 Sch 1 'month'; the corresponding date rule, Dodds v Walker
    [1981] 1 WLR 1441).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The same date `years` later; 29 February goes to 28 February in a common year."""
    return add_months(day, 12 * years)


def last_day_of_period(
    start: date,
    amount: int,
    unit: str,
    *,
    is_school_day: Callable[[date], bool] = is_working_day,
) -> date:
    """The last day of a period of `amount` `unit`s beginning with (and including) `start`.

    `unit` is one of days, working_days, school_days, weeks, months, years. School days are
    decided by `is_school_day` (without a school calendar: weekdays that are not bank holidays).
    """
    if amount <= 0:
        raise ValueError(f"a period must be at least one {unit.removesuffix('s')}, got {amount}")
    if unit == "days":
        return start + timedelta(days=amount - 1)
    if unit == "weeks":
        return start + timedelta(days=7 * amount - 1)
    if unit == "working_days":
        return nth_day_beginning_with(start, amount, is_working_day)
    if unit == "school_days":
        return nth_day_beginning_with(start, amount, is_school_day)
    if unit == "months":
        return add_months(start, amount) - timedelta(days=1)
    if unit == "years":
        return add_years(start, amount) - timedelta(days=1)
    raise ValueError(f"cannot count a period in {unit!r}")
