"""Compulsory school age per pupil, as the engine's triggers need it.

A penalty notice (EA96 s444A), the s444 offence it stands for, the LA's notification of 10
school days' continuous absence and deletion Ground I (REG24 regs 9 and 13) concern a child of
compulsory school age (EA96 s8). So a session counts towards those triggers only if the child
was of compulsory school age on that session's date: a Reception child before the prescribed
day after their fifth birthday, and a sixth former after their school leaving date, never
meet them. Attendance figures (rates, persistent and severe absence) still cover every pupil.

The first and last day come from `rollcall.statutory.school_age` (EA96 s8(2)-(4); the
Education (Start of Compulsory School Age) Order 1998; the Education (School Leaving Date)
Order 1997), worked out once per distinct date of birth. A pupil whose date of birth is not
known has no limits: no age rule is applied to them, and `known` says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rollcall.engine.matrix import EPOCH, MarkMatrix
from rollcall.statutory.school_age import compulsory_school_age_end, compulsory_school_age_start

EPOCH_DATE = dt.date(1970, 1, 1)
NO_LIMIT_LOW = np.iinfo(np.int32).min
NO_LIMIT_HIGH = np.iinfo(np.int32).max


@dataclass(frozen=True)
class SchoolAge:
    """Per pupil of a matrix: first and last day of compulsory school age (days since
    1970-01-01; open where the date of birth is unknown)."""

    first: np.ndarray  # int64 per pupil
    last: np.ndarray  # int64 per pupil
    known: np.ndarray  # bool per pupil: a date of birth was known

    def columns(self, matrix: MarkMatrix) -> tuple[np.ndarray, np.ndarray]:
        """Per pupil, the columns lo..hi-1 of `matrix` whose sessions were of compulsory
        school age."""
        days = (matrix.days - EPOCH).astype(np.int64)
        lo = 2 * np.searchsorted(days, self.first, side="left")
        hi = 2 * np.searchsorted(days, self.last, side="right")
        return lo.astype(np.int64), hi.astype(np.int64)

    def of_compulsory_age(self, pupils: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Whether each (pupil index, days since 1970-01-01) pair was of compulsory school age."""
        return (self.first[pupils] <= days) & (days <= self.last[pupils])


@dataclass(frozen=True)
class DatesOfBirth:
    """Dates of birth by UPN, where known; `school_age(matrix)` lines them up with a matrix."""

    by_upn: Mapping[str, dt.date]

    def school_age(self, matrix: MarkMatrix) -> SchoolAge:
        return school_age_of(matrix.pupils, self.by_upn)


def school_age_of(pupils: np.ndarray, dates_of_birth: Mapping[str, dt.date]) -> SchoolAge:
    n = len(pupils)
    first = np.full(n, NO_LIMIT_LOW, dtype=np.int64)
    last = np.full(n, NO_LIMIT_HIGH, dtype=np.int64)
    births = [dates_of_birth.get(str(upn)) for upn in pupils]
    known = np.array([born is not None for born in births], dtype=bool)
    if known.any():
        ordinals = np.array([b.toordinal() if b is not None else 0 for b in births])
        distinct, which = np.unique(ordinals[known], return_inverse=True)
        starts, ends = [], []
        for ordinal in distinct.tolist():
            start, end = _age_span(ordinal)
            starts.append(start)
            ends.append(end)
        first[known] = np.array(starts, dtype=np.int64)[which]
        last[known] = np.array(ends, dtype=np.int64)[which]
    return SchoolAge(first, last, known)


@lru_cache(maxsize=16384)
def _age_span(ordinal: int) -> tuple[int, int]:
    """Compulsory school age's first and last day (days since 1970) for a date of birth (an
    ordinal): a page asks for the same few thousand dates of birth again and again."""
    born = dt.date.fromordinal(ordinal)
    return (
        (compulsory_school_age_start(born) - EPOCH_DATE).days,
        (compulsory_school_age_end(born) - EPOCH_DATE).days,
    )


def no_school_age(matrix: MarkMatrix) -> SchoolAge:
    """No date of birth known for anyone: no age rule applied."""
    n = matrix.n_pupils
    return SchoolAge(
        np.full(n, NO_LIMIT_LOW, dtype=np.int64),
        np.full(n, NO_LIMIT_HIGH, dtype=np.int64),
        np.zeros(n, dtype=bool),
    )
