"""Small builders for engine tests: marks as rows, straight into the engine."""

from __future__ import annotations

import datetime as dt

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
