"""Periods are written as procedures write them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rollcall.policies.periods import Period, PeriodRange


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("6 weeks", 6, "weeks"),
        ("1 week", 1, "weeks"),
        ("20 school days", 20, "school_days"),
        ("2 Working Days", 2, "working_days"),
        ("3 months", 3, "months"),
        ("6 school weeks", 6, "school_weeks"),
    ],
)
def test_it_reads_a_period_from_text(text: str, amount: int, unit: str) -> None:
    period = Period.model_validate(text)

    assert (period.amount, period.unit) == (amount, unit)


def test_it_prints_a_period_back_as_text() -> None:
    assert str(Period.model_validate("1 school day")) == "1 school day"
    assert str(Period.model_validate("14 days")) == "14 days"


@pytest.mark.parametrize("text", ["six weeks", "6 fortnights", "6", "weeks 6", "-2 weeks"])
def test_it_rejects_text_that_is_not_a_period(text: str) -> None:
    with pytest.raises(ValidationError):
        Period.model_validate(text)


def test_it_rejects_a_zero_period() -> None:
    with pytest.raises(ValidationError, match="must be a positive length of time"):
        Period.model_validate("0 days")


def test_fewest_calendar_days_is_a_safe_lower_bound() -> None:
    assert Period.model_validate("15 school days").fewest_calendar_days() == 15
    assert Period.model_validate("2 months").fewest_calendar_days() == 56


def test_a_range_must_run_from_shortest_to_longest() -> None:
    with pytest.raises(ValidationError, match="shortest"):
        PeriodRange.model_validate({"shortest": "8 weeks", "longest": "6 weeks"})
    with pytest.raises(ValidationError, match="same unit"):
        PeriodRange.model_validate({"shortest": "6 weeks", "longest": "2 months"})
