"""Small builders for engine tests: marks as rows, straight into the engine."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from rollcall.engine import MarkMatrix, marks_from_table
from rollcall.statutory.upn import upn_make

SCHOOL = "100001"
OTHER_SCHOOL = "100002"
PUPIL = upn_make("989", "1234", 20, 1)
SECOND_PUPIL = upn_make("989", "1234", 20, 2)

Row = tuple[str, str, dt.date, str, str]


def school_days(first: dt.date, count: int, *, skip: set[dt.date] = frozenset()) -> list[dt.date]:
    """`count` weekdays from `first`, leaving out `skip`."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5 and day not in skip:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def day_marks(
    days: list[dt.date], code: str, *, upn: str = PUPIL, school: str = SCHOOL
) -> list[Row]:
    rows: list[Row] = []
    for day in days:
        am, pm = ("/", "\\") if code == "present" else (code, code)
        rows += [(school, upn, day, "AM", am), (school, upn, day, "PM", pm)]
    return rows


def matrix_of(rows: list[Row]) -> MarkMatrix:
    table = pa.table(
        {
            "school_urn": [r[0] for r in rows],
            "upn": [r[1] for r in rows],
            "date": pa.array([r[2] for r in rows], type=pa.date32()),
            "session": [r[3] for r in rows],
            "code": [r[4] for r in rows],
        }
    )
    return marks_from_table(table, lambda i: f"row {i + 1}")


# Codes with their meanings changing on 19 August 2024 (J, legacy B, new J1 and K).
BEFORE = ["/", "\\", "L", "U", "N", "O", "G", "I", "M", "B", "J", "#", "Y", "C", "X"]
AFTER = ["/", "\\", "L", "U", "N", "O", "G", "I", "M", "J1", "K", "#", "Y4", "C1", "X", "Q"]


def random_marks(seed: int) -> list[Row]:
    """Pupils at one to three schools over days either side of the 2024 code change, some
    sharing days at two schools (dual registration), rows in a shuffled order."""
    rng = np.random.default_rng(seed)
    schools = [f"1000{n:02d}" for n in range(1, 5)]
    first = dt.date(2024, 6, 3)
    days = [first + dt.timedelta(days=int(d)) for d in range(0, 150) if (d % 7) < 5]
    rows = []
    for serial in range(1, int(rng.integers(5, 40))):
        upn = upn_make("989", "1234", 20, serial)
        at = rng.choice(schools, size=int(rng.integers(1, 4)), replace=False)
        for school in at:
            chosen = rng.choice(len(days), size=int(rng.integers(1, 40)), replace=False)
            for index in chosen:
                day = days[int(index)]
                codes = BEFORE if day < dt.date(2024, 8, 19) else AFTER
                for session in ("AM", "PM"):
                    if rng.random() < 0.9:
                        rows.append((str(school), upn, day, session, str(rng.choice(codes))))
    order = rng.permutation(len(rows)) if seed % 2 else np.arange(len(rows))
    return [rows[int(i)] for i in order]
