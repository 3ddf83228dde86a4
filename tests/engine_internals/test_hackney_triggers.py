"""Hackney's Stage 2 triggers as the sweep reads them from its profile (HAC 'Stage 2: Early Help
& Support'): below 90 %, or below 93 % and lower than four school weeks earlier; while fewer
than 12 school weeks of the year have passed, attendance is taken over the last 12 school
weeks, reaching into the previous year ("count back 12 school weeks")."""

from __future__ import annotations

import datetime as dt

from rollcall.engine.triggers import find_triggers
from rollcall.policies import load_profile
from tests.engine_internals.helpers import PUPIL, SECOND_PUPIL, day_marks, matrix_of, school_days

HACKNEY = load_profile("hackney")
BELOW_90, DECLINING = "attendance:below_90", "attendance:declining_below_93"


def week_marks(days: list[dt.date], absent_days: int, upn: str) -> list:
    """Each week of five days: the first `absent_days` absent (O), the rest present."""
    rows = []
    for start in range(0, len(days), 5):
        week = days[start : start + 5]
        rows += day_marks(week[:absent_days], "O", upn=upn)
        rows += day_marks(week[absent_days:], "present", upn=upn)
    return rows


def hits_of(rows: list, as_of: dt.date) -> dict[str, set[str]]:
    matrix = matrix_of(rows)
    found: dict[str, set[str]] = {}
    for hit in find_triggers(matrix, as_of=as_of, profile=HACKNEY):
        found.setdefault(str(matrix.pupils[hit.pupil]), set()).add(hit.kind)
    return found


def test_early_in_the_year_attendance_counts_back_twelve_school_weeks():
    last_year = school_days(dt.date(2025, 5, 26), 40)  # 8 school weeks, all present
    this_year = school_days(dt.date(2025, 9, 1), 20)  # 4 school weeks to Fri 26 September
    rows = day_marks(last_year, "present", upn=PUPIL) + day_marks(
        last_year, "present", upn=SECOND_PUPIL
    )
    # An erratic start: 80 % this year, but 112 of 120 sessions (93.3 %) over 12 school weeks.
    rows += week_marks(this_year, 1, PUPIL)
    # Two days a week missed this year: 104 of 120 sessions (86.7 %) over 12 school weeks.
    rows += week_marks(this_year, 2, SECOND_PUPIL)
    hits = hits_of(rows, this_year[-1])
    assert BELOW_90 not in hits.get(PUPIL, set())
    assert DECLINING not in hits.get(PUPIL, set())
    assert BELOW_90 in hits[SECOND_PUPIL]


def test_below_93_counts_only_while_attendance_is_still_falling():
    days = school_days(dt.date(2025, 9, 1), 75)  # 15 school weeks to Fri 12 December
    # Falling: present for 12 weeks, then 2 days absent in each of the last 3 (92 %, from
    # 100 % four school weeks earlier).
    rows = day_marks(days[:60], "present", upn=PUPIL) + week_marks(days[60:], 2, PUPIL)
    # Recovering: the same 12 sessions missed in the first 3 weeks (92 %, up from 89.1 %).
    rows += week_marks(days[:15], 2, SECOND_PUPIL) + day_marks(
        days[15:], "present", upn=SECOND_PUPIL
    )
    hits = hits_of(rows, days[-1])
    assert DECLINING in hits[PUPIL]
    assert DECLINING not in hits.get(SECOND_PUPIL, set())
    assert BELOW_90 not in hits.get(PUPIL, set()) | hits.get(SECOND_PUPIL, set())
