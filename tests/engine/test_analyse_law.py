"""`rollcall analyse` applies the law's limits to the national threshold: compulsory school
age (EA96 s8, s444A), provisional N (WTISA, "N code"), every occasion counted afresh, and
school weeks from the school's calendar (WTISA national framework)."""

from __future__ import annotations

from tests.engine.marks import (
    HEADER,
    OTHER_SCHOOL,
    analyse_csv,
    mondays,
    pupil,
    week,
    write_marks,
)

G_WEEK = ["G"] * 10
RECEPTION, YEAR_12, YEAR_5 = pupil(1), pupil(2), pupil(3)
BORN = {
    RECEPTION: "2020-06-01",  # five on 1 Jun 2025: compulsory school age from 31 Aug 2025
    YEAR_12: "2007-12-01",  # sixteen on 1 Dec 2023: compulsory school age ended 28 Jun 2024
    YEAR_5: "2014-12-01",  # nine in December 2023: of compulsory school age throughout
}


def _ten_g_each(tmp_path, *, with_birth_dates: bool):
    rows = [row for upn in BORN for row in week("2025-03-03", G_WEEK, upn=upn)]
    if not with_birth_dates:
        return write_marks(tmp_path, rows)
    path = tmp_path / "marks.csv"
    lines = [HEADER + ",date_of_birth", *(",".join([*row, BORN[row[1]]]) for row in rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_only_a_child_of_compulsory_school_age_meets_the_threshold(tmp_path):
    records = analyse_csv(_ten_g_each(tmp_path, with_birth_dates=True))
    met = {upn: records[upn]["threshold_met_on"] for upn in BORN}
    assert met == {RECEPTION: "", YEAR_12: "", YEAR_5: "2025-03-07"}
    assert {records[upn]["school_age_checked"] for upn in BORN} == {"true"}
    # The figures still cover every pupil.
    assert {records[upn]["unauthorised_sessions"] for upn in BORN} == {"10"}
    assert {records[upn]["persistent_absence"] for upn in BORN} == {"true"}


def test_without_dates_of_birth_no_age_rule_is_applied_and_it_says_so(tmp_path):
    records = analyse_csv(_ten_g_each(tmp_path, with_birth_dates=False))
    assert {records[upn]["threshold_met_on"] for upn in BORN} == {"2025-03-07"}
    assert {records[upn]["school_age_checked"] for upn in BORN} == {"false"}


def test_a_threshold_met_through_n_is_provisional(tmp_path):
    upn = pupil(4)
    rows = week("2025-03-03", "G G G G G G G G N N", upn=upn)
    rows += week("2025-03-03", G_WEEK, upn=pupil(5))
    records = analyse_csv(write_marks(tmp_path, rows))
    assert records[upn]["threshold_met_on"] == "2025-03-07"
    assert records[upn]["threshold_provisional"] == "true"
    assert records[upn]["threshold_occasion_sessions"] == "2025-03-03 AM to 2025-03-07 PM?"
    assert records[pupil(5)]["threshold_provisional"] == "false"


def test_a_second_occasion_counts_afresh_after_the_first(tmp_path):
    upn = pupil(6)
    first, second, third = mondays("2025-03-03", 3)
    # 10 G met Fri 7 Mar PM; then 5 G and 5 more G: the second occasion is met on Fri 21 Mar
    # PM by those 10 alone (the first week's sessions no longer count).
    rows = week(first, G_WEEK, upn=upn)
    rows += week(second, "G G G G G . . . . .", upn=upn)
    rows += week(third, ". . . . . G G G G G", upn=upn)
    record = analyse_csv(write_marks(tmp_path, rows))[upn]
    assert record["threshold_occasions"] == "2"
    assert record["threshold_occasion_sessions"] == (
        "2025-03-03 AM to 2025-03-07 PM; 2025-03-10 AM to 2025-03-21 PM"
    )
    assert record["threshold_met_on"] == "2025-03-07"


def test_weeks_the_school_was_open_count_while_the_pupil_was_between_schools(tmp_path):
    # Five G at the first school in week 1, then off roll until joining another school in
    # week 11 with five more G. Both schools were open every week (their other pupils' marks),
    # so the ten sessions span 11 school weeks: the threshold is not met.
    moving, staying, other = pupil(7), pupil(8), pupil(9)
    weeks = mondays("2025-01-06", 11)
    rows = week(weeks[0], "G G G G G . . . . .", upn=moving)
    rows += week(weeks[10], "G G G G G . . . . .", upn=moving, school=OTHER_SCHOOL)
    for monday in weeks:
        rows += week(monday, upn=staying)
        rows += week(monday, upn=other, school=OTHER_SCHOOL)
    record = analyse_csv(write_marks(tmp_path, rows))[moving]
    assert record["threshold_met_on"] == ""
    assert record["threshold_sessions_in_window"] == "5"
    # Had the first school held no sessions in week 2 (a week's closure), the ten sessions
    # would fall within 10 of its school weeks: met at the fifth G there, Mon 17 Mar to Wed
    # 19 Mar AM.
    closed = weeks[1].isoformat()
    rows = [r for r in rows if not (r[1] == staying and closed <= r[2] < weeks[2].isoformat())]
    record = analyse_csv(write_marks(tmp_path, rows))[moving]
    assert (record["threshold_met_on"], record["threshold_met_session"]) == ("2025-03-19", "AM")
