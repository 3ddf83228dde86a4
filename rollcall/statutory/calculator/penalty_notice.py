"""`rollcall law penalty-notice`: may a notice be issued, what it costs, which earlier notices
count (EA96 s444A; EIA 2006 s105; PNR as amended by SI 2024/210; WTISA).

The limit, read as the regulations read it: no notice where two counting notices were issued to
the same parent for the same child in the period of three years ending with the new notice's
issue date. An issued notice counts unless it was withdrawn or the parent was acquitted; notices
for absence before 19 August 2024 and suspension (s105) notices never count. The era, and so the
amounts, follows the last day of the offence (ADR 0011).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from rollcall.statutory.calculator.common import Source, pounds
from rollcall.statutory.calculator.school_age import within_school_age
from rollcall.statutory.days import add_years
from rollcall.statutory.law import on
from rollcall.statutory.loader import statutory_data
from rollcall.statutory.penalty_notices import Charge, LimitReading, limit_period_start


class Outcome(StrEnum):
    PAID = "paid"
    UNPAID = "unpaid"
    WITHDRAWN = "withdrawn"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    PENDING = "pending"


class NoticeKind(StrEnum):
    ATTENDANCE = "attendance"  # EA96 s444A
    SUSPENSION = "suspension"  # EIA 2006 s105: excluded pupil in a public place


@dataclass(frozen=True)
class EarlierNotice:
    issued_on: date
    outcome: Outcome
    kind: NoticeKind = NoticeKind.ATTENDANCE
    offence_to: date | None = None


@dataclass(frozen=True)
class EarlierNoticeReading:
    issued_on: date
    outcome: Outcome
    kind: NoticeKind
    offence_to: date | None
    counts: bool
    reason: str


@dataclass(frozen=True)
class Amount:
    amount_pence: int
    amount: str
    within_days: int  # from and including the day the notice is received


@dataclass(frozen=True)
class PenaltyNoticeAnswer:
    may_issue: bool
    reasons: tuple[str, ...]  # why not, when may_issue is false
    kind: NoticeKind
    issue_on: date
    offence_from: date
    offence_to: date
    era_from: date  # the era of the offence's last day
    notice_number: int | None  # 1 or 2 within the limit period; None where no limit applies
    discounted: Amount | None  # None for a flat amount
    full: Amount | None
    flat_amount: bool
    counting_notices: int
    limit_period_starts_on: date | None
    may_issue_again_on: date | None  # when the three-year limit next allows a notice
    other_options: tuple[str, ...]
    earlier_notices: tuple[EarlierNoticeReading, ...]
    sources: tuple[Source, ...]


OTHER_OPTIONS = (
    "prosecution under EA96 s444(1) or s444(1A), after considering an ESO (EA96 s447)",
    "an Education Supervision Order (CA89 s36)",
)


def limit_start_date() -> date:
    """The day the two-notice limit began (19 August 2024): earlier absence never counts."""
    return min(era.in_force_from for era in statutory_data().penalty_notices if era.limit)


def _amount(payment_pence: int, within_days: int) -> Amount:
    return Amount(payment_pence, pounds(payment_pence), within_days)


def read_earlier(
    notice: EarlierNotice, period_start: date | None, limit_applies: bool
) -> EarlierNoticeReading:
    """Whether one earlier notice counts toward the limit, and why (the WTISA table; ESX)."""

    def reading(counts: bool, reason: str) -> EarlierNoticeReading:
        return EarlierNoticeReading(
            notice.issued_on, notice.outcome, notice.kind, notice.offence_to, counts, reason
        )

    start = limit_start_date()
    if not limit_applies:
        return reading(False, "the new notice is for absence before 19 August 2024: no limit")
    if notice.kind is NoticeKind.SUSPENSION:
        return reading(False, "suspension (EIA 2006 s105) notices never count")
    if notice.offence_to is not None and notice.offence_to < start:
        return reading(False, "for absence before 19 August 2024 (transition): never counts")
    if notice.offence_to is None and notice.issued_on < start:
        return reading(False, "issued before 19 August 2024, so for earlier absence: never counts")
    if notice.outcome is Outcome.WITHDRAWN:
        return reading(False, "withdrawn: does not count")
    if notice.outcome is Outcome.ACQUITTED:
        return reading(False, "parent acquitted: does not count (inferred from WTISA, unverified)")
    assert period_start is not None
    if notice.issued_on < period_start:
        return reading(False, f"issued before the three-year period began on {period_start}")
    return reading(True, f"issued within the three-year period and {notice.outcome.value}: counts")


def _next_allowed(counting: list[date], notices: int, reading: LimitReading, after: date) -> date:
    """The first day on which fewer than `notices` of these issue dates fall in the period."""
    blocking = sorted(counting)[-notices]  # the last notice that must leave the period
    day = max(after, add_years(blocking, 3) - timedelta(days=3))
    while limit_period_start(day, reading) <= blocking:
        day += timedelta(days=1)
    return day


def penalty_notice_answer(
    *,
    issue_on: date,
    offence_from: date,
    offence_to: date,
    kind: NoticeKind = NoticeKind.ATTENDANCE,
    earlier: tuple[EarlierNotice, ...] = (),
    reading: LimitReading | None = None,
    date_of_birth: date | None = None,
) -> PenaltyNoticeAnswer:
    if offence_from > offence_to:
        raise ValueError("--offence-from is after --offence-to")
    if offence_to > issue_on:
        raise ValueError("--offence-to is after --issue-on: a notice cannot cover future absence")
    for index, notice in enumerate(earlier):
        if notice.issued_on > issue_on:
            raise ValueError(f"earlier[{index}].issued_on ({notice.issued_on}) is after --issue-on")
    rules = on(offence_to).penalty_notices
    assert rules is not None  # every day from 2006-09-01 has an era
    reasons: list[str] = []
    sources = [Source(rules.citation, rules.verified)]
    limit = rules.limit if kind is NoticeKind.ATTENDANCE else None
    period_start = None
    if limit is not None:
        chosen = reading or limit.default_reading
        period_start = limit.period_start(issue_on, chosen)
        sources.append(Source(limit.citation))
    readings = tuple(read_earlier(n, period_start, limit is not None) for n in earlier)
    counting = [r.issued_on for r in readings if r.counts]
    charge: Charge | None
    number = None
    next_allowed = None
    if kind is NoticeKind.SUSPENSION:
        charge = rules.exclusion_notice
        if charge is None:
            reasons.append("suspension notices (EIA 2006 s105) began on 1 September 2007")
    elif limit is None:
        charge = rules.first_notice
    elif len(counting) >= limit.notices:
        charge = None
        reasons.append(
            f"{len(counting)} counting notices were issued in the three years ending with "
            f"{issue_on} (from {period_start}); the limit is {limit.notices}"
        )
        next_allowed = _next_allowed(
            counting, limit.notices, reading or limit.default_reading, issue_on
        )
    else:
        number = len(counting) + 1
        charge = rules.first_notice if number == 1 else rules.second_notice
    if date_of_birth is not None:
        school_age = within_school_age(date_of_birth, offence_from, offence_to)
        if school_age != (offence_from, offence_to):
            remains = (
                f"; of compulsory school age from {school_age[0]} to {school_age[1]}"
                if school_age
                else ""
            )
            reasons.append(
                f"the child was not of compulsory school age throughout the offence{remains}"
                " (EA96 s444A, s8)"
            )
            sources.append(Source("EA96 s8, s444A(1)"))
    may_issue = not reasons
    return PenaltyNoticeAnswer(
        may_issue=may_issue,
        reasons=tuple(reasons),
        kind=kind,
        issue_on=issue_on,
        offence_from=offence_from,
        offence_to=offence_to,
        era_from=rules.in_force_from,
        notice_number=number if may_issue else None,
        discounted=(
            _amount(charge.discounted.amount_pence, charge.discounted.within_days)
            if may_issue and charge and charge.discounted
            else None
        ),
        full=_amount(charge.full.amount_pence, charge.full.within_days)
        if may_issue and charge
        else None,
        flat_amount=bool(may_issue and charge and charge.discounted is None),
        counting_notices=len(counting),
        limit_period_starts_on=period_start,
        may_issue_again_on=next_allowed,
        other_options=() if may_issue else OTHER_OPTIONS,
        earlier_notices=readings,
        sources=tuple(sources) + ((Source(charge.citation),) if may_issue and charge else ()),
    )
