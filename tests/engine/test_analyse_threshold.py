"""The national threshold (WTISA): 10 sessions coded G, N, O or U within a rolling period of
10 school weeks. A school week is a Monday-Sunday week with at least one session held for the
pupil (a week of no marks, only #, or only Y4 is skipped). The threshold is met at the first
session at which the count of qualifying sessions in the 10 school weeks ending with that
session's week, up to and including that session, reaches 10.

Weeks used below (Mondays of 2025): k=0 6 Jan, 1 13 Jan, 2 20 Jan, 3 27 Jan, 4 3 Feb, 5 10 Feb,
6 17 Feb, 7 24 Feb, 8 3 Mar, 9 10 Mar, 10 17 Mar, 11 24 Mar, 12 31 Mar, 13 7 Apr, 14 14 Apr,
15 21 Apr.
"""

from __future__ import annotations

import pytest

from tests.engine.marks import (
    ALL_PRESENT,
    OTHER_SCHOOL,
    SCHOOL,
    analyse_csv,
    expect,
    mondays,
    pick,
    pupil,
    week,
    weeks,
    write_marks,
)

WEEKS = mondays("2025-01-06", 16)
G_MONDAY_AM = "G . . . . . . . . ."


def test_ten_sessions_over_ten_consecutive_school_weeks_met_at_the_tenth(tmp_path):
    # Weeks 0-8: G on Monday AM (9 G). Week 9 (10 Mar): present Mon AM .. Wed AM, G on Wed 12 Mar
    # PM (the 10th), then G Thu 13 Mar AM and Fri 14 Mar PM.
    # Count in the 10 school weeks 0-9 reaches 10 at Wed 12 Mar 2025 PM -> met there; the later
    # two do not move it. As of Fri 14 Mar: weeks 0-9 hold 9 + 3 = 12.
    # Sessions: 100 possible, 12 unauthorised -> absence 12.00 %, attendance 88.00 %.
    upn = pupil(1)
    rows = weeks(WEEKS[:9], G_MONDAY_AM, upn=upn)
    rows += week(WEEKS[9], ". . . . . G G . . G", upn=upn)
    expected = expect(
        possible_sessions=100,
        unauthorised_sessions=12,
        absence_pct="12.00",
        attendance_pct="88.00",
        persistent_absence=True,
        threshold_met_on="2025-03-12",
        threshold_met_session="PM",
        threshold_sessions_in_window=12,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected


# Weeks 0-8 have a G on Monday AM (9 G) and week 10 (17 Mar) a G on Monday AM (the 10th G);
# what is in the calendar week between them (week 9, 10 Mar) decides whether it is a school week.
GAP_WEEK = {
    # No marks at all (half-term): not a school week. The school weeks are 0-8 and 10, so the 10
    # school weeks ending with week 10 hold all 10 G -> met Mon 17 Mar 2025 AM; 10 in the window.
    "half-term, no marks": (None, "2025-03-17", "AM", 10),
    # All # (planned closure): not a school week -> the same as half-term.
    "all #": ("# # # # # # # # # #", "2025-03-17", "AM", 10),
    # All Y4 (unexpected whole-school closure): not a school week (rollcall's reading) -> met.
    "all Y4": ("Y4 Y4 Y4 Y4 Y4 Y4 Y4 Y4 Y4 Y4", "2025-03-17", "AM", 10),
    # A mix of # and Y4: still no session held -> met.
    "# and Y4": ("# # # # # # Y4 Y4 Y4 Y4", "2025-03-17", "AM", 10),
    # A real school week (all present): the 10 school weeks ending with week 10 are weeks 1-10,
    # holding G in weeks 1-8 and 10 = 9. The window ending week 9 (weeks 0-9) also holds 9.
    # The 10 sessions span 11 school weeks -> never met; 9 in the window as of Fri 21 Mar.
    "school week, all present": (ALL_PRESENT, None, None, 9),
    # One session held (Friday AM present, rest #): a school week -> never met, 9 in the window.
    "# all week but one session held": ("# # # # # # # # . #", None, None, 9),
    # A school week in which the only mark is an authorised absence: still a school week.
    "school week, one authorised absence": ("I # # # # # # # # #", None, None, 9),
}


@pytest.mark.parametrize("case", list(GAP_WEEK))
def test_school_week_definition(tmp_path, case):
    gap, met_on, met_session, in_window = GAP_WEEK[case]
    upn = pupil(1)
    rows = weeks(WEEKS[:9], G_MONDAY_AM, upn=upn)
    if gap is not None:
        rows += week(WEEKS[9], gap, upn=upn)
    rows += week(WEEKS[10], G_MONDAY_AM, upn=upn)
    expected = expect(
        unauthorised_sessions=10,
        threshold_met_on=met_on,
        threshold_met_session=met_session,
        threshold_sessions_in_window=in_window,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected


def test_autumn_half_term_is_skipped(tmp_path):
    # Autumn 2024: G on Monday AM of 2, 9, 16, 23, 30 Sep, 7, 14, 21 Oct (8 G); half-term week of
    # 28 Oct has no marks; G on Tuesday PM of 5 Nov (9th) and Tuesday PM of 12 Nov (10th).
    # 11 calendar weeks but 10 school weeks -> met Tue 12 Nov 2024 PM.
    upn = pupil(1)
    rows = weeks(mondays("2024-09-02", 8), G_MONDAY_AM, upn=upn)
    rows += week("2024-11-04", ". . . G . . . . . .", upn=upn)
    rows += week("2024-11-11", ". . . G . . . . . .", upn=upn)
    expected = expect(
        possible_sessions=100,
        unauthorised_sessions=10,
        threshold_met_on="2024-11-12",
        threshold_met_session="PM",
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected


def _dfe_four_holiday_six_late(upn):
    # 4 G (Mon 3 Mar AM, PM, Tue 4 Mar AM, PM) then U on the AM of Wed 5, Thu 6, Fri 7, Mon 10,
    # Tue 11, Wed 12 Mar: running count 4, 5, 6, 7, 8, 9, 10 -> met Wed 12 Mar 2025 AM.
    rows = week("2025-02-24", upn=upn)
    rows += week("2025-03-03", "G G G G U . U . U .", upn=upn)
    rows += week("2025-03-10", "U . U . U . . . . .", upn=upn)
    return rows


def _dfe_ten_in_one_week(upn):
    # A present week, then 10 G Mon 10 Mar .. Fri 14 Mar: the 10th is Fri 14 Mar 2025 PM.
    return week("2025-03-03", upn=upn) + week("2025-03-10", ["G"] * 10, upn=upn)


def _dfe_six_then_one_a_week(upn):
    # 6 G Mon 6 Jan AM .. Wed 8 Jan PM, then one a week in any combination of codes:
    # Tue 14 Jan PM O (7), Wed 22 Jan AM N (8), Thu 30 Jan PM U (9), Fri 7 Feb AM G (10)
    # -> met Fri 7 Feb 2025 AM (all within 5 school weeks).
    rows = week("2025-01-06", "G G G G G G . . . .", upn=upn)
    rows += week("2025-01-13", ". . . O . . . . . .", upn=upn)
    rows += week("2025-01-20", ". . . . N . . . . .", upn=upn)
    rows += week("2025-01-27", ". . . . . . . U . .", upn=upn)
    rows += week("2025-02-03", ". . . . . . . . G .", upn=upn)
    return rows


def _dfe_summer_then_autumn(upn):
    # 2 G at the end of the summer term (Fri 18 Jul 2025 AM, PM), a week of # (closure) and the
    # summer holiday (no marks), then 8 G Mon 1 Sep AM .. Thu 4 Sep 2025 PM in the new academic
    # year. School weeks 7 Jul, 14 Jul, 1 Sep -> 2 + 8 = 10 at Thu 4 Sep 2025 PM.
    rows = week("2025-07-07", upn=upn)
    rows += week("2025-07-14", ". . . . . . . . G G", upn=upn)
    rows += week("2025-07-21", ["#"] * 10, upn=upn)
    rows += week("2025-09-01", "G G G G G G G G . .", upn=upn)
    return rows


# DfE's own illustrations (WTISA): (register, met on, session, unauthorised, U count)
DFE_ILLUSTRATIONS = {
    "4 holiday + 6 after register closed": (_dfe_four_holiday_six_late, "2025-03-12", "AM", 6),
    "10 holiday sessions in one week": (_dfe_ten_in_one_week, "2025-03-14", "PM", 0),
    "6 in one week then 1 a week for 4 weeks": (_dfe_six_then_one_a_week, "2025-02-07", "AM", 1),
    "2 in the summer term + 8 in the autumn term": (_dfe_summer_then_autumn, "2025-09-04", "PM", 0),
}


@pytest.mark.parametrize("case", list(DFE_ILLUSTRATIONS))
def test_dfe_illustrations(tmp_path, case):
    build, met_on, met_session, late_after_close = DFE_ILLUSTRATIONS[case]
    upn = pupil(1)
    expected = expect(
        unauthorised_sessions=10,
        late_after_close_sessions=late_after_close,
        threshold_met_on=met_on,
        threshold_met_session=met_session,
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, build(upn)))[upn], expected) == expected


def test_authorised_and_other_codes_never_count(tmp_path):
    # Both pupils: G on Monday AM of weeks 0-8 (9 G), I on Tuesday AM of weeks 0-8 (9 authorised),
    # AEA / not-counted codes on Wednesday, and week 9 (10 Mar) full of authorised codes.
    # Pupil 1: week 9 = C1 M J1 S C2 C T E I R -> only 9 qualifying, never met; 9 in the window.
    #   authorised = 9 (I) + 10 = 19.
    # Pupil 2: the same with N (reason not yet established, counts) instead of C1 on Mon 10 Mar AM
    #   -> the 10th qualifying session -> met Mon 10 Mar 2025 AM; 10 in the window.
    others = ["K V", "P W", "B D", "X Y1", "Y2 Y3", "Y5 Y6", "Y7 Q", "Z L", "# /"]
    rows = []
    for serial, first in ((1, "C1"), (2, "N")):
        upn = pupil(serial)
        for monday, wednesday in zip(WEEKS[:9], others, strict=True):
            rows += week(monday, f"G . I . {wednesday} . . . .", upn=upn)
        rows += week(WEEKS[9], f"{first} M J1 S C2 C T E I R", upn=upn)
    records = analyse_csv(write_marks(tmp_path, rows))
    expected = expect(
        unauthorised_sessions=9,
        authorised_sessions=19,
        threshold_met_on=None,
        threshold_met_session=None,
        threshold_sessions_in_window=9,
    )
    assert pick(records[pupil(1)], expected) == expected
    expected = expect(
        unauthorised_sessions=10,
        authorised_sessions=18,
        threshold_met_on="2025-03-10",
        threshold_met_session="AM",
        threshold_sessions_in_window=10,
    )
    assert pick(records[pupil(2)], expected) == expected


def test_threshold_spans_two_academic_years(tmp_path):
    # G on Monday AM of the last 5 weeks of the 2024/25 summer term (16 Jun .. 14 Jul 2025) and of
    # the first 5 weeks of 2025/26 (1 Sep .. 29 Sep 2025); nothing in the summer holiday.
    # School weeks: 5 + 5 = 10 -> the 10th G, Mon 29 Sep 2025 AM, meets the threshold.
    upn = pupil(1)
    rows = weeks(mondays("2025-06-16", 5), G_MONDAY_AM, upn=upn)
    rows += weeks(mondays("2025-09-01", 5), G_MONDAY_AM, upn=upn)
    expected = expect(
        possible_sessions=100,
        unauthorised_sessions=10,
        threshold_met_on="2025-09-29",
        threshold_met_session="AM",
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected


def test_mover_sessions_at_both_schools_combine(tmp_path):
    # The pupil is at school 100001 for weeks 0-7 (G Monday AM: 8 G) and Mon 3 Mar .. Wed 5 Mar
    # (G on Tue 4 Mar AM: 9th), then at school 100002 from Thu 6 Mar: present Thu AM, G Thu 6 Mar
    # PM (10th), present after that, and all of week 9 (10 Mar).
    # School weeks 0-8 (9 weeks) hold 10 G -> met Thu 6 Mar 2025 PM, at the new school.
    # As of Fri 14 Mar (weeks 0-9): 10 in the window.
    # Sessions: 80 + 6 at the first school + 4 + 10 at the second = 100 possible, 10 unauthorised
    # -> absence 10.00 %, PA true. One record for the pupil.
    upn = pupil(1)
    rows = weeks(WEEKS[:8], G_MONDAY_AM, upn=upn)
    rows += week(WEEKS[8], ". . G . . . . G . .", upn=upn)[:6]  # Mon-Wed at the first school
    rows += week(WEEKS[8], ". . G . . . . G . .", upn=upn, school=OTHER_SCHOOL)[6:]  # Thu-Fri
    rows += week(WEEKS[9], upn=upn, school=OTHER_SCHOOL)
    assert {row[0] for row in rows} == {SCHOOL, OTHER_SCHOOL}
    records = analyse_csv(write_marks(tmp_path, rows))
    assert list(records) == [upn]
    expected = expect(
        possible_sessions=100,
        unauthorised_sessions=10,
        absence_pct="10.00",
        persistent_absence=True,
        threshold_met_on="2025-03-06",
        threshold_met_session="PM",
        threshold_sessions_in_window=10,
    )
    assert pick(records[upn], expected) == expected


def test_mover_with_the_previous_school_listed_after_the_new_one(tmp_path):
    # The same register as above but the file lists the new school's rows first (row order in
    # the file must not matter): met Thu 6 Mar 2025 PM, 100 possible.
    upn = pupil(1)
    old = weeks(WEEKS[:8], G_MONDAY_AM, upn=upn)
    old += week(WEEKS[8], ". . G . . . . G . .", upn=upn)[:6]
    new = week(WEEKS[8], ". . G . . . . G . .", upn=upn, school=OTHER_SCHOOL)[6:]
    new += week(WEEKS[9], upn=upn, school=OTHER_SCHOOL)
    expected = expect(
        possible_sessions=100,
        unauthorised_sessions=10,
        threshold_met_on="2025-03-06",
        threshold_met_session="PM",
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, new + old))[upn], expected) == expected


