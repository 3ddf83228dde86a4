"""The engine's compiled loops at their edges: counts past a 16-bit lane, indices they must
refuse rather than write through, school weeks skipped by the rolling window, and a pupil with
more occasions than the room given for them."""

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
    threshold_occasions,
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
    ids_of = np.zeros((3, span), dtype=np.uint8)
    ids_of[0, :] = 7  # code entry 0 is in force every day; entry 1 never
    ids_of[2, :] = 8  # and entry 2, another code, every day
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
    assert _place([100, 101], [0, 3])[0] == (OUT_OF_RANGE, 1)  # no such code entry
    assert _place([100, 101], [0, 1])[0] == (NOT_IN_FORCE, 1)
    assert _place([100, 100], [0, 2])[0] == (SAME_CELL, 1)  # two codes for one session
    outcome, cells = _place([100, 100], [0, 0])  # the same mark twice is kept once
    assert outcome == (PLACED, -1) and cells[0, 0] == 7


def _occasions(codes: list[str], held: list[bool], *, window: int, room: int = 4):
    """One pupil, one row, a week of two sessions per entry of held (one code per session
    pair), counted by threshold_occasions with a threshold of 4 sessions."""
    table = code_table()
    ids = np.array([[_id(c) for c in codes]], dtype=np.uint8)
    qualifying = table.ids_for({"G", "N"})
    n_weeks = len(held)
    starts = np.arange(0, 2 * n_weeks, 2, dtype=np.int64)
    q = qualifying[ids[0]].reshape(n_weeks, 2).sum(axis=1).astype(np.int16)[None, :]
    out = [np.zeros(1, dtype=np.int64) for _ in range(2)]
    found = [np.full((1, room), -1, dtype=np.int64) for _ in range(3)]
    threshold_occasions(
        ids,
        np.zeros(1, dtype=np.int64),
        np.array([0, 1], dtype=np.int64),
        np.zeros(1, dtype=np.int64),
        np.array([held]),
        q,
        starts,
        2 * n_weeks,
        np.zeros(1, dtype=np.int64),
        np.full(1, 2 * n_weeks, dtype=np.int64),
        window,
        4,
        qualifying,
        table.ids_for({"N"}),
        *out,
        *found,
        0,
        1,
    )
    in_window, count = (int(o[0]) for o in out)
    met, first, provisional = (f[0].tolist() for f in found)
    return in_window, count, met, first, provisional


def test_the_window_counts_school_weeks_and_skips_weeks_without_sessions():
    # Weeks of two sessions: GG, holiday, G/, GN, holiday, G/. With a window of 3 school
    # weeks and a threshold of 4, week 3 is reached (weeks 0, 2 and 3 hold 5) at its first
    # session; counting starts afresh after it, so the last week's count (N and G: 2) falls
    # short. The count now is weeks 2, 3 and 5 (1 + 2 + 1 = 4), occasions or not.
    codes = ["G", "G", "#", "#", "G", "/", "G", "N", "#", "#", "G", "/"]
    held = [True, False, True, True, False, True]
    in_window, count, met, first, provisional = _occasions(codes, held, window=3)
    assert (in_window, count) == (4, 1)
    assert met[:1] == [6] and first[:1] == [0] and provisional[:1] == [0]


def test_a_pupil_with_more_occasions_than_room_has_them_all_counted():
    codes = ["G", "N"] * 10  # ten weeks of two sessions, each counting: five occasions
    in_window, count, met, first, provisional = _occasions(codes, [True] * 10, window=3, room=2)
    assert (in_window, count) == (6, 5)
    assert met == [3, 7] and first == [0, 4] and provisional == [2, 2]


def test_a_pupil_who_never_reaches_it_still_has_the_count_now():
    # Three counting sessions in all, a threshold of 4: no occasion; the window of the last
    # two school weeks (the holiday skipped) holds two of them.
    codes = ["G", "/", "/", "/", "#", "#", "G", "/", "N", "/"]
    in_window, count, met, *_ = _occasions(codes, [True, True, False, True, True], window=2)
    assert (in_window, count) == (2, 0) and met == [-1, -1, -1, -1]
