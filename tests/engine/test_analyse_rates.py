"""Attendance and absence rates to 2 dp, and the persistent / severe absence boundaries
(DFE-STATS: PA is absence >= 10 % of possible sessions, SA is absence >= 50 %).

Absences here are authorised illness (I) so that the national threshold stays out of the way;
every register starts on Monday 13 Jan 2025 and runs on weekday sessions.
"""

from __future__ import annotations

import pytest

from tests.engine.marks import analyse_csv, expect, pick, pupil, sessions, write_marks

START = "2025-01-13"


def register(absent: int, possible: int) -> str:
    """`absent` I sessions followed by present sessions, `possible` sessions in all."""
    return " ".join(["I"] * absent + ["."] * (possible - absent))


# (absent, possible, absence %, attendance %, PA, SA) -- all worked by hand:
RATES = [
    # 2/3 = 66.666...% -> 66.67; 1/3 = 33.333...% -> 33.33 (repeating decimals)
    (2, 3, "66.67", "33.33", True, True),
    # 1/6 = 16.666...% -> 16.67; 5/6 = 83.333...% -> 83.33
    (1, 6, "16.67", "83.33", True, False),
    # 1/8 = 12.5 % -> 12.50; 7/8 = 87.5 % -> 87.50 (trailing zero kept)
    (1, 8, "12.50", "87.50", True, False),
    # 1/16 = 6.25 % exactly -> 6.25; 15/16 = 93.75 %. PA false (6.25 < 10)
    (1, 16, "6.25", "93.75", False, False),
    # Half-way cases at the third decimal (round half up, as people do):
    # 1/32 = 3.125 % -> 3.13; 31/32 = 96.875 % -> 96.88
    (1, 32, "3.13", "96.88", False, False),
    # 1/160 = 0.625 % -> 0.63; 159/160 = 99.375 % -> 99.38
    (1, 160, "0.63", "99.38", False, False),
    # 3/32 = 9.375 % -> 9.38; 29/32 = 90.625 % -> 90.63; PA false (9.375 < 10)
    (3, 32, "9.38", "90.63", False, False),
    # PA boundary: exactly 10 % is persistent absence
    # 1/10 = 10.00 %; 9/10 = 90.00 %
    (1, 10, "10.00", "90.00", True, False),
    # 10/100 = 10.00 % -> PA true
    (10, 100, "10.00", "90.00", True, False),
    # just under: 9/91 = 9.8901...% -> 9.89; 82/91 = 90.1098...% -> 90.11; PA false
    (9, 91, "9.89", "90.11", False, False),
    # just under, rounding to 9.90: 10/101 = 9.90099...% -> 9.90; 91/101 = 90.0990...% -> 90.10
    (10, 101, "9.90", "90.10", False, False),
    # SA boundary: exactly 50 % is severe absence (DFE-STATS: >= 50 %)
    # 5/10 = 50.00 %
    (5, 10, "50.00", "50.00", True, True),
    # 49/99 = 49.4949...% -> 49.49; 50/99 = 50.5050...% -> 50.51; SA false
    (49, 99, "49.49", "50.51", True, False),
    # 50/99 = 50.5050...% -> 50.51; 49/99 -> 49.49; SA true
    (50, 99, "50.51", "49.49", True, True),
    # 100 % absence: 10/10
    (10, 10, "100.00", "0.00", True, True),
]


@pytest.fixture(scope="module")
def rates(tmp_path_factory):
    rows = []
    for serial, (absent, possible, *_rest) in enumerate(RATES, start=1):
        rows += sessions(START, register(absent, possible), upn=pupil(serial))
    return analyse_csv(write_marks(tmp_path_factory.mktemp("rates"), rows))


@pytest.mark.parametrize(
    ("serial", "absent", "possible", "absence", "attendance", "persistent", "severe"),
    [(serial, *case) for serial, case in enumerate(RATES, start=1)],
    ids=[f"{case[0]}-in-{case[1]}" for case in RATES],
)
def test_rates_and_flags(rates, serial, absent, possible, absence, attendance, persistent, severe):
    expected = expect(
        possible_sessions=possible,
        present_sessions=possible - absent,
        authorised_sessions=absent,
        unauthorised_sessions=0,
        not_counted_sessions=0,
        absence_pct=absence,
        attendance_pct=attendance,
        persistent_absence=persistent,
        severe_absence=severe,
    )
    assert pick(rates[pupil(serial)], expected) == expected


# Zero possible sessions: nothing to divide by, so the percentages are empty and both flags
# false; the not-counted sessions are still counted.
ZERO_POSSIBLE = {
    "only D (the whole week at the other school)": ["D"] * 10,
    "only # (planned closure)": ["#"] * 10,
    "only Y4 (unexpected closure)": ["Y4"] * 10,
    "a mix of every not-counted code": [
        *["D", "X", "Q", "Z", "#"],
        *["Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"],
    ],
}


@pytest.mark.parametrize("case", list(ZERO_POSSIBLE))
def test_zero_possible_sessions(tmp_path, case):
    codes = ZERO_POSSIBLE[case]
    upn = pupil(1)
    marks = write_marks(tmp_path, sessions(START, codes, upn=upn))
    # By hand: possible = present + AEA + authorised + unauthorised = 0; not counted = len(codes)
    expected = expect(
        possible_sessions=0,
        present_sessions=0,
        aea_sessions=0,
        authorised_sessions=0,
        unauthorised_sessions=0,
        not_counted_sessions=len(codes),
        attendance_pct=None,
        absence_pct=None,
        persistent_absence=False,
        severe_absence=False,
        threshold_met_on=None,
        threshold_met_session=None,
        threshold_sessions_in_window=0,
        late_before_close_sessions=0,
        late_after_close_sessions=0,
    )
    assert pick(analyse_csv(marks)[upn], expected) == expected
