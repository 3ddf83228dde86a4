"""Persistent and severe absence as DfE statistics define them, as dated data.

A pupil is persistently absent when their absence is at least `persistent_percent` of their
possible sessions, severely absent at `severe_percent` (DFE-STATS). The comparison is made in
whole numbers (100 x absent >= percent x possible), so a pupil at exactly 10 % is caught without
floating-point doubt; the same expression serves a single pupil's counts and a numpy array of
them.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import Field, Strict, model_validator

from rollcall.statutory.base import Era, StatutoryModel, Text

Percent = Annotated[int, Strict(), Field(gt=0, le=100)]


class AbsenceMeasures(Era):
    persistent_percent: Percent
    severe_percent: Percent
    note: Text | None = None

    @model_validator(mode="after")
    def _severe_is_the_higher(self) -> Self:
        if self.severe_percent <= self.persistent_percent:
            raise ValueError("severe_percent must be higher than persistent_percent")
        return self

    def persistent(self, *, absent: Any, possible: Any) -> Any:
        """Whether absence reaches the persistent share (a bool, or an array of them)."""
        return (possible > 0) & (100 * absent >= self.persistent_percent * possible)

    def severe(self, *, absent: Any, possible: Any) -> Any:
        """Whether absence reaches the severe share (a bool, or an array of them)."""
        return (possible > 0) & (100 * absent >= self.severe_percent * possible)


class AbsenceFile(StatutoryModel):
    absence_measures: tuple[AbsenceMeasures, ...]
