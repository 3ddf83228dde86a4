"""`rollcall law school-age`: when compulsory school age starts and ends for a child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rollcall.statutory.calculator.common import Source
from rollcall.statutory.school_age import (
    compulsory_school_age_end,
    compulsory_school_age_start,
)


@dataclass(frozen=True)
class SchoolAgeAnswer:
    date_of_birth: date
    starts_on: date  # the first day of compulsory school age
    ends_on: date  # the last day: it ends at the end of this school leaving date
    autumn_term_starts: date | None  # as given; None means 1 September was used
    sources: tuple[Source, ...]


def school_age_answer(
    date_of_birth: date, autumn_term_starts: date | None = None
) -> SchoolAgeAnswer:
    """EA96 s8(2)-(4), s579(1); CSAO (the 1998 and 1997 Orders)."""
    return SchoolAgeAnswer(
        date_of_birth=date_of_birth,
        starts_on=compulsory_school_age_start(date_of_birth),
        ends_on=compulsory_school_age_end(date_of_birth, autumn_term_starts),
        autumn_term_starts=autumn_term_starts,
        sources=(
            Source(
                "EA96 s8(2); Education (Start of Compulsory School Age) Order 1998: the first of "
                "31 March, 31 August, 31 December on or after the 5th birthday"
            ),
            Source(
                "EA96 s8(3)-(4); Education (School Leaving Date) Order 1997 (last Friday in "
                "June); EA96 s579(1) (the school year begins with the first term after July)"
            ),
        ),
    )


def within_school_age(date_of_birth: date, first: date, last: date) -> tuple[date, date] | None:
    """The part of [first, last] during which the child is of compulsory school age, if any."""
    start = compulsory_school_age_start(date_of_birth)
    end = compulsory_school_age_end(date_of_birth)
    overlap = (max(first, start), min(last, end))
    return overlap if overlap[0] <= overlap[1] else None
