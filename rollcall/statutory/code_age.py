"""Codes whose use depends on the pupil's age (REG24 reg 10, Table 3; WTISA code guidance).

Which codes these are, and from when, is data: a code's entry in `data/codes.yaml` says
`of_compulsory_school_age: true` (only for a pupil of compulsory school age) or `false` (only for
one who is not). From 19 August 2024, X is for a pupil *not* of compulsory school age who is not
required to attend, and C2 (leave for an agreed part-time timetable) for a pupil who *is* of
compulsory school age. Earlier eras say nothing, so no age is checked for them: the 2020-22 X
(coronavirus) was for any age.
"""

from __future__ import annotations

import functools
from datetime import date

from rollcall.statutory.errors import UnknownCode
from rollcall.statutory.loader import statutory_data
from rollcall.statutory.lookup import code_on
from rollcall.statutory.school_age import compulsory_school_age_end, compulsory_school_age_start


@functools.cache
def age_dependent_codes() -> frozenset[str]:
    """Every code that some era allows only for pupils of (or not of) compulsory school age."""
    return frozenset(
        entry.code for entry in statutory_data().codes if entry.of_compulsory_school_age is not None
    )


def of_compulsory_school_age(date_of_birth: date, day: date) -> bool:
    """EA96 s8: from the prescribed day after the 5th birthday to the leaving date after the
    16th."""
    return (
        compulsory_school_age_start(date_of_birth)
        <= day
        <= compulsory_school_age_end(date_of_birth)
    )


def code_age_problem(*, code: str, day: date, session: str, date_of_birth: date) -> str:
    """Why `code` cannot be recorded for a pupil born on `date_of_birth` for this session, or
    an empty string if it can."""
    if code not in age_dependent_codes():
        return ""
    try:
        required = code_on(code, day).of_compulsory_school_age
    except UnknownCode:
        return ""  # not a code that day: the register's own checks say so
    if required is None:
        return ""
    of_age = of_compulsory_school_age(date_of_birth, day)
    if of_age == required:
        return ""
    when = f"{day:%-d %B %Y} {session}"
    born = f"{date_of_birth:%-d %B %Y}"
    if required:
        return (
            f"{code} is only for a pupil of compulsory school age (REG24 reg 10), and a pupil "
            f"born on {born} is not of compulsory school age on {when}"
        )
    return (
        f"{code} is only for a pupil not of compulsory school age (REG24 reg 10), and a pupil "
        f"born on {born} is of compulsory school age on {when}"
    )
