import datetime as dt

import pytest

from rollcall.engine.triggers import (
    CONTINUOUS_ABSENCE,
    GROUND_I,
    HOLIDAY,
    UNCORRECTED_N,
    find_triggers,
)
from rollcall.policies import load_profile
from tests.engine_internals.helpers import day_marks, matrix_of, school_days

MONDAY = dt.date(2025, 1, 6)


def kinds(hits):
    return {hit.kind for hit in hits}


def test_ten_whole_days_absent_without_permission_is_reported_to_the_la():
    days = school_days(MONDAY, 15)
    rows = day_marks(days[:5], "present") + day_marks(days[5:15], "O")
    hits = find_triggers(matrix_of(rows), as_of=days[-1])
    hit = next(h for h in hits if h.kind == CONTINUOUS_ABSENCE)
    # Reached on its 10th school day, and dated then (REG24 reg 13): not on its first.
    assert hit.met_on == days[14]
    assert "10 consecutive school days" in hit.detail


def test_nine_days_or_a_present_morning_is_not_a_continuous_absence():
    days = school_days(MONDAY, 12)
    nine = day_marks(days[:3], "present") + day_marks(days[3:12], "N")
    assert CONTINUOUS_ABSENCE not in kinds(find_triggers(matrix_of(nine), as_of=days[-1]))
    broken = day_marks(days[:2], "O") + day_marks(days[2:3], "present") + day_marks(days[3:12], "O")
    assert CONTINUOUS_ABSENCE not in kinds(find_triggers(matrix_of(broken), as_of=days[-1]))


def test_a_half_term_holiday_does_not_break_a_run_of_absence():
    before = school_days(dt.date(2025, 2, 10), 5)  # the week before half-term
    after = school_days(dt.date(2025, 2, 24), 5)  # the week after (no marks in between)
    rows = day_marks(before + after, "O")
    assert CONTINUOUS_ABSENCE in kinds(find_triggers(matrix_of(rows), as_of=after[-1]))


def test_an_authorised_absence_day_breaks_the_run():
    days = school_days(MONDAY, 11)
    rows = day_marks(days[:5], "O") + day_marks(days[5:6], "I") + day_marks(days[6:], "O")
    assert CONTINUOUS_ABSENCE not in kinds(find_triggers(matrix_of(rows), as_of=days[-1]))


def test_twenty_days_of_g_n_o_only_raise_ground_i():
    days = school_days(MONDAY, 20)
    rows = day_marks(days[:7], "G") + day_marks(days[7:14], "N") + day_marks(days[14:], "O")
    assert {CONTINUOUS_ABSENCE, GROUND_I} <= kinds(find_triggers(matrix_of(rows), as_of=days[-1]))
    nineteen = day_marks(days[:19], "O")
    assert GROUND_I not in kinds(find_triggers(matrix_of(nineteen), as_of=days[18]))


def test_an_n_still_standing_after_five_school_days_is_overdue():
    days = school_days(MONDAY, 7)
    rows = day_marks(days[:1], "N") + day_marks(days[1:], "present")
    # Five school days after the N (days 2-6): still within the limit.
    assert UNCORRECTED_N not in kinds(find_triggers(matrix_of(rows), as_of=days[5]))
    # Six school days after: overdue.
    hit = next(h for h in find_triggers(matrix_of(rows), as_of=days[6]) if h.kind == UNCORRECTED_N)
    assert hit.met_on == days[0]


def test_essex_holiday_notice_needs_ten_consecutive_g_sessions():
    essex = load_profile("essex")
    days = school_days(MONDAY, 10)
    ten = day_marks(days[:5], "G") + day_marks(days[5:], "present")
    hits = find_triggers(matrix_of(ten), as_of=days[-1], profile=essex)
    assert next(h for h in hits if h.kind == HOLIDAY).met_on == days[4]
    # Nine G then an attended session, then one more G: not consecutive.
    rows = [
        *day_marks(days[:4], "G"),
        ("100001", ten[0][1], days[4], "AM", "G"),
        ("100001", ten[0][1], days[4], "PM", "\\"),
        ("100001", ten[0][1], days[5], "AM", "G"),
        ("100001", ten[0][1], days[5], "PM", "\\"),
    ]
    assert HOLIDAY not in kinds(find_triggers(matrix_of(rows), as_of=days[5], profile=essex))


@pytest.mark.parametrize(
    ("absent_days", "expected"), [(0, set()), (1, {"letter_1"}), (3, {"letter_1", "letter_2"})]
)
def test_the_trusts_letters_below_96_and_90_percent(absent_days, expected):
    trust = load_profile("peterborough-diocese-trust")
    days = school_days(dt.date(2025, 9, 1), 20)
    rows = day_marks(days[:absent_days], "I") + day_marks(days[absent_days:], "present")
    hits = find_triggers(matrix_of(rows), as_of=days[-1], profile=trust)
    letters = {h.kind.removeprefix("attendance:") for h in hits if h.kind.startswith("attendance:")}
    # 1 day in 20 = 95 % (< 96); 3 days in 20 = 85 % (< 90 as well).
    assert letters == expected
