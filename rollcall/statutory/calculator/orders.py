"""`rollcall law eso` and `rollcall law sao`: when court orders and notices end.

ESO (CA89 Sch 3 para 15): one year beginning with the day it is made, ending earlier when the
child ceases to be of compulsory school age (para 15(6)); an extension must be made by the court
before the order expires (15(2)), on an application made no earlier than three months before
(15(3)); each extension is at most three years (15(5)) and can never outlast school age.
SAO notices (EA96 s437-s439): 15 days beginning with the day of service; a profile may give
more (Sefton: 15 school days for the s437 notice).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from rollcall.statutory.base import Bound
from rollcall.statutory.calculator.common import Source
from rollcall.statutory.days import add_months, is_working_day, last_day_of_period
from rollcall.statutory.law import on
from rollcall.statutory.school_age import compulsory_school_age_end, compulsory_school_age_start


@dataclass(frozen=True)
class EsoAnswer:
    made_on: date
    date_of_birth: date
    one_year_ends_on: date  # the last day of the year beginning with the day it was made
    compulsory_school_age_ends_on: date
    ends_on: date  # the last day the order is in force, unless extended, discharged or a care order
    ends_early: bool  # ends with compulsory school age before the year is out
    end_reason: str
    extension_possible: bool
    extension_application_from: date | None  # no earlier than 3 months before expiry
    extension_must_be_made_by: date | None  # the court must extend before expiry
    extension_could_run_to: date | None  # one extension: at most 3 years, never past school age
    discharge: str
    consider_before_prosecuting: str
    sources: tuple[Source, ...]


def eso_answer(*, made_on: date, date_of_birth: date) -> EsoAnswer:
    starts = compulsory_school_age_start(date_of_birth)
    school_age_ends = compulsory_school_age_end(date_of_birth)
    if not starts <= made_on <= school_age_ends:
        raise ValueError(
            "--made-on: an ESO can be made only for a child of compulsory school age"
            f" (CA89 s36(3)); this child is of that age from {starts} to {school_age_ends}"
        )
    rules = on(made_on).court_orders
    assert rules is not None
    eso = rules.education_supervision_order
    one_year = last_day_of_period(made_on, eso.duration.amount, eso.duration.unit.value)
    ends_early = school_age_ends < one_year
    ends_on = min(one_year, school_age_ends)
    earliest = eso.extension_application_earliest
    return EsoAnswer(
        made_on=made_on,
        date_of_birth=date_of_birth,
        one_year_ends_on=one_year,
        compulsory_school_age_ends_on=school_age_ends,
        ends_on=ends_on,
        ends_early=ends_early,
        end_reason=(
            "the child ceases to be of compulsory school age" if ends_early else "one year"
        ),
        extension_possible=not ends_early,
        extension_application_from=None if ends_early else add_months(ends_on, -earliest.amount),
        extension_must_be_made_by=None if ends_early else ends_on,
        extension_could_run_to=(
            None
            if ends_early
            else min(add_months(ends_on, 12 * eso.extension.amount), school_age_ends)
        ),
        discharge=eso.discharge.rule,
        consider_before_prosecuting=eso.consider_before_prosecuting.rule,
        sources=(
            Source(eso.duration.citation),
            Source(eso.ends_when_citation),
            Source(earliest.citation),
            Source(eso.extension_before_expiry.citation),
            Source(eso.extension.citation),
            Source(eso.discharge.citation),
            Source(eso.consider_before_prosecuting.citation),
        ),
    )


@dataclass(frozen=True)
class NoticePeriod:
    key: str  # s437_notice, s438_notice_of_intention, s439_school_notice
    title: str
    statutory_period: str
    statutory_ends_on: date
    local_period: str | None
    local_ends_on: date | None
    ends_on: date  # the one that applies: the local period where the profile sets one
    citation: str


@dataclass(frozen=True)
class SaoAnswer:
    served_on: date
    notices: tuple[NoticePeriod, ...]
    school_days: str  # how school days were counted, when a local period uses them
    sources: tuple[Source, ...]


# (key, title, statutory rule attribute)
SAO_STEPS = (
    ("s437_notice", "s437 notice: satisfy the LA of suitable education", "s437_notice_period"),
    (
        "s438_notice_of_intention",
        "s438 notice of intention to serve an SAO",
        "s438_notice_of_intention_period",
    ),
    (
        "s439_school_notice",
        "s439 notice to the school to be named",
        "s439_direction_request_period",
    ),
)


def sao_answer(
    *,
    served_on: date,
    local_periods: Mapping[str, tuple[int, str]] | None = None,
    local_source: str | None = None,
    is_school_day: Callable[[date], bool] = is_working_day,
    school_days: str = "weekdays that are not bank holidays in England",
) -> SaoAnswer:
    """`local_periods` maps a step key to (amount, unit): {"s437_notice": (15, "school_days")}."""
    rules = on(served_on).court_orders
    assert rules is not None
    sao = rules.school_attendance_order
    local_periods = local_periods or {}
    notices = []
    for key, title, attribute in SAO_STEPS:
        duration = getattr(sao, attribute)
        # "beginning with the day of service": the day of service is day 1.
        statutory_end = last_day_of_period(served_on, duration.amount, duration.unit.value)
        bound = "at least " if duration.bound is Bound.AT_LEAST else ""
        local = local_periods.get(key)
        local_end = (
            last_day_of_period(served_on, local[0], local[1], is_school_day=is_school_day)
            if local
            else None
        )
        notices.append(
            NoticePeriod(
                key=key,
                title=title,
                statutory_period=f"{bound}{duration.amount} {duration.unit.value.replace('_', ' ')}"
                " beginning with the day of service",
                statutory_ends_on=statutory_end,
                local_period=f"{local[0]} {local[1].replace('_', ' ')}" if local else None,
                local_ends_on=local_end,
                ends_on=max(statutory_end, local_end) if local_end else statutory_end,
                citation=duration.citation,
            )
        )
    sources = [Source(sao.citation)]
    if local_source:
        sources.append(Source(local_source))
    return SaoAnswer(
        served_on=served_on,
        notices=tuple(notices),
        school_days=school_days,
        sources=tuple(sources),
    )
