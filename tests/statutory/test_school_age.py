"""Compulsory school age: start and end (EA96 s8; CSAO)."""

from __future__ import annotations

from datetime import date

import pytest

from rollcall.statutory import (
    compulsory_school_age_end,
    compulsory_school_age_start,
    school_leaving_date,
)


@pytest.mark.parametrize(
    ("date_of_birth", "starts"),
    [
        # 5th birthday on a prescribed day: compulsory school age starts that day.
        (date(2019, 3, 31), date(2024, 3, 31)),
        (date(2019, 8, 31), date(2024, 8, 31)),
        (date(2019, 12, 31), date(2024, 12, 31)),
        # The day before a prescribed day: that prescribed day.
        (date(2019, 3, 30), date(2024, 3, 31)),
        (date(2019, 8, 30), date(2024, 8, 31)),
        (date(2019, 12, 30), date(2024, 12, 31)),
        # The day after: the next prescribed day.
        (date(2019, 4, 1), date(2024, 8, 31)),
        (date(2019, 9, 1), date(2024, 12, 31)),
        (date(2020, 1, 1), date(2025, 3, 31)),
        # Born 29 Feb: the 5th birthday is 1 Mar in a common year; 31 Mar either way.
        (date(2020, 2, 29), date(2025, 3, 31)),
        (date(2016, 2, 29), date(2021, 3, 31)),
        # A birthday before rollcall's data begins still gets the (unchanged) rule.
        (date(1999, 10, 10), date(2004, 12, 31)),
    ],
)
def test_compulsory_school_age_starts_on_the_next_prescribed_day(
    date_of_birth: date, starts: date
) -> None:
    assert compulsory_school_age_start(date_of_birth) == starts


@pytest.mark.parametrize(
    ("year", "leaving_date"),
    [
        (2024, date(2024, 6, 28)),
        (2025, date(2025, 6, 27)),
        (2026, date(2026, 6, 26)),
        (2027, date(2027, 6, 25)),
    ],
)
def test_the_school_leaving_date_is_the_last_friday_in_june(year: int, leaving_date: date) -> None:
    assert school_leaving_date(year) == leaving_date


@pytest.mark.parametrize(
    ("date_of_birth", "autumn_term_start", "ends"),
    [
        # 16 before the leaving date: that year's leaving date (rule c).
        (date(2009, 5, 10), None, date(2025, 6, 27)),
        # 16 on the leaving date (rule b).
        (date(2009, 6, 27), None, date(2025, 6, 27)),
        # 16 after the leaving date, before the next school year (rule a).
        (date(2009, 6, 28), None, date(2025, 6, 27)),
        (date(2009, 8, 31), None, date(2025, 6, 27)),
        # 16 on 1 September, the default start of the school year: the next June.
        (date(2009, 9, 1), None, date(2026, 6, 26)),
        (date(2008, 12, 31), None, date(2025, 6, 27)),
        # The literal rule: the school year starts with the school's autumn term (EA96 s579).
        (date(2009, 9, 2), date(2025, 9, 3), date(2025, 6, 27)),
        (date(2009, 9, 3), date(2025, 9, 3), date(2026, 6, 26)),
        # Born 29 Feb: 16th birthdays fall in leap years.
        (date(2008, 2, 29), None, date(2024, 6, 28)),
    ],
)
def test_compulsory_school_age_ends_on_a_leaving_date(
    date_of_birth: date, autumn_term_start: date | None, ends: date
) -> None:
    assert compulsory_school_age_end(date_of_birth, autumn_term_start) == ends


def test_an_autumn_term_start_from_another_year_is_refused() -> None:
    with pytest.raises(ValueError, match="autumn_term_start must be the start of the autumn term"):
        compulsory_school_age_end(date(2009, 9, 2), date(2024, 9, 3))
