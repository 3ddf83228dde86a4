"""Attendance at earlier schools counts towards the national threshold and nothing else."""

import datetime as dt

import numpy as np
import pytest

from rollcall.engine import analyse, pupil_figures
from rollcall.engine.history import history_matrix, with_history
from rollcall.engine.triggers import NATIONAL_THRESHOLD, PERSISTENT, find_triggers
from tests.engine_internals.helpers import PUPIL, SECOND_PUPIL, day_marks, matrix_of, school_days

EARLIER = "8882001"  # the earlier school's LAESTAB
LAST_WEEK = school_days(dt.date(2025, 1, 6), 5)
THIS_WEEK = school_days(dt.date(2025, 1, 13), 5)


def _history(rows):
    return history_matrix(
        [(upn, school, day, session, code) for school, upn, day, session, code in rows]
    )


def _six_unauthorised_last_week(upn=PUPIL):
    return _history(
        day_marks(LAST_WEEK[:3], "N", upn=upn, school=EARLIER)
        + day_marks(LAST_WEEK[3:], "present", upn=upn, school=EARLIER)
    )


def _here(first_absent_days):
    absent = THIS_WEEK[:first_absent_days]
    return matrix_of(day_marks(absent, "O") + day_marks(THIS_WEEK[first_absent_days:], "present"))


def test_six_sessions_at_the_previous_school_and_four_here_meet_the_threshold():
    matrix = _here(2)  # O on Monday and Tuesday: 4 sessions
    without = [
        h for h in find_triggers(matrix, as_of=THIS_WEEK[-1]) if h.kind == NATIONAL_THRESHOLD
    ]
    assert without == []
    hits = find_triggers(matrix, as_of=THIS_WEEK[-1], history=_six_unauthorised_last_week())
    hit = next(h for h in hits if h.kind == NATIONAL_THRESHOLD)
    assert (hit.met_on, f"to {THIS_WEEK[1]:%-d %B %Y} PM" in hit.detail) == (THIS_WEEK[1], True)
    assert matrix.schools[hit.school] == "100001"  # the work is for the current school


def test_nine_sessions_across_the_two_schools_do_not_meet_it():
    tuesday = [
        ("100001", PUPIL, THIS_WEEK[1], "AM", "O"),
        ("100001", PUPIL, THIS_WEEK[1], "PM", "/"),
    ]
    matrix = matrix_of(
        [*day_marks(THIS_WEEK[:1], "O"), *tuesday, *day_marks(THIS_WEEK[2:], "present")]
    )
    hits = find_triggers(matrix, as_of=THIS_WEEK[-1], history=_six_unauthorised_last_week())
    assert NATIONAL_THRESHOLD not in {h.kind for h in hits}


def test_the_current_schools_figures_count_only_its_own_registers():
    matrix = matrix_of(day_marks(THIS_WEEK, "present"))
    history = _history(day_marks(LAST_WEEK, "O", school=EARLIER))  # a week of absence there
    hits = find_triggers(matrix, as_of=THIS_WEEK[-1], history=history)
    assert PERSISTENT not in {h.kind for h in hits}
    figures = pupil_figures(matrix)
    assert (int(figures.possible[0]), int(figures.unauthorised[0])) == (10, 0)
    plain = analyse(matrix, as_of=THIS_WEEK[-1])
    counted = analyse(matrix, as_of=THIS_WEEK[-1], history=history)
    threshold = [name for name in counted.columns if name.startswith("threshold_")]
    assert counted.drop(threshold).equals(plain.drop(threshold))
    assert counted["threshold_sessions_in_window"].to_list() == [10]
    assert counted["threshold_met_on"].to_list() == [LAST_WEEK[-1]]


def test_history_of_pupils_not_in_the_registers_is_left_out_and_pupils_keep_their_numbers():
    matrix = _here(2)
    history = history_matrix(
        [(SECOND_PUPIL, EARLIER, LAST_WEEK[0], "AM", "O")]
        + [(PUPIL, EARLIER, day, s, "N") for day in LAST_WEEK[:3] for s in ("AM", "PM")]
    )
    combined = with_history(matrix, history)
    assert combined.pupils.tolist() == matrix.pupils.tolist()
    assert combined.n_rows == matrix.n_rows + 1
    assert np.array_equal(
        combined.row_pupil[: matrix.n_pupils], matrix.row_pupil[: matrix.n_pupils]
    )
    assert with_history(matrix, None) is matrix


def test_an_earlier_school_mark_with_a_code_not_in_force_is_named():
    rows = [(PUPIL, EARLIER, LAST_WEEK[0], "AM", "/"), (PUPIL, EARLIER, LAST_WEEK[1], "PM", "ZZ")]
    with pytest.raises(ValueError, match=rf"\('{PUPIL}', '{EARLIER}', .*2025, 1, 7.*'PM'\)"):
        history_matrix(rows)
