"""Cutting the matrix down for a page keeps every figure the whole matrix gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rollcall.analytics.figures.matrices import monday_of_week, rows_of_pupils, submatrix
from rollcall.engine import marks_from_table, national_threshold, pupil_figures
from rollcall.engine.matrix import week_numbers
from rollcall.statutory.upn import upn_make

UPNS = [upn_make("989", "1234", 20, n) for n in range(1, 5)]


def _matrix():
    rows = []
    days = [f"2025-03-{d:02d}" for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14)]
    for number, upn in enumerate(UPNS):
        for index, day in enumerate(days):
            for session in ("AM", "PM"):
                code = "G" if (index + number) % 2 == 0 else ("/" if session == "AM" else "\\")
                # The third pupil moves school half-way: two rows, one per school.
                school = "100002" if number == 2 and index >= 5 else "100001"
                rows.append((school, upn, day, session, code))
    columns = list(zip(*rows, strict=True))
    table = pa.table(
        {
            name: pa.array(values, pa.string())
            for name, values in zip(
                ("school_urn", "upn", "date", "session", "code"), columns, strict=True
            )
        }
    )
    return marks_from_table(table, lambda i: f"row {i}")


def test_a_submatrix_gives_its_pupils_the_same_figures_and_threshold():
    matrix = _matrix()
    assert matrix.n_rows == 5  # four pupils, one of them at two schools
    wanted = np.array([2, 3])
    sub = submatrix(matrix, rows_of_pupils(matrix, wanted))
    assert sub.pupils.tolist() == matrix.pupils[wanted].tolist()
    assert sub.n_rows == 3
    whole, part = pupil_figures(matrix), pupil_figures(sub)
    assert part.possible.tolist() == whole.possible[wanted].tolist()
    assert part.unauthorised.tolist() == whole.unauthorised[wanted].tolist()
    as_of = matrix.last_date()
    met = national_threshold(sub, as_of=as_of).met_column
    assert (met >= 0).all()  # 10 G each, the mover's across both schools
    assert met.tolist() == national_threshold(matrix, as_of=as_of).met_column[wanted].tolist()


def test_week_numbers_turn_back_into_mondays():
    days = np.array(["2025-03-03", "2025-03-09", "2025-03-10"], dtype="datetime64[D]")
    assert [str(monday_of_week(w)) for w in week_numbers(days)] == [
        "2025-03-03",
        "2025-03-03",
        "2025-03-10",
    ]
