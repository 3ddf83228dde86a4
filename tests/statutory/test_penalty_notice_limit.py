"""Which earlier notices fall in the 3-year limit period (PNR as amended by SI 2024/210; WTISA)."""

from __future__ import annotations

from datetime import date

import pytest

from rollcall.statutory import LimitReading, limit_period_start, on

REGULATIONS = LimitReading.PERIOD_ENDING_WITH_ISSUE_DATE
WTISA = LimitReading.WITHIN_THREE_YEARS_OF_FIRST_ISSUE


@pytest.mark.parametrize(
    ("proposed_issue", "reading", "earliest_counted"),
    [
        # The readings differ only on the anniversary of the earlier notice.
        (date(2027, 9, 1), REGULATIONS, date(2024, 9, 2)),
        (date(2027, 9, 1), WTISA, date(2024, 9, 1)),
        # 29 Feb has no same day three years earlier.
        (date(2028, 2, 29), REGULATIONS, date(2025, 3, 1)),
        (date(2028, 2, 29), WTISA, date(2025, 2, 28)),
    ],
)
def test_limit_period_start(
    proposed_issue: date, reading: LimitReading, earliest_counted: date
) -> None:
    assert limit_period_start(proposed_issue, reading) == earliest_counted


def test_the_default_reading_is_the_regulations() -> None:
    notices = on(date(2025, 1, 15)).penalty_notices
    assert notices is not None and notices.limit is not None
    assert notices.limit.default_reading is REGULATIONS
    # A notice issued on 1 Sep 2024 no longer counts on its third anniversary.
    assert notices.limit.period_start(date(2027, 9, 1)) > date(2024, 9, 1)
    assert notices.limit.period_start(date(2027, 9, 1), WTISA) == date(2024, 9, 1)
