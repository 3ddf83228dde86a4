"""Statistical category of every code in force from 19 August 2024 (REG24 reg 10; DFE-STATS).

Possible sessions = present + AEA + authorised + unauthorised; not-counted codes are left out of
both the numerator and the denominator. Attendance = (present + AEA) / possible, absence =
(authorised + unauthorised) / possible, L is present, late_before_close = L, late_after_close = U.
"""

from __future__ import annotations

import pytest

from tests.engine.marks import (
    analyse_csv,
    expect,
    mark,
    pick,
    pupil,
    sessions,
    write_marks,
)

PRESENT_CODES = ["/", "\\", "L"]
AEA_CODES = ["K", "V", "P", "W", "B"]
AUTHORISED_CODES = ["C1", "M", "J1", "S", "C2", "C", "T", "E", "I", "R"]
UNAUTHORISED_CODES = ["G", "N", "O", "U"]
NOT_COUNTED_CODES = ["D", "X", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Q", "Z", "#"]

CATEGORY = {
    **dict.fromkeys(PRESENT_CODES, "present"),
    **dict.fromkeys(AEA_CODES, "aea"),
    **dict.fromkeys(AUTHORISED_CODES, "authorised"),
    **dict.fromkeys(UNAUTHORISED_CODES, "unauthorised"),
    **dict.fromkeys(NOT_COUNTED_CODES, "not_counted"),
}
ALL_CODES = list(CATEGORY)
MONDAY = "2025-01-13"

# Each pupil has the code under test on Monday 13 Jan 2025 AM and a present mark (\) on the PM.
# By hand, per category of the code under test:
#   present:      possible 2 (2 present)            -> 2/2 = 100.00 %, absence 0.00 %
#   AEA:          possible 2 (1 present + 1 AEA)     -> attendance 100.00 %, absence 0.00 %
#   authorised:   possible 2 (1 present + 1 auth)    -> 1/2 = 50.00 % each; PA (>=10 %) and SA
#                 (>=50 %) both true
#   unauthorised: as authorised, and the one G/N/O/U session is in the last 10 school weeks
#   not counted:  possible 1 (the present PM only)  -> 100.00 %, absence 0.00 %
EXPECTED = {
    "present": expect(
        possible_sessions=2,
        present_sessions=2,
        aea_sessions=0,
        authorised_sessions=0,
        unauthorised_sessions=0,
        not_counted_sessions=0,
        attendance_pct="100.00",
        absence_pct="0.00",
        persistent_absence=False,
        severe_absence=False,
        threshold_sessions_in_window=0,
    ),
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
        threshold_sessions_in_window=0,
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
        threshold_sessions_in_window=0,
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
        threshold_sessions_in_window=1,
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
        threshold_sessions_in_window=0,
    ),
}


def _upn_for(code: str) -> str:
    return pupil(ALL_CODES.index(code) + 1)


@pytest.fixture(scope="module")
def one_code_each(tmp_path_factory):
    """One run of the command over a file with one pupil per code."""
    rows = []
    for code in ALL_CODES:
        upn = _upn_for(code)
        morning = "/" if code == "\\" else code
        rows += [mark(MONDAY, "AM", morning, upn=upn), mark(MONDAY, "PM", "\\", upn=upn)]
    return analyse_csv(write_marks(tmp_path_factory.mktemp("codes"), rows))


def test_one_record_per_pupil(one_code_each):
    assert set(one_code_each) == {_upn_for(code) for code in ALL_CODES}


@pytest.mark.parametrize("code", ALL_CODES)
def test_code_falls_in_its_statistical_category(one_code_each, code):
    expected = EXPECTED[CATEGORY[code]] | expect(threshold_met_on=None)
    assert pick(one_code_each[_upn_for(code)], expected) == expected


@pytest.mark.parametrize(
    ("code", "before_close", "after_close"),
    [("L", 1, 0), ("U", 0, 1), ("/", 0, 0), ("G", 0, 0), ("N", 0, 0), ("O", 0, 0)],
)
def test_late_counts_are_l_and_u(one_code_each, code, before_close, after_close):
    # late_before_close_sessions counts L (a present code), late_after_close_sessions counts U
    # (an unauthorised code): DFE-STATS late_sessions = L + U.
    expected = expect(
        late_before_close_sessions=before_close, late_after_close_sessions=after_close
    )
    assert pick(one_code_each[_upn_for(code)], expected) == expected


def test_every_code_in_one_register(tmp_path):
    # All 34 current codes laid on consecutive sessions from Mon 13 Jan 2025 AM (to Mon 3 Feb PM).
    # By hand: present 3 (/ \ L), AEA 5 (K V P W B), authorised 10, unauthorised 4 (G N O U),
    # not counted 12 (D X Y1-Y7 Q Z #).
    # possible = 3 + 5 + 10 + 4 = 22
    # attendance = (3 + 5) / 22 = 36.3636... % -> 36.36
    # absence    = (10 + 4) / 22 = 63.6363... % -> 63.64; PA (>=10 %) and SA (>=50 %) true
    # late: L once, U once. Threshold: 4 qualifying sessions, all within the last 10 school weeks
    # (3 weeks of marks), so 4 in the window and never met.
    upn = pupil(100)
    marks = write_marks(tmp_path, sessions(MONDAY, ALL_CODES, upn=upn))
    expected = expect(
        possible_sessions=22,
        present_sessions=3,
        aea_sessions=5,
        authorised_sessions=10,
        unauthorised_sessions=4,
        not_counted_sessions=12,
        attendance_pct="36.36",
        absence_pct="63.64",
        persistent_absence=True,
        severe_absence=True,
        threshold_met_on=None,
        threshold_met_session=None,
        threshold_sessions_in_window=4,
        late_before_close_sessions=1,
        late_after_close_sessions=1,
    )
    assert pick(analyse_csv(marks)[upn], expected) == expected
