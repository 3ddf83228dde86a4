import datetime as dt

import polars as pl

from rollcall.engine.cohorts import authority_totals, cohort_table, enrolment_frame
from tests.engine_internals.helpers import (
    OTHER_SCHOOL,
    PUPIL,
    SECOND_PUPIL,
    day_marks,
    matrix_of,
    school_days,
)


def test_a_pupil_who_moved_counts_once_at_each_school():
    days = school_days(dt.date(2025, 1, 6), 20)
    rows = (
        day_marks(days[:8], "present")
        + day_marks(days[8:10], "O")  # 2 of 10 days absent at the first school: 20 %
        + day_marks(days[10:], "present", school=OTHER_SCHOOL)  # then none at the second
        + day_marks(days, "present", upn=SECOND_PUPIL)
    )
    enrolments = enrolment_frame(matrix_of(rows))
    assert enrolments.height == 3
    pupils = pl.DataFrame({"upn": [PUPIL, SECOND_PUPIL], "sex": ["F", "M"]})
    by_school = cohort_table(enrolments, pupils, by=["school_urn"])
    first = by_school.filter(pl.col("school_urn") == "100001").row(0, named=True)
    assert (first["enrolments"], first["persistent_enrolments"]) == (2, 1)
    assert first["persistent_pct"] == 50.0
    totals = authority_totals(enrolments)
    assert totals["enrolments"] == 3
    assert totals["absence_pct"] == round(100 * 4 / 80, 2)
