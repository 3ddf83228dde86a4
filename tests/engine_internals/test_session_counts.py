"""Counting a pupil's sessions from marks the database has already counted by code gives the
figures counting each mark gives."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from rollcall.engine.sessions import session_figures, session_figures_by_code

CODES = ["/", "\\", "L", "B", "I", "M", "O", "G", "U", "N", "X", "Y1", "#", "C", "E"]


def _by_code(marks: list[tuple[dt.date, str]]) -> list[tuple[str, int, dt.date, dt.date]]:
    days: dict[str, list[dt.date]] = defaultdict(list)
    for day, code in marks:
        days[code].append(day)
    return [(code, len(found), min(found), max(found)) for code, found in days.items()]


def test_counts_by_code_give_the_figures_counting_each_mark_gives():
    rng = random.Random(7)
    first = dt.date(2024, 9, 2)
    for _ in range(200):
        marks = [
            (first + dt.timedelta(days=rng.randrange(200)), rng.choice(CODES))
            for _ in range(rng.randrange(1, 120))
        ]
        assert session_figures_by_code(_by_code(marks)) == session_figures(marks)


def test_codes_of_both_sides_of_the_2024_regulations_count_by_their_own_dates():
    # J (interview, attendance) was in force until 18 August 2024; J1 (authorised) from 19th.
    marks = [(dt.date(2024, 7, 15), "J"), (dt.date(2024, 9, 9), "J1"), (dt.date(2024, 9, 9), "/")]
    figures = session_figures_by_code(_by_code(marks))
    assert figures == session_figures(marks)
    assert figures is not None and figures.authorised_absence == 1
