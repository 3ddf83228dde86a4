"""The national bounds used to validate profiles agree with rollcall.statutory."""

from __future__ import annotations

from datetime import date

from rollcall.policies import load_profile
from rollcall.policies.limits import (
    NOTICE_TO_IMPROVE_WEEKS,
    REGISTER_CLOSES_WITHIN_MINUTES,
    SCHOOL_ATTENDANCE_ORDER_MIN_DAYS,
    THRESHOLD_CODES,
)
from rollcall.statutory import LimitReading, limit_period_start, on

FRAMEWORK_START = date(2024, 8, 19)


def test_notice_to_improve_range_is_the_statutory_one() -> None:
    period = on(FRAMEWORK_START).penalty_notices.notice_to_improve
    assert period is not None

    assert (period.shortest.amount, period.longest.amount) == NOTICE_TO_IMPROVE_WEEKS


def test_register_closing_limit_is_the_statutory_one() -> None:
    registers = on(FRAMEWORK_START).registers
    assert registers is not None

    assert registers.register_closing_limit.amount == REGISTER_CLOSES_WITHIN_MINUTES


def test_school_attendance_order_minimum_is_the_statutory_one() -> None:
    orders = on(FRAMEWORK_START).court_orders.school_attendance_order

    assert orders.s437_notice_period.amount == SCHOOL_ATTENDANCE_ORDER_MIN_DAYS


def test_threshold_codes_are_the_statutory_ones() -> None:
    threshold = on(FRAMEWORK_START).threshold
    assert threshold is not None

    assert tuple(threshold.codes) == THRESHOLD_CODES
    assert load_profile("national").threshold_codes == THRESHOLD_CODES


def test_the_national_three_year_reading_drives_the_statutory_limit() -> None:
    reading = load_profile("national").penalty_notices.three_year_limit.statutory_reading

    assert reading is LimitReading.PERIOD_ENDING_WITH_ISSUE_DATE
    # A notice issued on the anniversary of the first no longer counts under this reading.
    assert limit_period_start(date(2027, 9, 1), reading) == date(2024, 9, 2)
