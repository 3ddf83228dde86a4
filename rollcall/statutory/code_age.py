"""Codes whose use depends on the pupil's age (REG24 reg 10, Table 3; WTISA code guidance).

From 19 August 2024, X is for a pupil *not* of compulsory school age who is not required to
attend, and C2 (leave for an agreed part-time timetable) for a pupil who *is* of compulsory
school age. Earlier eras keep their own meanings: the 2020-22 X (coronavirus) was for any age,
and before 19 August 2024 rollcall checks no age for X or C2.
"""

from __future__ import annotations

from datetime import date

from rollcall.statutory.school_age import compulsory_school_age_end, compulsory_school_age_start

AGE_RULES_FROM = date(2024, 8, 19)  # REG24 in force
AGE_DEPENDENT_CODES = frozenset({"X", "C2"})


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
    if code not in AGE_DEPENDENT_CODES or day < AGE_RULES_FROM:
        return ""
    of_age = of_compulsory_school_age(date_of_birth, day)
    when = f"{day:%-d %B %Y} {session}"
    born = f"{date_of_birth:%-d %B %Y}"
    if code == "X" and of_age:
        return (
            f"X is only for a pupil not of compulsory school age (REG24 reg 10), and a pupil "
            f"born on {born} is of compulsory school age on {when}"
        )
    if code == "C2" and not of_age:
        return (
            f"C2 is only for a pupil of compulsory school age (REG24 reg 10), and a pupil born "
            f"on {born} is not of compulsory school age on {when}"
        )
    return ""
