"""The worklist's "N not corrected" follows the profile's reading of the 5 school days to
replace an N (WTISA, "N code"; registers.n_code_deadline): counted from the day after the mark
(national), or from the mark's own day, which makes the deadline one school day earlier."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rollcall.engine.triggers import UNCORRECTED_N, find_triggers
from rollcall.policies import PolicyProfile, load_profile, load_profile_file
from tests.engine_internals.helpers import day_marks, matrix_of, school_days

MONDAY = dt.date(2025, 1, 6)
DAYS = school_days(MONDAY, 7)  # Mon 6 to Tue 14 January 2025
NEXT_MONDAY, NEXT_TUESDAY = DAYS[5], DAYS[6]

COUNTS_MARK_DAY = """\
key: marks-own-day
name: An LA that counts the day of the mark
kind: local_authority
based_on: national
sources:
  - title: Test code of conduct
    tag: TST
registers:
  n_code_deadline:
    counted_from: mark_day
    source: TST §3
"""


@pytest.fixture
def marks_own_day(tmp_path: Path) -> PolicyProfile:
    path = tmp_path / "marks-own-day.yaml"
    path.write_text(COUNTS_MARK_DAY, encoding="utf-8")
    return load_profile_file(path)


def uncorrected(profile: PolicyProfile | None, as_of: dt.date) -> list[str]:
    # An N all Monday, then present every day to as-of.
    rows = day_marks(DAYS[:1], "N") + day_marks([d for d in DAYS[1:] if d <= as_of], "present")
    hits = find_triggers(matrix_of(rows), as_of=as_of, profile=profile)
    return [hit.detail for hit in hits if hit.kind == UNCORRECTED_N]


def test_counted_from_the_day_after_the_mark_the_n_is_due_on_the_fifth_school_day_after():
    # Tue 7 is day 1, so Mon 13 is the last day to replace it: overdue on Tue 14.
    for profile in (None, load_profile("national")):
        assert uncorrected(profile, NEXT_MONDAY) == []
        [detail] = uncorrected(profile, NEXT_TUESDAY)
        assert "counting from the next day" in detail and "6 January 2025" in detail


def test_counted_from_the_mark_day_the_n_is_overdue_a_school_day_sooner(marks_own_day):
    # Mon 6 is day 1, so Fri 10 is the last day: overdue on Mon 13 already.
    [detail] = uncorrected(marks_own_day, NEXT_MONDAY)
    assert "counting the day of the mark" in detail
    assert uncorrected(marks_own_day, DAYS[4]) == []  # Fri 10: still in time
