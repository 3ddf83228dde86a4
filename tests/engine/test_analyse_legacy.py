"""Legacy codes keep the meaning they had on their date (REG06; DfE code guidance), and absences
before 19 August 2024 never count toward the national threshold (ESX 'Transition arrangements')."""

from __future__ import annotations

import pytest

from tests.engine.marks import (
    ALL_PRESENT,
    analyse_csv,
    expect,
    mark,
    mondays,
    pick,
    pupil,
    week,
    write_marks,
)

# (code, date, category) -- the code is on that date's AM session, a present \ on the PM.
LEGACY = [
    ("J", "2024-01-15", "aea"),  # J (interview) was approved educational activity before 2024
    ("J", "2024-08-16", "aea"),  # the last weekday before the 2024 codes (J ends 18 Aug 2024)
    ("H", "2024-01-15", "authorised"),  # agreed family holiday, authorised until 18 Aug 2024
    ("F", "2012-01-16", "authorised"),  # extended family holiday, until Aug 2013
    ("X", "2024-01-15", "not_counted"),  # non-compulsory-school-age absence
    ("X", "2021-01-11", "not_counted"),  # coronavirus-era X (Sept 2020 - Mar 2022)
    ("Y", "2024-01-15", "not_counted"),  # enforced closure / exceptional circumstances
    ("B", "2024-01-15", "aea"),  # educated off site, AEA for historical dates
    ("T", "2024-01-15", "authorised"),  # Traveller absence
    ("C", "2024-01-15", "authorised"),  # other authorised circumstances
    ("G", "2024-01-15", "unauthorised"),  # unauthorised both before and after 2024 ...
    ("N", "2024-01-15", "unauthorised"),
    ("O", "2024-01-15", "unauthorised"),
    ("U", "2024-01-15", "unauthorised"),
    ("J1", "2024-08-19", "authorised"),  # J1 (interview leave) is authorised from 19 Aug 2024
    ("J1", "2025-01-15", "authorised"),
]

# Per category, for one coded session + one present session (worked by hand):
#   aea:          possible 2, present 1 + AEA 1 -> attendance 2/2 = 100.00 %, absence 0.00 %
#   authorised:   possible 2, 1 authorised      -> 50.00 % / 50.00 %, PA and SA true
#   unauthorised: possible 2, 1 unauthorised    -> 50.00 % / 50.00 %, PA and SA true
#   not counted:  possible 1 (the present PM)   -> 100.00 % / 0.00 %
BY_CATEGORY = {
    "aea": expect(
        possible_sessions=2,
        present_sessions=1,
        aea_sessions=1,
        authorised_sessions=0,
        unauthorised_sessions=0,
        not_counted_sessions=0,
        attendance_pct="100.00",
        absence_pct="0.00",
        persistent_absence=False,
        severe_absence=False,
    ),
    "authorised": expect(
        possible_sessions=2,
        present_sessions=1,
        aea_sessions=0,
        authorised_sessions=1,
        unauthorised_sessions=0,
        not_counted_sessions=0,
        attendance_pct="50.00",
        absence_pct="50.00",
        persistent_absence=True,
        severe_absence=True,
    ),
    "unauthorised": expect(
        possible_sessions=2,
        present_sessions=1,
        aea_sessions=0,
        authorised_sessions=0,
        unauthorised_sessions=1,
        not_counted_sessions=0,
        attendance_pct="50.00",
        absence_pct="50.00",
        persistent_absence=True,
        severe_absence=True,
    ),
    "not_counted": expect(
        possible_sessions=1,
        present_sessions=1,
        aea_sessions=0,
        authorised_sessions=0,
        unauthorised_sessions=0,
        not_counted_sessions=1,
        attendance_pct="100.00",
        absence_pct="0.00",
        persistent_absence=False,
        severe_absence=False,
    ),
}


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    rows = []
    for serial, (code, date, _category) in enumerate(LEGACY, start=1):
        upn = pupil(serial)
        rows += [mark(date, "AM", code, upn=upn), mark(date, "PM", "\\", upn=upn)]
    return analyse_csv(write_marks(tmp_path_factory.mktemp("legacy"), rows))


@pytest.mark.parametrize(
    ("serial", "code", "date", "category"),
    [(serial, *case) for serial, case in enumerate(LEGACY, start=1)],
    ids=[f"{code}-on-{date}" for code, date, _ in LEGACY],
)
def test_legacy_code_keeps_the_meaning_of_its_date(legacy, serial, code, date, category):
    expected = BY_CATEGORY[category]
    assert pick(legacy[pupil(serial)], expected) == expected


@pytest.mark.parametrize("code", ["G", "N", "O", "U"])
def test_unauthorised_before_the_framework_never_counts_toward_the_threshold(legacy, code):
    # The as-of date defaults to the last date in the file (15 Jan 2025); this pupil's only school
    # week is 15 Jan 2024, which is in their last 10 school weeks, but a 2024-01-15 absence is
    # before 19 Aug 2024 and does not count: 0 in the window.
    serial = next(i for i, case in enumerate(LEGACY, start=1) if case[:2] == (code, "2024-01-15"))
    expected = expect(
        unauthorised_sessions=1,
        threshold_sessions_in_window=0,
        threshold_met_on=None,
        threshold_met_session=None,
    )
    assert pick(legacy[pupil(serial)], expected) == expected


