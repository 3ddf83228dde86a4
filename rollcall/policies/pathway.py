"""The staged pathway: stages, what triggers them, reviews, Fast Track and panels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import PositiveInt, field_validator, model_validator
from pydantic_core import PydanticCustomError

from rollcall.policies.fields import Citation, Key, NamedMap, Part, Percentage, Text
from rollcall.policies.limits import THRESHOLD_CODES
from rollcall.policies.periods import Period
from rollcall.policies.vocabulary import Action, Outcome

ThresholdCode = Literal["G", "N", "O", "U"]
Lead = Literal["school", "school_with_partners", "local_authority", "partners"]


class AttendanceBand(Part):
    """The attendance range a stage is meant for, e.g. Hackney's prevention band 93-100 %."""

    at_least_pct: Percentage
    up_to_pct: Percentage = 100

    @model_validator(mode="after")
    def _ordered(self) -> AttendanceBand:
        if self.at_least_pct >= self.up_to_pct:
            raise PydanticCustomError(
                "band",
                "at_least_pct ({low}) must be below up_to_pct ({high})",
                {"low": f"{self.at_least_pct:g}", "high": f"{self.up_to_pct:g}"},
            )
        return self


class Stage(Part):
    key: Key
    name: Text
    description: Text
    led_by: Lead | None = None
    # Any one of these moves a case into the stage: an event word or an attendance trigger key.
    entry_triggers: tuple[Key, ...] = ()
    attendance_band: AttendanceBand | None = None
    # What must have been done (and be on file) before the case moves on from this stage.
    required_before_next: Mapping[Key, Text] = {}
    source: Citation


class ThresholdRule(Part):
    """Which unauthorised codes the area counts towards the penalty-notice threshold."""

    codes: tuple[ThresholdCode, ...]
    source: Citation

    @field_validator("codes")
    @classmethod
    def _distinct(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        if not codes:
            raise PydanticCustomError("codes", "list at least one code", {})
        if len(set(codes)) != len(codes):
            raise PydanticCustomError("codes", "each code may be listed once", {})
        return tuple(code for code in THRESHOLD_CODES if code in codes)


class HolidayVariant(Part):
    """A stricter local rule for term-time holiday notices (Essex: 10 consecutive G)."""

    code: Literal["G"] = "G"
    sessions: PositiveInt
    consecutive: bool
    source: Citation


Measure = Literal["year_to_date", "rolling_school_weeks", "year_to_date_with_count_back"]


class AttendanceTrigger(Part):
    """Attendance falling below a percentage, and what the school then does.

    ``measure`` says over which sessions the percentage is taken:
    - ``year_to_date``: this school year so far;
    - ``rolling_school_weeks``: always the last ``school_weeks`` school weeks;
    - ``year_to_date_with_count_back``: this school year so far, but while fewer than
      ``school_weeks`` school weeks of the year have passed, the last ``school_weeks``
      school weeks (reaching into the previous year when ``crosses_academic_years``).

    ``falling_over_school_weeks``: the trigger also needs the percentage to be lower than it
    was that many school weeks earlier (attendance still declining).

    Where a seed's words need reading before they become a rule ("continues to decline over
    a period of time"), ``quote`` holds the words and ``reading`` how the profile reads them.
    """

    key: Key
    label: Text
    below_pct: Percentage
    measure: Measure = "year_to_date"
    school_weeks: PositiveInt | None = None
    crosses_academic_years: bool = False
    falling_over_school_weeks: PositiveInt | None = None
    at_discretion: bool = False
    stage: Key | None = None
    letter: Key | None = None
    actions: tuple[Action, ...] = ()
    quote: Text | None = None
    reading: Text | None = None
    source: Citation

    @model_validator(mode="after")
    def _look_back(self) -> AttendanceTrigger:
        if self.measure != "year_to_date" and self.school_weeks is None:
            raise PydanticCustomError(
                "trigger",
                "school_weeks is needed when measure is {measure}",
                {"measure": self.measure},
            )
        if self.measure == "year_to_date" and (
            self.school_weeks is not None or self.crosses_academic_years
        ):
            raise PydanticCustomError(
                "trigger",
                "school_weeks and crosses_academic_years only apply when measure is "
                "rolling_school_weeks or year_to_date_with_count_back",
                {},
            )
        if self.reading is not None and self.quote is None:
            raise PydanticCustomError(
                "trigger", "a reading needs the quote it reads (add quote: the seed's words)", {}
            )
        return self


class Triggers(Part):
    threshold: ThresholdRule
    holiday: HolidayVariant | None = None
    attendance: NamedMap[AttendanceTrigger] = {}


class Review(Part):
    """When something agreed with a family is reviewed, counted from the day it starts."""

    key: Key
    label: Text
    subject: Literal[
        "attendance_plan", "attendance_contract", "panel_targets", "education_supervision_order"
    ]
    at: tuple[Period, ...]
    source: Citation

    @field_validator("at")
    @classmethod
    def _some(cls, at: tuple[Period, ...]) -> tuple[Period, ...]:
        if not at:
            raise PydanticCustomError("review", "list at least one review point", {})
        return at


class FastTrackStep(Part):
    key: Key
    name: Text
    description: Text
    letter: Key | None = None


class FastTrack(Part):
    """A time-boxed local route to a panel or notice (Leeds/Bramley Fast Track)."""

    monitoring_period: Period
    final_period: Period
    only_evidenced_illness_authorised: bool
    on_early_end_stage: Key | None = None
    steps: tuple[FastTrackStep, ...]
    source: Citation


class Panel(Part):
    """A formal attendance meeting run by the school, cluster or LA."""

    key: Key
    name: Text
    convened_by: Literal["school", "cluster", "local_authority"]
    chaired_by: Text | None = None
    stage: Key
    invitation_letter: Key | None = None
    goes_ahead_without_parents: bool = False
    # Since August 2024 an attendance contract is agreed with the parent at the meeting; it
    # is never drawn up in their absence and posted (WTISA; ESX 'Action Plans/Parenting
    # Contracts'). So a panel either agrees none, or agrees one only when a parent attends.
    attendance_contract: Literal["not_agreed", "when_a_parent_attends"] = "not_agreed"
    # The categories a referral to the panel must name at least one of (SEF §6.4); without
    # them a referral gives only its reason.
    referral_criteria: Mapping[Key, Text] = {}
    # Who is expected to sit on the panel; the record of each sitting names who did.
    members: tuple[Text, ...] = ()
    # How long before the panel each parent is invited (SEF §6.8: about 10 days). A later
    # invitation is recorded only with the reason it went late.
    invitation_notice: Period | None = None
    # A child looked after by the LA but placed with parents: the social worker is invited
    # with the parents (LEE 'Stage 3').
    invite_social_worker_when_looked_after: bool = False
    # How many times the panel may sit on one referral: Leeds holds a second panel when the
    # first one's recommendations are not followed (LEE 'Stage 1a', 'Stage 3').
    sittings: PositiveInt = 1
    outcomes: tuple[Outcome, ...] = ()
    source: Citation


__all__ = [
    "AttendanceBand",
    "AttendanceTrigger",
    "FastTrack",
    "FastTrackStep",
    "HolidayVariant",
    "Measure",
    "Panel",
    "Review",
    "Stage",
    "ThresholdRule",
    "Triggers",
]
