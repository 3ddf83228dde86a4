"""Building blocks shared by every statutory data file.

Every value rollcall holds about the law is dated (`from`, optional `to`, both inclusive) and
carries a citation. The models here are strict on purpose: a typo in a data file must stop the
program with a message naming the file and the key, never turn into a silently different rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Protocol, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

# YAML turns `2024-08-19` into a date. Strict dates refuse integers (which lax mode would read as
# Unix timestamps) and date-times, so a mistyped date cannot become a different day.
StrictDate = Annotated[date, Strict()]
Text = Annotated[str, Strict(), Field(min_length=1)]
Count = Annotated[int, Strict(), Field(ge=0)]


class StatutoryModel(BaseModel):
    """Frozen, no unknown keys: a misspelt key in a data file is an error, not ignored."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
    )


class Era(StatutoryModel):
    """A set of values in force from `in_force_from` to `in_force_to` (inclusive; None = open)."""

    in_force_from: StrictDate = Field(alias="from")
    in_force_to: StrictDate | None = Field(default=None, alias="to")
    citation: Text

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        check_dates_in_order(self.in_force_from, self.in_force_to)
        return self

    def in_force_on(self, on: date) -> bool:
        return is_in_force(self.in_force_from, self.in_force_to, on)


class Dated(Protocol):
    @property
    def in_force_from(self) -> date: ...

    @property
    def in_force_to(self) -> date | None: ...


DatedT = TypeVar("DatedT", bound=Dated)


def check_dates_in_order(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise ValueError(f"'to' ({end}) is before 'from' ({start})")


def is_in_force(start: date, end: date | None, on: date) -> bool:
    return start <= on and (end is None or on <= end)


def in_force_on(eras: Sequence[DatedT], on: date) -> DatedT | None:
    """The one era in force on a date, or None. Eras never overlap (checked when loading)."""
    for era in eras:
        if is_in_force(era.in_force_from, era.in_force_to, on):
            return era
    return None


def require_date(value: object, name: str = "date") -> date:
    """Rule code takes plain dates: a datetime would hide a time-zone decision."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, got {value!r}")
    return value


class TimeUnit(StrEnum):
    MINUTES = "minutes"
    DAYS = "days"
    SCHOOL_DAYS = "school_days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    SCHOOL_WEEKS = "school_weeks"
    MONTHS = "months"
    YEARS = "years"


class Bound(StrEnum):
    """Whether the law fixes a period exactly or only sets a limit on it."""

    EXACTLY = "exactly"
    AT_MOST = "at_most"
    AT_LEAST = "at_least"


class Duration(StatutoryModel):
    """A period set by law, e.g. '15 days beginning with the day of service'."""

    amount: Count
    unit: TimeUnit
    bound: Bound = Bound.EXACTLY
    counting: Text | None = None
    note: Text | None = None
    citation: Text

    def __str__(self) -> str:
        qualifier = {Bound.EXACTLY: "", Bound.AT_MOST: "at most ", Bound.AT_LEAST: "at least "}
        unit = self.unit.value.replace("_", " ")
        if self.amount == 1:
            unit = unit.removesuffix("s")
        text = f"{qualifier[self.bound]}{self.amount} {unit}"
        return f"{text} {self.counting}" if self.counting else text
