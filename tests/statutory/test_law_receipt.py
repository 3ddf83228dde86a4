"""`rollcall law receipt`: deemed receipt, the 21 and 28 days, and when proceedings may start.

The periods begin with the day of receipt (PNR reg 4 as amended by SI 2024/210); a posted notice
is received on the second working day after posting (LA-CoC Lincolnshire), bank holidays excluded.
"""

from __future__ import annotations

from datetime import date

import pytest

from rollcall.statutory.calculator import DeemedReceiptRule, ServedBy, receipt_answer
from tests.statutory.law_cli import law, law_json


@pytest.mark.parametrize(
    ("served_on", "by", "received", "last_21", "last_28", "proceedings"),
    [
        # Posted on the Thursday before Easter 2025: Good Friday and Easter Monday don't count.
        ("2025-04-17", "post", "2025-04-23", "2025-05-13", "2025-05-20", "2025-05-21"),
        # Posted on 23 Dec 2025: 24 Dec is the first working day, Christmas and Boxing Day and
        # the weekend are not, Monday 29 Dec is the second.
        ("2025-12-23", "post", "2025-12-29", "2026-01-18", "2026-01-25", "2026-01-26"),
        # Posted on the Friday before the early May bank holiday.
        ("2025-05-02", "post", "2025-05-07", "2025-05-27", "2025-06-03", "2025-06-04"),
        # By hand: received that day; day 1 of both periods.
        ("2025-12-23", "hand", "2025-12-23", "2026-01-12", "2026-01-19", "2026-01-20"),
    ],
)
def test_receipt_and_payment_periods(
    served_on: str, by: str, received: str, last_21: str, last_28: str, proceedings: str
) -> None:
    answer = law_json("receipt", "--served-on", served_on, "--by", by)
    assert answer["received_on"] == received
    assert (answer["discount_period_days"], answer["payment_period_days"]) == (21, 28)
    assert answer["discount_period_ends_on"] == last_21
    assert answer["payment_period_ends_on"] == last_28
    assert answer["proceedings_may_start_on"] == proceedings


def test_before_september_2013_the_periods_were_28_and_42_days() -> None:
    answer = law_json("receipt", "--served-on", "2012-10-01")  # a Monday
    assert answer["received_on"] == "2012-10-03"
    assert (answer["discount_period_days"], answer["discount_period_ends_on"]) == (28, "2012-10-30")
    assert (answer["payment_period_days"], answer["payment_period_ends_on"]) == (42, "2012-11-13")
    assert answer["proceedings_may_start_on"] == "2012-11-14"


def test_a_profile_may_count_calendar_days_after_posting() -> None:
    # Plymouth's reading (LA-CoC): two calendar days, bank holidays or not.
    rule = DeemedReceiptRule(counting="calendar_days", days_after_posting=2)
    answer = receipt_answer(served_on=date(2025, 4, 17), served_by=ServedBy.POST, rule=rule)
    assert answer.received_on == date(2025, 4, 19)


def test_the_table_names_each_day() -> None:
    output = law("receipt", "--served-on", "2025-04-17")
    assert "Deemed received           Wednesday 23 April 2025" in output
    assert "Last day of the 21 days   Tuesday 13 May 2025" in output
    assert "Proceedings may start on  Wednesday 21 May 2025" in output
