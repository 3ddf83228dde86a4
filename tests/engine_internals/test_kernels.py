"""The engine's compiled loops at their edges: counts past a 16-bit lane, indices they must
refuse rather than write through, and school weeks skipped by the rolling window."""

from __future__ import annotations

import numpy as np

from rollcall.engine.codes import code_table
from rollcall.engine.figures import category_counts
from rollcall.engine.kernels import (
    NOT_IN_FORCE,
    OUT_OF_RANGE,
    PLACED,
    SAME_CELL,
    place_marks,
    window_totals,
)
from rollcall.engine.matrix import MarkMatrix


def _id(code: str) -> int:
    return int(code_table().by_code[code][-1])  # its latest meaning


def test_category_counts_stay_exact_past_65535_sessions_in_a_row():
    present, late = _id("/"), _id("L")
    ids = np.zeros((2, 140_000), dtype=np.uint8)
    ids[0, :] = present
    ids[1, ::2] = late
    matrix = MarkMatrix(
        ids=ids,
        days=np.arange(70_000).astype("datetime64[D]"),
        row_pupil=np.arange(2, dtype=np.int32),
        row_school=np.zeros(2, dtype=np.int32),
        pupils=np.array(["A", "B"], dtype=object),
        schools=np.array(["100001"], dtype=object),
    )
    counts = category_counts(matrix, slice(0, 140_000))
    assert counts[0].tolist() == [140_000, 0, 0, 0, 0, 0, 0]
    assert counts[1].tolist() == [70_000, 0, 0, 0, 0, 70_000, 0]


def _place(day: list[int], code: list[int], *, slot: int = 0, span: int = 5):
    cells = np.zeros((1, 2 * span), dtype=np.uint8)
    ids_of = np.zeros((2, span), dtype=np.uint8)
    ids_of[0, :] = 7  # code entry 0 is in force every day; entry 1 never
    outcome = place_marks(
        cells,
        np.zeros(span, dtype=bool),
        np.array([[slot]], dtype=np.int64),
        np.zeros(len(day), dtype=np.int32),
        np.zeros(len(day), dtype=np.int32),
        np.array([0, 1], dtype=np.int32),
        np.zeros(len(day), dtype=np.int32),
        ids_of,
        np.array(code, dtype=np.int32),
        np.array(day, dtype=np.int32),
        100,
    )
    return outcome, cells


def test_placing_marks_refuses_what_it_cannot_place_and_names_the_mark():
    outcome, cells = _place([100, 101], [0, 0])
    assert outcome == (PLACED, -1) and cells[0, [0, 2]].tolist() == [7, 7]
    assert _place([100, 105], [0, 0])[0] == (OUT_OF_RANGE, 1)  # after the last day
    assert _place([99], [0])[0] == (OUT_OF_RANGE, 0)  # before the first
    assert _place([100], [0], slot=1)[0] == (OUT_OF_RANGE, 0)  # no such row
    assert _place([100, 101], [0, 2])[0] == (OUT_OF_RANGE, 1)  # no such code entry
    assert _place([100, 101], [0, 1])[0] == (NOT_IN_FORCE, 1)
    assert _place([100, 100], [0, 0])[0] == (SAME_CELL, 1)


def test_the_window_counts_school_weeks_and_skips_weeks_without_sessions():
    # Weeks: 3 qualifying, holiday, 3, 3, holiday, 1. With a window of 3 school weeks the
    # week with index 3 totals weeks 0, 2 and 3 (9); the last totals weeks 2, 3 and 5 (7).
    q = np.array([[3, 0, 3, 3, 0, 1]], dtype=np.int16)
    held = np.array([[True, False, True, True, False, True]])
    totals = np.zeros((1, 6), dtype=np.int32)
    window_totals(q, held, 3, totals, 0, 1)
    assert totals[0].tolist() == [3, 0, 6, 9, 0, 7]
