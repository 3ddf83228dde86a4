"""The LA-year figures written plainly with other tools, to compare rollcall against.

Each peer reads the same long-format Parquet file (school_urn, upn, date, session, code) and
returns one row per pupil with the columns of rollcall.engine.FIELDS. They take the meaning of
each code on each date, and the threshold rule, from rollcall.statutory (the same dated data the
engine uses), so a disagreement is a disagreement about counting, not about the law.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rollcall import statutory

# A date after any register mark, for code meanings still in force (in_force_to is None).
OPEN_END = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class ThresholdLaw:
    sessions: int  # 10
    school_weeks: int  # 10
    codes: tuple[str, ...]  # G, N, O, U
    not_school_week_codes: tuple[str, ...]  # '#', 'Y4': a week of only these is no school week


def code_eras() -> dict[str, list]:
    """The code table as columns: code, in_force_from, in_force_to, category,
    counts_for_threshold (one row per meaning of a code in an era)."""
    eras = statutory.all_code_eras()
    return {
        "code": [era.code for era in eras],
        "in_force_from": [era.in_force_from for era in eras],
        "in_force_to": [era.in_force_to or OPEN_END for era in eras],
        "category": [era.category.value for era in eras],
        "counts_for_threshold": [era.counts_for_threshold for era in eras],
    }


def threshold_law(as_of: dt.date) -> ThresholdLaw:
    law = statutory.on(as_of).threshold
    if law is None:
        raise ValueError(f"there is no national threshold in force on {as_of}")
    return ThresholdLaw(
        sessions=law.sessions,
        school_weeks=law.school_weeks,
        codes=tuple(law.codes),
        not_school_week_codes=tuple(law.school_week.non_school_week_codes),
    )