# Summer term 2024 (before the framework) into autumn term 2024 (after it).
SUMMER_2024 = mondays("2024-07-01", 3)  # 1, 8 and 15 July 2024
AUTUMN_2024 = "2024-09-02"


@pytest.fixture(scope="module")
def transition(tmp_path_factory):
    rows = []
    # Pupil 1: DfE's "2 in the summer term + 8 in the autumn term", but the summer sessions are
    # before 19 Aug 2024. G on Fri 19 Jul 2024 AM and PM; G Mon 2 Sep AM .. Thu 5 Sep 2024 PM.
    first = pupil(1)
    rows += week(SUMMER_2024[0], upn=first)
    rows += week(SUMMER_2024[1], upn=first)
    rows += week(SUMMER_2024[2], ". . . . . . . . G G", upn=first)
    rows += week(AUTUMN_2024, "G G G G G G G G . .", upn=first)
    # Pupil 2: a whole week of G in July 2024 (10 sessions), present in the other weeks.
    second = pupil(2)
    rows += week(SUMMER_2024[0], upn=second)
    rows += week(SUMMER_2024[1], "G G G G G G G G G G", upn=second)
    rows += week(SUMMER_2024[2], upn=second)
    rows += week(AUTUMN_2024, upn=second)
    # Pupil 3: 10 G in the week of 10 June 2024 and no marks afterwards.
    third = pupil(3)
    rows += week("2024-06-10", "G G G G G G G G G G", upn=third)
    return write_marks(tmp_path_factory.mktemp("transition"), rows)


def test_transition_summer_2024_absences_do_not_combine_with_autumn_2024(transition):
    records = analyse_csv(transition)
    # Pupil 1 (as of the last date, Fri 6 Sep 2024): school weeks 1, 8, 15 Jul and 2 Sep 2024
    # (4 <= 10, so all in the window). Unauthorised sessions 2 + 8 = 10 of 40 possible
    # -> absence 25.00 %. Qualifying for the threshold: only the 8 after 19 Aug 2024 -> 8, not met.
    expected = expect(
        possible_sessions=40,
        unauthorised_sessions=10,
        absence_pct="25.00",
        threshold_sessions_in_window=8,
        threshold_met_on=None,
        threshold_met_session=None,
    )
    assert pick(records[pupil(1)], expected) == expected
    # Pupil 2: 10 G in one school week, but in July 2024 -> unauthorised 10 of 40 = 25.00 %,
    # threshold never met, 0 in the window.
    expected = expect(
        possible_sessions=40,
        unauthorised_sessions=10,
        absence_pct="25.00",
        threshold_sessions_in_window=0,
        threshold_met_on=None,
        threshold_met_session=None,
    )
    assert pick(records[pupil(2)], expected) == expected
    # Pupil 3: 10 G in June 2024 -> unauthorised 10 of 10, never met, 0 in the window.
    expected = expect(
        possible_sessions=10,
        unauthorised_sessions=10,
        absence_pct="100.00",
        severe_absence=True,
        threshold_sessions_in_window=0,
        threshold_met_on=None,
        threshold_met_session=None,
    )
    assert pick(records[pupil(3)], expected) == expected


def test_no_threshold_as_of_a_date_before_the_framework(transition):
    # As of Fri 19 Jul 2024 there was no national threshold: nothing is met, nothing counted.
    # Session counts up to the as-of date for pupil 2: weeks of 1, 8 and 15 July = 30 possible,
    # 10 unauthorised -> 33.33 %.
    records = analyse_csv(transition, "--as-of", "2024-07-19")
    expected = expect(
        possible_sessions=30,
        unauthorised_sessions=10,
        absence_pct="33.33",
        threshold_sessions_in_window=0,
        threshold_met_on=None,
        threshold_met_session=None,
    )
    assert pick(records[pupil(2)], expected) == expected


def test_same_pattern_a_year_later_is_counted(tmp_path):
    # Control for the transition test: the same register one year on (2025) is all after the
    # framework, so the 2 summer-term G sessions do count. School weeks 30 Jun, 7 Jul, 14 Jul and
    # 1 Sep 2025; 2 G (Fri 18 Jul AM, PM) + 8 G (Mon 1 Sep AM .. Thu 4 Sep PM): the 10th is
    # Thu 4 Sep 2025 PM.
    upn = pupil(1)
    rows = week("2025-06-30", ALL_PRESENT, upn=upn)
    rows += week("2025-07-07", upn=upn)
    rows += week("2025-07-14", ". . . . . . . . G G", upn=upn)
    rows += week("2025-09-01", "G G G G G G G G . .", upn=upn)
    expected = expect(
        possible_sessions=40,
        unauthorised_sessions=10,
        threshold_met_on="2025-09-04",
        threshold_met_session="PM",
        threshold_sessions_in_window=10,
    )
    assert pick(analyse_csv(write_marks(tmp_path, rows))[upn], expected) == expected
