"""Penalty-notice amounts, periods and the two-notice limit, as dated data (PNR; WTISA)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, Strict, model_validator

from rollcall.statutory.base import Count, Duration, Era, StatutoryModel, Text, require_date


class Payment(StatutoryModel):
    """Pay `amount_pence` within `within_days` (counted from and including the day of receipt)."""

    amount_pence: Count = Field(gt=0)
    within_days: Count = Field(gt=0)

    @property
    def amount_text(self) -> str:
        pounds, pence = divmod(self.amount_pence, 100)
        return f"£{pounds}" if pence == 0 else f"£{pounds}.{pence:02d}"


class Charge(StatutoryModel):
    """What a notice costs: an optional discounted early rate, then the full rate."""

    discounted: Payment | None = None
    full: Payment
    citation: Text

    @model_validator(mode="after")
    def _discount_is_earlier_and_cheaper(self) -> Self:
        early = self.discounted
        if early is not None and not (
            early.amount_pence < self.full.amount_pence
            and early.within_days < self.full.within_days
        ):
            raise ValueError("the discounted rate must be lower and due earlier than the full rate")
        return self


class LimitReading(StrEnum):
    """How to read 'within 3 years' (PNR as amended by SI 2024/210; WTISA). They differ only on the
    anniversary day.
    """

    # PNR as amended 2024: the period of three years ending with the proposed issue date.
    PERIOD_ENDING_WITH_ISSUE_DATE = "period_ending_with_issue_date"
    # WTISA: no further notice within 3 years of the first notice's issue date (anniversary
    # included).
    WITHIN_THREE_YEARS_OF_FIRST_ISSUE = "within_three_years_of_first_issue"


class EarlierNoticeOutcome(StatutoryModel):
    """One row of the WTISA table of earlier notices that count (LA-CoC Manchester §4.3)."""

    outcome: Text
    counts: Annotated[bool, Strict()]
    verified: Annotated[bool, Strict()] = True
    note: Text | None = None


class NoticeLimit(StatutoryModel):
    """At most `notices` notices to one parent for one pupil in `period_years` (PNR, 2024)."""

    notices: Count = Field(gt=0)
    period_years: Count = Field(gt=0)
    scope: Text
    default_reading: LimitReading
    counting_outcomes: tuple[EarlierNoticeOutcome, ...]
    citation: Text

    def period_start(self, proposed_issue: date, reading: LimitReading | None = None) -> date:
        """First issue date of an earlier notice that counts toward this limit."""
        return limit_period_start(
            proposed_issue, reading or self.default_reading, self.period_years
        )


class DeemedReceipt(StatutoryModel):
    """When a posted notice counts as received (LA-CoC). A profile may choose."""

    default: Duration
    alternatives: tuple[Duration, ...] = ()
    citation: Text


class NoticeToImprovePeriod(StatutoryModel):
    """WTISA: an improvement period between 3 and 6 weeks; each LA fixes one value (LA-CoC)."""

    shortest: Duration
    longest: Duration
    citation: Text


class PenaltyNoticeRules(Era):
    first_notice: Charge  # EA96 s444A; PNR reg 4
    second_notice: Charge  # to the same parent for the same pupil within the limit period
    limit: NoticeLimit | None = None  # no national limit before 19 Aug 2024
    # EIA 2006 s105; never counted in the limit. None before s105 notices began (1 Sep 2007).
    exclusion_notice: Charge | None = None
    deemed_receipt: DeemedReceipt
    notice_to_improve: NoticeToImprovePeriod | None = None
    # False where the figures rest on a secondary source (the regulation text was not seen).
    verified: Annotated[bool, Strict()] = True
    note: Text | None = None


class PenaltyNoticesFile(StatutoryModel):
    penalty_notices: tuple[PenaltyNoticeRules, ...]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def limit_period_start(proposed_issue: date, reading: LimitReading, years: int = 3) -> date:
    """First issue date of an earlier notice that still counts toward the limit.

    An earlier notice to the same parent for the same pupil counts when it was issued on or
    after this date (and on or before `proposed_issue`). The clock runs from issue dates, not
    offence or payment dates (PNR as amended by SI 2024/210; LA-CoC Buckinghamshire).
    """
    require_date(proposed_issue, "proposed_issue")
    same_day_years_before = _years_before(proposed_issue, years)
    if reading is LimitReading.PERIOD_ENDING_WITH_ISSUE_DATE:
        # A period of three years ending with (and including) the issue date starts the day
        # after the same date three years before.
        return same_day_years_before + timedelta(days=1)
    return same_day_years_before
