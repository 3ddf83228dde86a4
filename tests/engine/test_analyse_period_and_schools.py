"""--from/--to restrict the session counts but not the threshold fields; pupils registered at
two schools (dual registration, movers) get one record summing both; school weeks are the
pupil's own (DFE-STATS; WTISA national framework)."""

from __future__ import annotations

import pytest

from tests.engine.marks import (
    OTHER_SCHOOL,
    analyse_csv,
    expect,
    mark,
    mondays,
    pick,
    pupil,
    week,
    weeks,
    write_marks,
)

WEEKS = mondays("2025-01-06", 12)  # k=0 6 Jan ... 8 3 Mar, 9 10 Mar, 10 17 Mar, 11 24 Mar
G_MONDAY_AM = "G . . . . . . . . ."


@pytest.fixture(scope="module")
def ten_weeks(tmp_path_factory):
    # G on Monday AM of weeks 0-8 (9 G); week 9 (10 Mar): G on Wed 12 Mar PM (10th -> met there),
    # Thu 13 Mar AM and Fri 14 Mar PM. Last date Fri 14 Mar 2025; 12 in the window at that date.
    upn = pupil(1)
    rows = weeks(WEEKS[:9], G_MONDAY_AM, upn=upn)
    rows += week(WEEKS[9], ". . . . . G G . . G", upn=upn)
    return write_marks(tmp_path_factory.mktemp("period"), rows)


PERIODS = {
    # Only the week of 10 Mar: 10 possible, 3 G -> 30.00 % absence, 70.00 % attendance.
    "last week": (
        ["--from", "2025-03-10", "--to", "2025-03-14"],
        expect(
            possible_sessions=10,
            unauthorised_sessions=3,
            absence_pct="30.00",
            attendance_pct="70.00",
            persistent_absence=True,
            severe_absence=False,
        ),
    ),
    # Only the first week (6-10 Jan): 10 possible, 1 G -> 10.00 %, PA true. The threshold fields
    # still consider every mark up to the as-of date (the last date, 14 Mar).
    "first week": (
        ["--from", "2025-01-06", "--to", "2025-01-10"],
        expect(
            possible_sessions=10,
            unauthorised_sessions=1,
            absence_pct="10.00",
            attendance_pct="90.00",
            persistent_absence=True,
        ),
    ),
    # From Mon 3 Feb (week 4) to the end: weeks 4-9 = 60 possible; G on Mondays 4-8 (5) + 3 in
    # week 9 = 8 -> 13.333...% -> 13.33; 52/60 = 86.666...% -> 86.67.
    "--from only": (
        ["--from", "2025-02-03"],
        expect(
            possible_sessions=60,
            unauthorised_sessions=8,
            absence_pct="13.33",
            attendance_pct="86.67",
        ),
    ),
    # Up to Sun 19 Jan (weeks 0 and 1): 20 possible, 2 G -> 10.00 %.
    "--to only (a Sunday)": (
        ["--to", "2025-01-19"],
        expect(possible_sessions=20, unauthorised_sessions=2, absence_pct="10.00"),
    ),
    # --from and --to a single day, Wed 12 Mar: AM present, PM G -> 2 possible, 50.00 %.
    "one day": (
        ["--from", "2025-03-12", "--to", "2025-03-12"],
        expect(
            possible_sessions=2, unauthorised_sessions=1, absence_pct="50.00", severe_absence=True
        ),
    ),
}


@pytest.mark.parametrize("case", list(PERIODS))
def test_from_to_restricts_counts_not_the_threshold(ten_weeks, case):
    options, counts = PERIODS[case]
    threshold = expect(
        threshold_met_on="2025-03-12", threshold_met_session="PM", threshold_sessions_in_window=12
    )
    expected = counts | threshold
    assert pick(analyse_csv(ten_weeks, *options)[pupil(1)], expected) == expected


