"""Attendance codes as small integers, with lookup tables for vectorised work.

Every (code, era) from rollcall.statutory gets an id from 1 (0 means "no mark"), so one byte
holds a session's mark *with its meaning on that date*: a 2023/24 J (approved educational
activity) and a 2024/25 J1 (authorised absence) are different ids with different categories.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rollcall import statutory
from rollcall.statutory import Category

NO_MARK = 0
# Category numbers used in the lookup tables; 0 means no mark.
PRESENT, AEA, AUTHORISED, UNAUTHORISED, NOT_COUNTED = 1, 2, 3, 4, 5
CATEGORY_NUMBER = {
    Category.PRESENT: PRESENT,
    Category.AEA: AEA,
    Category.AUTHORISED: AUTHORISED,
    Category.UNAUTHORISED: UNAUTHORISED,
    Category.NOT_COUNTED: NOT_COUNTED,
}


@dataclass(frozen=True)
class CodeTable:
    eras: tuple[statutory.AttendanceCode, ...]  # id i + 1 is eras[i]
    code: np.ndarray  # str per id ("" for 0)
    category: np.ndarray  # uint8 per id
    counts_for_threshold: np.ndarray  # bool per id
    boundaries: np.ndarray  # datetime64[D]: the dates on which some code's meaning changed
    by_code: dict[str, np.ndarray]  # code -> id per date segment (0 = not in force)

    @property
    def size(self) -> int:
        return len(self.eras) + 1

    def ids_for(self, codes: set[str]) -> np.ndarray:
        """A boolean table over ids: True where the id is one of these codes (any era)."""
        return np.isin(self.code, sorted(codes))

    def segment(self, days: np.ndarray) -> np.ndarray:
        """The index of the meaning segment each day (datetime64[D]) falls in."""
        return np.searchsorted(self.boundaries, days, side="right")

    def encode(self, code: str, segments: np.ndarray) -> np.ndarray:
        """Ids for one code string over many date segments; 0 where not in force."""
        table = self.by_code.get(code)
        if table is None:
            return np.zeros(segments.shape, dtype=np.uint8)
        return table[segments]

    def first_in_force(self) -> dt.date:
        return min(era.in_force_from for era in self.eras)


@lru_cache(maxsize=1)
def code_table() -> CodeTable:
    eras = tuple(statutory.all_code_eras())
    if len(eras) > 254:
        raise RuntimeError("more code meanings than fit in one byte")
    edges = set()
    for era in eras:
        edges.add(era.in_force_from)
        if era.in_force_to is not None:
            edges.add(era.in_force_to + dt.timedelta(days=1))
    boundaries = np.array(sorted(edges), dtype="datetime64[D]")
    # Segment s covers [boundaries[s-1], boundaries[s]); segment 0 is before any data.
    starts = [None, *boundaries.astype(dt.date).tolist()]
    by_code: dict[str, np.ndarray] = {}
    for index, era in enumerate(eras, start=1):
        table = by_code.setdefault(era.code, np.zeros(len(starts), dtype=np.uint8))
        for segment, start in enumerate(starts):
            if start is not None and era.in_force_on(start):
                table[segment] = index
    code = np.array(["", *(era.code for era in eras)], dtype=object)
    category = np.array([0, *(CATEGORY_NUMBER[era.category] for era in eras)], dtype=np.uint8)
    threshold = np.array([False, *(era.counts_for_threshold for era in eras)], dtype=bool)
    return CodeTable(eras, code, category, threshold, boundaries, by_code)
