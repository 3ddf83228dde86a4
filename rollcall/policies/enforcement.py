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
    NOTICE_TO_IMPROVE_SCHOOL_WEEKS,
    SCHOOL_ATTENDANCE_ORDER_MIN_DAYS,
    SCHOOL_DAYS_PER_WEEK,
)
from rollcall.policies.periods import Period, PeriodRange
from rollcall.policies.vocabulary import Event
from rollcall.statutory import LimitReading


class NoticeToImprove(Part):
    """The one improvement period the area uses for every Notice to Improve (WTISA)."""

    school_weeks: int
    max_school_days: PositiveInt | None = None
    la_template_required: bool = False
    reason_required_when_not_used: bool = False
    source: Citation

    @field_validator("school_weeks")
    @classmethod
    def _national_range(cls, weeks: int) -> int:
        low, high = NOTICE_TO_IMPROVE_SCHOOL_WEEKS
        if not low <= weeks <= high:
            raise PydanticCustomError(
                "notice_to_improve",
                "must be between {low} and {high} (national range, WTISA), got {got}",
                {"low": low, "high": high, "got": weeks},
            )
        return weeks

    @model_validator(mode="after")
    def _days_fit_weeks(self) -> NoticeToImprove:
        most = self.school_weeks * SCHOOL_DAYS_PER_WEEK
        if self.max_school_days is not None and self.max_school_days > most:
            raise PydanticCustomError(
                "notice_to_improve",
                "max_school_days ({days}) is more than {weeks} school weeks can hold ({most})",
                {"days": self.max_school_days, "weeks": self.school_weeks, "most": most},
            )
        return self

    @property
    def school_days_at_most(self) -> int:
        """The longest the period may run, in school days."""
        if self.max_school_days is not None:
            return self.max_school_days
        return self.school_weeks * SCHOOL_DAYS_PER_WEEK


class DeemedReceipt(Part):
    """When a posted penalty notice counts as received (RULES §4.3, §10.4)."""

    counting: Literal["working_days", "calendar_days"] = "working_days"
    days_after_posting: PositiveInt = 2
    source: Citation


class ThreeYearLimit(Part):
    """How the 'no third notice within three years' bar is read (RULES §4.2, §10.5).

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


class Route(Part):
    # None when the source does not say which court procedure is used.
    procedure: Literal["single_justice_procedure", "magistrates_court_hearing"] | None = None
    authorised_by: Text | None = None
    source: Citation


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
