"""Bringing a store up to date: the marks since (new and amended) laid over the stored matrix
must give what building from every mark gives."""

from __future__ import annotations

import datetime as dt

import numpy as np

from rollcall.engine import MarkMatrix, analyse
from rollcall.engine.matrix import overlay
from rollcall.statutory.upn import upn_make

from .helpers import OTHER_SCHOOL, PUPIL, SCHOOL, SECOND_PUPIL, day_marks, matrix_of, school_days

THIRD_PUPIL = upn_make("989", "1234", 20, 3)


def _cells(matrix: MarkMatrix) -> dict[tuple[str, str, str, int], int]:
    """Every mark as (UPN, URN, date, session) -> code id, whatever the row and column order."""
    result = {}
    for row, column in zip(*np.nonzero(matrix.ids), strict=True):
        key = (
            str(matrix.pupils[matrix.row_pupil[row]]),
            str(matrix.schools[matrix.row_school[row]]),
            str(matrix.days[column // 2]),
            int(column % 2),
        )
        result[key] = int(matrix.ids[row, column])
    return result


def test_new_days_pupils_schools_and_changed_codes_are_laid_over_the_store():
    autumn = school_days(dt.date(2024, 9, 2), 30)
    base_rows = (
        day_marks(autumn[:20], "present")
        + day_marks(autumn[:20], "present", upn=SECOND_PUPIL)
        + day_marks(autumn[5:8], "present", upn=SECOND_PUPIL, school=OTHER_SCHOOL)
    )
    since = (
        day_marks(autumn[20:], "N")  # new days for a pupil already there
        + day_marks(autumn[3:5], "G")  # amended: were present
        + day_marks(autumn[20:25], "present", upn=THIRD_PUPIL, school=OTHER_SCHOOL)  # new pupil
        + day_marks(autumn[10:12], "present", upn=PUPIL, school=OTHER_SCHOOL)  # a second school
        + day_marks(autumn[6:7], "O", upn=SECOND_PUPIL, school=OTHER_SCHOOL)  # amended, extra row
    )
    # A day between the stored ones that only the later marks have (a backdated register).
    weekend = dt.date(2024, 9, 7)
    since += [(SCHOOL, SECOND_PUPIL, weekend, "AM", "/")]
    changed = {(r[0], r[1], r[2], r[3]) for r in since}
    everything = [r for r in base_rows if (r[0], r[1], r[2], r[3]) not in changed] + since

    updated = overlay(matrix_of(base_rows), matrix_of(since))
    built = matrix_of(everything)
    assert _cells(updated) == _cells(built)
    assert analyse(updated).equals(analyse(built))
    # Each pupil's first school is still its row; schools after the first are extra rows.
    first = {str(updated.pupils[p]): str(updated.schools[updated.row_school[p]]) for p in range(3)}
    assert first == {PUPIL: SCHOOL, SECOND_PUPIL: SCHOOL, THIRD_PUPIL: OTHER_SCHOOL}
    assert updated.n_rows == 5


def test_nothing_since_leaves_the_store_as_it_was():
    rows = day_marks(school_days(dt.date(2025, 1, 6), 10), "present")
    base = matrix_of(rows)
    assert _cells(overlay(base, matrix_of([]))) == _cells(base)
