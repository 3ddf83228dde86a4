"""The LA-year figures written plainly with other tools, to compare rollcall against.

Each peer reads the same long-format Parquet file (school_urn, upn, date, session, code, and
optionally date_of_birth) and returns one row per pupil with the columns of
rollcall.engine.FIELDS. They take the meaning of each code on each date, the threshold rule and
the limits of compulsory school age from rollcall.statutory (the same dated data the engine
uses), so a disagreement is a disagreement about counting, not about the law.

The threshold as both count it (WTISA national framework; docs/adr/0012):

- a session is *held* when its mark is not `#` or `Y4`; a school's weeks are the
  Monday-to-Sunday weeks in which any of its pupils has a session held; a pupil joins a school
  in the first week they have a session held there;
- a pupil's school weeks are the weeks they have a session held anywhere, and the weeks held by
  the school they belonged to: the one most recently joined by then, or before the first, the
  first. Two schools joined in the same week: the one of the pupil's first mark in the file,
  then the one the file mentions first (the order of rollcall's rows). A pupil with no session
  held anywhere belongs to the school of their first mark throughout;
- a session counts when its code counts for the threshold on its date and, where the pupil's
  date of birth is given, the child was of compulsory school age that day; a pupil's marks at
  two schools for one session count twice;
- the threshold is met at the first session at which the sessions counted in the window of
  10 school weeks ending with its week, up to and including it, reach 10. That is an occasion;
  counting starts afresh after it, and the next occasion is met the same way. An occasion is
  provisional when any session counted towards it is N.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rollcall import statutory
from rollcall.statutory.school_age import compulsory_school_age_end, compulsory_school_age_start

# A date after any register mark, for code meanings still in force (in_force_to is None).
OPEN_END = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class ThresholdLaw:
    sessions: int  # 10
    school_weeks: int  # 10
    codes: tuple[str, ...]  # G, N, O, U
    not_school_week_codes: tuple[str, ...]  # '#', 'Y4': a week of only these is no school week
    provisional_codes: tuple[str, ...]  # N: counts only until replaced


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
        provisional_codes=tuple(law.provisional_codes),
    )


def school_age_limits(births: list[dt.date]) -> dict[str, list]:
    """For each date of birth: the first and last day of compulsory school age (EA96 s8), as
    columns date_of_birth, first_day, last_day."""
    distinct = sorted(set(births))
    return {
        "date_of_birth": distinct,
        "first_day": [compulsory_school_age_start(born) for born in distinct],
        "last_day": [compulsory_school_age_end(born) for born in distinct],
    }