def test_from_with_an_earlier_as_of(ten_weeks):
    # --as-of Tue 11 Mar --from Mon 10 Mar: counts cover Mon 10 - Tue 11 Mar = 4 sessions, all
    # present (week 9's Gs come later) -> 0.00 %. Threshold as of 11 Mar: weeks 0-9 up to then
    # hold the 9 Monday Gs -> not met, 9 in the window.
    expected = expect(
        possible_sessions=4,
        unauthorised_sessions=0,
        absence_pct="0.00",
        threshold_met_on=None,
        threshold_met_session=None,
        threshold_sessions_in_window=9,
    )
    records = analyse_csv(ten_weeks, "--as-of", "2025-03-11", "--from", "2025-03-10")
    assert pick(records[pupil(1)], expected) == expected


def test_dual_registration_is_counted_once(tmp_path):
    # Weeks 0-4 (6 Jan - 7 Feb 2025). Mondays and Tuesdays the pupil attends the other school
    # (100002), where they are present except G on Monday AM and PM; the main school (100001)
    # records D for those 4 sessions and the pupil is present there Wed-Fri.
    # Per week: main 4 D + 6 present; other 2 G + 2 present. Over 5 weeks:
    #   possible = 5 x (6 + 4) = 50 (the D sessions are not possible sessions, so no double count)
    #   present = 5 x (6 + 2) = 40; unauthorised = 10; not counted = 20 (the D)
    #   absence 10/50 = 20.00 %, attendance 80.00 %, PA true, SA false
    # Threshold: 2 G a week for 5 school weeks -> the 10th is Mon 3 Feb 2025 PM.
    upn = pupil(1)
    rows = []
    for monday in WEEKS[:5]:
        rows += week(monday, "D D D D . . . . . .", upn=upn)
        rows += week(monday, "G G . . . . . . . .", upn=upn, school=OTHER_SCHOOL)[:4]
    records = analyse_csv(write_marks(tmp_path, rows))
    assert list(records) == [upn]
    expected = expect(
        possible_sessions=50,
        present_sessions=40,
        unauthorised_sessions=10,
        not_counted_sessions=20,
        absence_pct="20.00",
        attendance_pct="80.00",
        persistent_absence=True,
        severe_absence=False,
        threshold_met_on="2025-02-03",
        threshold_met_session="PM",
        threshold_sessions_in_window=10,
    )
    assert pick(records[upn], expected) == expected


