"""Attendance and absence codes: the shape of one code's meaning during one era.

The same letter has meant different things in different years (J was an approved educational
activity until 18 Aug 2024; X meant Covid absence from Sep 2020 to Mar 2022), so a code is only
meaningful together with a date. REG24 reg 10; REG06; DfE code guidance 2009 and 2016.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import Field, Strict, model_validator

from rollcall.statutory.base import (
    StatutoryModel,
    StrictDate,
    Text,
    check_dates_in_order,
    is_in_force,
)


class Category(StrEnum):
    """How DfE statistics treat a session with this code (DFE-STATS)."""

    PRESENT = "present"
    AEA = "aea"  # approved educational activity: counts as attendance
    AUTHORISED = "authorised"
    UNAUTHORISED = "unauthorised"
    NOT_COUNTED = "not_counted"  # not a possible session

    @property
    def label(self) -> str:
        """The category as a person reads it."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    Category.PRESENT: "Present",
    Category.AEA: "Approved educational activity",
    Category.AUTHORISED: "Authorised absence",
    Category.UNAUTHORISED: "Unauthorised absence",
    Category.NOT_COUNTED: "Not counted",
}


class RegisterTable(StrEnum):
    """Where the code sits in REG24 reg 10 (pre-2024 codes: the nearest modern table)."""

    PRESENT = "present"  # Table 1
    APPROVED_ACTIVITY = "approved_activity"  # Table 2
    LEAVE_OF_ABSENCE = "leave_of_absence"  # Table 3, leave granted
    OTHER_AUTHORISED = "other_authorised"  # Table 3, other authorised reasons
    UNABLE_TO_ATTEND = "unable_to_attend"  # Table 3, cannot attend
    UNAUTHORISED = "unauthorised"  # Table 3, unauthorised
    ADMINISTRATIVE = "administrative"  # Z and #


CodeText = Annotated[str, Strict(), Field(min_length=1, max_length=2, pattern=r"^[A-Z0-9/\\#]+$")]


class AttendanceCode(StatutoryModel):
    """One meaning of one code, in force between two dates."""

    code: CodeText
    meaning: Text  # what a teacher reads in the register
    description: Text
    register_table: RegisterTable
    category: Category
    counts_for_threshold: Annotated[bool, Strict()]
    in_force_from: StrictDate = Field(alias="from")
    in_force_to: StrictDate | None = Field(default=None, alias="to")
    citation: Text
    # Whether the code may be recorded only for a pupil of compulsory school age (true), only for
    # one who is not (false), or for any pupil (absent: the default).
    of_compulsory_school_age: Annotated[bool, Strict()] | None = None
    # A meaning that has an end date is one no longer in force (the instrument that set it was
    # revoked or amended). Derived, so the data file cannot contradict itself.
    legacy: Annotated[bool, Strict()]

    @model_validator(mode="before")
    @classmethod
    def _derive_legacy(cls, data: Any) -> Any:
        if isinstance(data, dict) and "legacy" not in data:
            end = data.get("to", data.get("in_force_to"))
            return {**data, "legacy": end is not None}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_dates_in_order(self.in_force_from, self.in_force_to)
        if self.legacy != (self.in_force_to is not None):
            raise ValueError("'legacy' must be true exactly when the entry has a 'to' date")
        if self.counts_for_threshold and self.category is not Category.UNAUTHORISED:
            # WTISA national framework: authorised absence never counts toward the threshold.
            raise ValueError("only unauthorised codes can count toward the threshold")
        return self

    @property
    def is_possible(self) -> bool:
        """A possible session: in the denominator of attendance figures (DFE-STATS)."""
        return self.category is not Category.NOT_COUNTED

    @property
    def is_attendance(self) -> bool:
        """Present or approved educational activity: counts as attending (DFE-STATS)."""
        return self.category in (Category.PRESENT, Category.AEA)

    def in_force_on(self, on: date) -> bool:
        return is_in_force(self.in_force_from, self.in_force_to, on)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, in the field order a reader expects."""
        return {
            "code": self.code,
            "meaning": self.meaning,
            "description": self.description,
            "register_table": self.register_table.value,
            "category": self.category.value,
            "counts_for_threshold": self.counts_for_threshold,
            "is_possible": self.is_possible,
            "is_attendance": self.is_attendance,
            "in_force_from": self.in_force_from.isoformat(),
            "in_force_to": self.in_force_to.isoformat() if self.in_force_to else None,
            "citation": self.citation,
            "legacy": self.legacy,
        }


class CodesFile(StatutoryModel):
    codes: tuple[AttendanceCode, ...]