# --as-of: G on Monday AM of weeks 0-9 (6 Jan .. 10 Mar) plus G on Thu 13 Feb AM (week 5);
# present everywhere else up to week 15 (last date Fri 25 Apr 2025).
# Running count of qualifying sessions: Mondays of weeks 0..k, +1 from week 5's Thursday.
# At Mon 3 Mar (week 8): 9 Mondays + Thu 13 Feb = 10, all within weeks 0-8 -> met 3 Mar AM.
AS_OF = {
    # Default as-of = the last date, Fri 25 Apr (week 15): window weeks 6-15 -> Mondays 6, 7, 8, 9
    # = 4. Sessions: 16 weeks = 160 possible, 11 unauthorised -> 6.875 % -> 6.88; 149/160 =
    # 93.125 % -> 93.13; PA false.
    "default (last date)": (None, "2025-03-03", "AM", 4, 160, 11, "6.88", "93.13"),
    # Wed 26 Feb (week 7): weeks 0-7 -> Mondays 0-7 = 8 + Thu 13 Feb = 9, not met yet. Marks after
    # the as-of date are ignored. Sessions up to 26 Feb: 7 weeks + Mon-Wed = 76, unauthorised 9
    # -> 11.842...% -> 11.84; 67/76 = 88.157...% -> 88.16.
    "2025-02-26": ("2025-02-26", None, None, 9, 76, 9, "11.84", "88.16"),
    # Mon 3 Mar: met that AM; window weeks 0-8 = 10. Sessions: 80 + 2 = 82, 10 unauthorised
    # -> 12.195...% -> 12.20; 72/82 = 87.804...% -> 87.80.
    "2025-03-03": ("2025-03-03", "2025-03-03", "AM", 10, 82, 10, "12.20", "87.80"),
    # Sun 16 Mar (end of week 9): weeks 0-9 -> 10 Mondays + Thursday = 11. Sessions 100, 11
    # unauthorised -> 11.00 %, 89.00 %.
    "2025-03-16": ("2025-03-16", "2025-03-03", "AM", 11, 100, 11, "11.00", "89.00"),
    # Mon 24 Mar (week 11): window weeks 2-11 -> Mondays 2-9 = 8 + Thursday = 9 (weeks 0 and 1
    # have dropped out). Sessions: 110 + 2 = 112, 11 unauthorised -> 9.8214...% -> 9.82;
    # 101/112 = 90.178...% -> 90.18.
    "2025-03-24": ("2025-03-24", "2025-03-03", "AM", 9, 112, 11, "9.82", "90.18"),
    # Mon 30 Jun, after the last mark (25 Apr): the pupil's last 10 school weeks are still weeks
    # 6-15 -> 4, and the counts are the whole file, as for the default.
    "after the last mark": ("2025-06-30", "2025-03-03", "AM", 4, 160, 11, "6.88", "93.13"),
}


@pytest.fixture(scope="module")
def as_of_register(tmp_path_factory):
    upn = pupil(1)
    rows = []
    for k, monday in enumerate(WEEKS):
        codes = ["."] * 10
        if k <= 9:
            codes[0] = "G"
        if k == 5:
            codes[6] = "G"  # Thursday AM
        rows += week(monday, codes, upn=upn)
    return write_marks(tmp_path_factory.mktemp("as_of"), rows)


@pytest.mark.parametrize("case", list(AS_OF))
def test_as_of(as_of_register, case):
    as_of, met_on, met_session, in_window, possible, unauthorised, absence, attendance = AS_OF[case]
    options = ["--as-of", as_of] if as_of else []
    expected = expect(
        threshold_met_on=met_on,
        threshold_met_session=met_session,
        threshold_sessions_in_window=in_window,
        possible_sessions=possible,
        unauthorised_sessions=unauthorised,
        absence_pct=absence,
        attendance_pct=attendance,
    )
    assert pick(analyse_csv(as_of_register, *options)[pupil(1)], expected) == expected
