"""Periods written the way procedures write them: "6 weeks", "20 school days", "3 months"."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PositiveInt, model_validator
from pydantic_core import PydanticCustomError

Unit = Literal["days", "working_days", "school_days", "weeks", "school_weeks", "months"]

_UNITS: dict[str, Unit] = {
    "day": "days",
    "days": "days",
    "working day": "working_days",
    "working days": "working_days",
    "school day": "school_days",
    "school days": "school_days",
    "week": "weeks",
    "weeks": "weeks",
    "school week": "school_weeks",
    "school weeks": "school_weeks",
    "month": "months",
    "months": "months",
}
_TEXT = re.compile(r"^\s*(-?\d+)\s+([a-z ]+?)\s*$")

# The fewest calendar days one unit can span; used to check statutory minimum periods.
_FEWEST_DAYS: dict[Unit, int] = {
    "days": 1,
    "working_days": 1,
    "school_days": 1,
    "weeks": 7,
    "school_weeks": 7,
    "months": 28,
}


class Period(BaseModel):
    """A length of time; in YAML either "6 weeks" or {amount: 6, unit: weeks}."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: PositiveInt
    unit: Unit

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _TEXT.match(value.lower())
        unit = _UNITS.get(match.group(2)) if match else None
        if match is None or unit is None:
            raise PydanticCustomError(
                "period",
                "should be a number and a unit such as '6 weeks', '20 school days', "
                "'10 working days' or '3 months', got {got}",
                {"got": repr(value)},
            )
        amount = int(match.group(1))
        if amount <= 0:
            raise PydanticCustomError(
                "period", "must be a positive length of time, got {got}", {"got": repr(value)}
            )
        return {"amount": amount, "unit": unit}

    def fewest_calendar_days(self) -> int:
        return self.amount * _FEWEST_DAYS[self.unit]

    def __str__(self) -> str:
        words = self.unit.replace("_", " ")
        if self.amount == 1:
            words = words.removesuffix("s")
        return f"{self.amount} {words}"


class PeriodRange(BaseModel):
    """A span such as "6 to 8 weeks": {shortest: 6 weeks, longest: 8 weeks}."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shortest: Period
    longest: Period

    @model_validator(mode="after")
    def _ordered(self) -> PeriodRange:
        if self.shortest.unit != self.longest.unit:
            raise PydanticCustomError(
                "period_range", "shortest and longest must use the same unit", {}
            )
        if self.shortest.amount > self.longest.amount:
            raise PydanticCustomError(
                "period_range",
                "shortest ({shortest}) is longer than longest ({longest})",
                {"shortest": str(self.shortest), "longest": str(self.longest)},
            )
        return self
