"""The three years rollcall knows, each by its own rule."""

import datetime as dt

import pytest

from rollcall.statutory.years import (
    national_curriculum_year,
    school_year_start,
    statistics_year_start,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "statistics", "school"),
    [
        (D(2025, 8, 1), D(2025, 8, 1), D(2024, 9, 1)),  # August: a new statistics year only
        (D(2025, 8, 31), D(2025, 8, 1), D(2024, 9, 1)),
        (D(2025, 9, 1), D(2025, 8, 1), D(2025, 9, 1)),
        (D(2026, 7, 31), D(2025, 8, 1), D(2025, 9, 1)),
        (D(2026, 1, 15), D(2025, 8, 1), D(2025, 9, 1)),
    ],
)
def test_the_statistics_year_starts_in_august_and_the_school_year_in_september(
    day, statistics, school
):
    assert statistics_year_start(day) == statistics
    assert school_year_start(day) == school


def test_a_schools_autumn_term_starts_its_school_year():
    # EA96 s579: the first term to begin after July; a school back on 27 August.
    assert school_year_start(D(2025, 8, 28), autumn_term_starts=D(2025, 8, 27)) == D(2025, 8, 27)
    assert school_year_start(D(2025, 8, 26), autumn_term_starts=D(2025, 8, 27)) == D(2024, 9, 1)


@pytest.mark.parametrize(
    ("born", "on", "year"),
    [
        (D(2011, 8, 9), D(2026, 12, 5), "11"),  # 15 on 31 August 2026
        (D(2011, 8, 9), D(2026, 3, 20), "10"),  # 14 on 31 August 2025
        (D(2011, 9, 1), D(2026, 12, 5), "10"),  # 14 on 31 August 2026: the youngest in Year 10
        (D(2022, 8, 31), D(2026, 12, 5), "R"),  # 4 on 31 August 2026
        (D(2022, 9, 1), D(2026, 12, 5), "N2"),
        (D(2008, 8, 31), D(2026, 12, 5), "14"),
        (D(2007, 8, 31), D(2026, 12, 5), None),  # 19: beyond the year groups
        (D(2011, 8, 9), D(2026, 8, 31), "10"),  # the last day of the school year before
    ],
)
def test_the_national_curriculum_year_follows_age_on_31_august(born, on, year):
    assert national_curriculum_year(born, on) == year