def test_dual_registration_week_only_at_the_other_school_is_a_school_week(tmp_path):
    # The main school records D all week for weeks 0-9, so the pupil's attendance is recorded only
    # at the other school: there, G on Monday AM each week. A D-only week at the main school is
    # still a week in which sessions were held (D is not # / Y4): 10 G in 10 school weeks -> met
    # Mon 10 Mar 2025 AM. Possible = 10 x 10 at the other school = 100; not counted = 100 (D).
    upn = pupil(1)
    rows = []
    for monday in WEEKS[:10]:
        rows += week(monday, ["D"] * 10, upn=upn)
        rows += week(monday, G_MONDAY_AM, upn=upn, school=OTHER_SCHOOL)
    expected = expect(
        possible_sessions=100,
        not_counted_sessions=100,
        unauthorised_sessions=10,
        absence_pct="10.00",
        threshold_met_on="2025-03-10",
        threshold_met_session="AM",
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected


def test_mover_threshold_met_in_a_week_wholly_at_the_new_school(tmp_path):
    # Weeks 0-4 at school 100001 (G Monday AM: 5 G), weeks 5-9 at school 100002 (G Monday AM:
    # 5 G). 10 school weeks -> met at the new school, Mon 10 Mar 2025 AM. 100 possible, 10 G
    # -> 10.00 %.
    upn = pupil(1)
    rows = weeks(WEEKS[:5], G_MONDAY_AM, upn=upn)
    rows += weeks(WEEKS[5:10], G_MONDAY_AM, upn=upn, school=OTHER_SCHOOL)
    expected = expect(
        possible_sessions=100,
        unauthorised_sessions=10,
        absence_pct="10.00",
        persistent_absence=True,
        threshold_met_on="2025-03-10",
        threshold_met_session="AM",
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected


def test_school_weeks_are_each_pupils_own(tmp_path):
    # Two pupils at different schools in one file. Pupil 1's school has a half-term in week 5
    # (10 Feb, no marks for pupil 1); pupil 2's school is open that week (present all week).
    # Both: G on Monday AM of weeks 0-4 and 6-10 (10 G over 11 calendar weeks).
    # Pupil 1: school weeks 0-4, 6-10 = 10 -> met at the 10th G, Mon 17 Mar 2025 AM.
    # Pupil 2: week 5 is a school week, so the 10 G span 11 school weeks -> never met; as of Fri
    # 21 Mar the window is weeks 1-10 -> 9.
    first, second = pupil(1), pupil(2)
    rows = []
    for k, monday in enumerate(WEEKS[:11]):
        if k != 5:
            rows += week(monday, G_MONDAY_AM, upn=first)
            rows += week(monday, G_MONDAY_AM, upn=second, school=OTHER_SCHOOL)
        else:
            rows += week(monday, upn=second, school=OTHER_SCHOOL)
    records = analyse_csv(write_marks(tmp_path, rows))
    expected = expect(
        threshold_met_on="2025-03-17", threshold_met_session="AM", threshold_sessions_in_window=10
    )
    assert pick(records[first], expected) == expected
    expected = expect(
        threshold_met_on=None, threshold_met_session=None, threshold_sessions_in_window=9
    )
    assert pick(records[second], expected) == expected


def test_a_sunday_session_belongs_to_the_week_that_began_on_the_monday(tmp_path):
    # School weeks are Monday-Sunday. G on Monday AM of weeks 0-8 (9 G); week 9 (10-14 Mar)
    # present; a session on Sun 16 Mar 2025 AM coded G belongs to week 9, so weeks 0-9 hold 10
    # -> met Sun 16 Mar 2025 AM. (Were it counted in a Sunday-to-Saturday week, it would be an
    # 11th school week and weeks 1-10 would hold only 9.)
    upn = pupil(1)
    rows = weeks(WEEKS[:9], G_MONDAY_AM, upn=upn)
    rows += week(WEEKS[9], upn=upn)
    rows += [mark("2025-03-16", "AM", "G", upn=upn)]
    expected = expect(
        possible_sessions=101,
        unauthorised_sessions=10,
        threshold_met_on="2025-03-16",
        threshold_met_session="AM",
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected


def test_as_of_in_a_holiday_counts_the_last_ten_school_weeks(tmp_path):
    # G on Monday AM of weeks 0-6 (7 G); week 7 (24 Feb) and week 8 (3 Mar) have no marks
    # (holiday); week 9 (10 Mar) present. --as-of Wed 5 Mar (in the holiday): the last 10 school
    # weeks up to then are weeks 0-6 -> 7 in the window, not met.
    upn = pupil(1)
    rows = weeks(WEEKS[:7], G_MONDAY_AM, upn=upn)
    rows += week(WEEKS[9], upn=upn)
    expected = expect(
        possible_sessions=70,
        unauthorised_sessions=7,
        threshold_met_on=None,
        threshold_sessions_in_window=7,
    )
    records = analyse_csv(write_marks(tmp_path, rows), "--as-of", "2025-03-05")
    assert pick(records[upn], expected) == expected


def test_as_of_before_any_mark(tmp_path):
    # Marks only on Mon 13 Jan 2025 (present AM, G PM); --as-of Fri 10 Jan 2025. Nothing is on
    # or before the as-of date, so by the rule every count is 0, the percentages are empty, the
    # flags false and the threshold never met with 0 in the window. (Regression: this crashed
    # with a traceback in rollcall/engine/threshold.py until the engine was reworked.)
    upn = pupil(1)
    rows = [mark("2025-01-13", "AM", "/", upn=upn), mark("2025-01-13", "PM", "G", upn=upn)]
    expected = expect(
        possible_sessions=0,
        unauthorised_sessions=0,
        attendance_pct=None,
        absence_pct=None,
        persistent_absence=False,
        severe_absence=False,
        threshold_met_on=None,
        threshold_met_session=None,
        threshold_sessions_in_window=0,
    )
    records = analyse_csv(write_marks(tmp_path, rows), "--as-of", "2025-01-10")
    assert pick(records[upn], expected) == expected
