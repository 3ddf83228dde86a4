"""`rollcall law receipt`: when a penalty notice is received, and the clocks that follow.

PNR reg 4 as amended: the 21 and 28 days are periods "beginning with the date on which the
notice is received" (SI 2024/210 reg 4), so the day of receipt is day 1. Proceedings may not
start until the payment period has ended (PNR reg 7). A posted notice is deemed received on the
second working day after posting unless the profile chooses calendar days (LA-CoC: Lincolnshire's
second working day, Plymouth's two calendar days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from rollcall.statutory.calculator.common import Source
from rollcall.statutory.days import is_working_day, nth_day_after
from rollcall.statutory.errors import BeforeStatutoryData
from rollcall.statutory.law import on

Counting = Literal["working_days", "calendar_days"]


class ServedBy(StrEnum):
    POST = "post"
    HAND = "hand"


@dataclass(frozen=True)
class DeemedReceiptRule:
    counting: Counting = "working_days"
    days_after_posting: int = 2
    source: str = "LA-CoC (Lincolnshire: the second working day after posting; rollcall's default)"


@dataclass(frozen=True)
class ReceiptAnswer:
    served_on: date
    served_by: ServedBy
    received_on: date
    discount_period_days: int | None  # 21 from 1 Sep 2013 (28 before)
    discount_period_ends_on: date | None
    payment_period_days: int  # 28 from 1 Sep 2013 (42 before)
    payment_period_ends_on: date
    proceedings_may_start_on: date
    deemed_receipt_rule: str
    sources: tuple[Source, ...]


def deemed_receipt(served_on: date, served_by: ServedBy, rule: DeemedReceiptRule) -> date:
    """The day a notice counts as received: the day itself by hand; after posting, the n-th
    working (or calendar) day after the day of posting."""
    if served_by is ServedBy.HAND:
        return served_on
    if rule.counting == "calendar_days":
        return served_on + timedelta(days=rule.days_after_posting)
    return nth_day_after(served_on, rule.days_after_posting, is_working_day)


def receipt_answer(
    *, served_on: date, served_by: ServedBy, rule: DeemedReceiptRule | None = None
) -> ReceiptAnswer:
    rule = rule or DeemedReceiptRule()
    received = deemed_receipt(served_on, served_by, rule)
    notices = on(served_on).penalty_notices
    if notices is None:  # pragma: no cover - every day from 2006-09-01 has an era
        raise BeforeStatutoryData(served_on, served_on)
    charge = notices.first_notice
    # "beginning with the date on which the notice is received": day 1 is the day of receipt.
    discount_days = charge.discounted.within_days if charge.discounted else None
    discount_ends = received + timedelta(days=discount_days - 1) if discount_days else None
    payment_ends = received + timedelta(days=charge.full.within_days - 1)
    if served_by is ServedBy.HAND:
        rule_text = "served by hand: received the same day"
    else:
        unit = "working" if rule.counting == "working_days" else "calendar"
        rule_text = (
            f"posted: received on the {_ordinal(rule.days_after_posting)} {unit} day after posting"
        )
    return ReceiptAnswer(
        served_on=served_on,
        served_by=served_by,
        received_on=received,
        discount_period_days=discount_days,
        discount_period_ends_on=discount_ends,
        payment_period_days=charge.full.within_days,
        payment_period_ends_on=payment_ends,
        proceedings_may_start_on=payment_ends + timedelta(days=1),
        deemed_receipt_rule=rule_text,
        sources=(
            Source(rule.source),
            Source(charge.citation, notices.verified),
            Source("PNR reg 7 (no proceedings before the payment period ends)"),
        ),
    )


def _ordinal(number: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")
    return f"{number}{suffix}"
