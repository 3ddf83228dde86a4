"""Local choices on the legal end of the pathway.

Only what the law leaves to the area: the amounts, limits and periods fixed by law
are in ``rollcall.statutory``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

from pydantic import PositiveInt, field_validator, model_validator
from pydantic_core import PydanticCustomError

from rollcall.policies.fields import Citation, Key, NamedMap, Part, Text
from rollcall.policies.limits import (
    NOTICE_TO_IMPROVE_UNITS,
    NOTICE_TO_IMPROVE_WEEKS,
    SCHOOL_ATTENDANCE_ORDER_MIN_DAYS,
    SCHOOL_DAYS_PER_WEEK,
)
from rollcall.policies.periods import Period, PeriodRange
from rollcall.policies.vocabulary import Event
from rollcall.statutory import LimitReading
from rollcall.statutory.calculator.receipt import DeemedReceiptRule


class NoticeToImprove(Part):
    """The one improvement period the area uses for every Notice to Improve (WTISA).

    ``period`` is "6 school weeks" (weeks with sessions; holidays do not count) or
    "6 weeks" (calendar weeks), between 3 and 6.
    """

    period: Period
    max_school_days: PositiveInt | None = None
    la_template_required: bool = False
    reason_required_when_not_used: bool = False
    source: Citation

    @field_validator("period")
    @classmethod
    def _national_range(cls, period: Period) -> Period:
        if period.unit not in NOTICE_TO_IMPROVE_UNITS:
            raise PydanticCustomError(
                "notice_to_improve",
                "must be in school weeks or weeks (WTISA), got {got}",
                {"got": repr(str(period))},
            )
        low, high = NOTICE_TO_IMPROVE_WEEKS
        if not low <= period.amount <= high:
            raise PydanticCustomError(
                "notice_to_improve",
                "must be between {low} and {high} weeks (national range, WTISA), got {got}",
                {"low": low, "high": high, "got": repr(str(period))},
            )
        return period

    @model_validator(mode="after")
    def _days_fit_weeks(self) -> NoticeToImprove:
        most = self.period.amount * SCHOOL_DAYS_PER_WEEK
        if self.max_school_days is not None and self.max_school_days > most:
            raise PydanticCustomError(
                "notice_to_improve",
                "max_school_days ({days}) is more than {period} can hold ({most})",
                {"days": self.max_school_days, "period": str(self.period), "most": most},
            )
        return self

    @property
    def in_school_weeks(self) -> bool:
        """True when holidays do not count towards the period."""
        return self.period.unit == "school_weeks"

    @property
    def school_days_at_most(self) -> int:
        """The longest the period may run, in school days."""
        if self.max_school_days is not None:
            return self.max_school_days
        return self.period.amount * SCHOOL_DAYS_PER_WEEK


class DeemedReceipt(Part):
    """When a posted penalty notice counts as received (LA-CoC: Lincolnshire, Plymouth)."""

    counting: Literal["working_days", "calendar_days"] = "working_days"
    days_after_posting: PositiveInt = 2
    source: Citation

    def rule(self) -> DeemedReceiptRule:
        """The rule as the statutory receipt calculator takes it (`rollcall law receipt`, and
        letters posted to parents)."""
        return DeemedReceiptRule(self.counting, self.days_after_posting, self.source)


class ThreeYearLimit(Part):
    """How the 'no third notice within three years' bar is read (PNR as amended; WTISA).

    ``regulations``: two notices already issued in the three years ending on the
    proposed issue date. ``guidance``: three years running from the first notice's
    issue date.
    """

    reading: Literal["regulations", "guidance"]
    source: Citation

    @property
    def statutory_reading(self) -> LimitReading:
        """The same choice in ``rollcall.statutory`` terms, for ``limit_period_start``."""
        if self.reading == "regulations":
            return LimitReading.PERIOD_ENDING_WITH_ISSUE_DATE
        return LimitReading.WITHIN_THREE_YEARS_OF_FIRST_ISSUE


class LaAgreement(Part):
    """The LA must agree before a school (or its accredited company) issues a notice."""

    required_from: date
    source: Citation


class LocalCap(Part):
    """A local limit on notices, on top of the national two-notice limit."""

    key: Key
    label: Text
    notice_type: Literal["exclusion_public_place", "irregular_attendance", "term_time_holiday"]
    max_notices: PositiveInt
    per: Literal["parent_per_child"] = "parent_per_child"
    within: Period
    source: Citation


class Withdrawal(Part):
    agreed_by: Text
    source: Citation


class PenaltyNotices(Part):
    deemed_receipt: DeemedReceipt
    three_year_limit: ThreeYearLimit
    la_agreement_before_issue: LaAgreement | None = None
    local_caps: NamedMap[LocalCap] = {}
    withdrawal: Withdrawal | None = None


Procedure = Literal["single_justice_procedure", "magistrates_court_hearing"]
# s444(1): failure to attend regularly; s444(1A): the parent knew and failed to act (EA96).
Offence = Literal["s444_1", "s444_1a"]
# Offences that carry imprisonment: s444(1A), up to 3 months (EA96 s444(8A)).
IMPRISONABLE: frozenset[str] = frozenset({"s444_1a"})


class Route(Part):
    """How a prosecution reaches court, offence by offence; an offence not listed: the
    source does not say."""

    procedures: Mapping[Offence, Procedure] = {}
    authorised_by: Text | None = None
    note: Text | None = None
    source: Citation

    @field_validator("procedures")
    @classmethod
    def _single_justice_only_without_prison(
        cls, procedures: Mapping[str, str]
    ) -> Mapping[str, str]:
        for offence, procedure in procedures.items():
            if procedure == "single_justice_procedure" and offence in IMPRISONABLE:
                raise PydanticCustomError(
                    "route",
                    "{offence}: the Single Justice Procedure is only for offences not "
                    "punishable with imprisonment (MCA 1980 s16A(1)(b)); s444(1A) carries up "
                    "to 3 months (EA96 s444(8A)): use magistrates_court_hearing",
                    {"offence": offence},
                )
        return procedures

    def procedure_for(self, offence: Offence) -> Procedure | None:
        return self.procedures.get(offence)


class PaceWarning(Part):
    """A PACE warning letter/questionnaire goes to parents before any prosecution decision."""

    letter: Key
    source: Citation


class TimeLimit(Part):
    """Where the 6-month limit for laying an information is counted from (MCA80 s127)."""

    counted_from: Literal["offence", "first_unauthorised_absence"]
    source: Citation


class CaseLaid(Part):
    after: Event
    within: PeriodRange
    source: Citation


class InterviewUnderCaution(Part):
    exceptional_only: bool
    officers_present: PositiveInt | None = None
    source: Citation


class Checklist(Part):
    items: Mapping[Key, Text]
    source: Citation


class Prosecution(Part):
    time_limit: TimeLimit
    route: Route | None = None
    pace_warning: PaceWarning | None = None
    case_laid: CaseLaid | None = None
    interview_under_caution: InterviewUnderCaution | None = None
    evidence_required: Checklist | None = None


class EducationSupervisionOrders(Part):
    """Local ESO practice; the order's length and extension rules are statutory (CA89)."""

    planning_meeting: bool
    supervisor_contact_every: Period
    extension_decision_at: Period
    consult_home_la_when_cross_border: bool
    source: Citation


class SchoolAttendanceOrders(Part):
    """Local SAO steps; each period must give at least the 15 days EA96 s437-s439 allow."""

    evidence_period: Period
    school_response_period: Period
    intention_period: Period
    home_visit_in_intention_period: bool
    school_named_by: Text
    source: Citation

    @field_validator("evidence_period", "school_response_period", "intention_period")
    @classmethod
    def _statutory_minimum(cls, period: Period) -> Period:
        if period.fewest_calendar_days() < SCHOOL_ATTENDANCE_ORDER_MIN_DAYS:
            raise PydanticCustomError(
                "school_attendance_order",
                "must be at least {least} days (EA96 s437-s439), got {got}",
                {"least": SCHOOL_ATTENDANCE_ORDER_MIN_DAYS, "got": str(period)},
            )
        return period
