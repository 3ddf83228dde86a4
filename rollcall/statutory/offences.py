"""The school-attendance offences, as dated data: what must be proved, the defences, the most a
court may impose (EA96 s443, s444; CA89 Sch 3 para 18).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from rollcall.statutory.base import Count, Era, StatutoryModel, Text


class MaximumSentence(StatutoryModel):
    """The most a magistrates' court may impose on summary conviction."""

    fine_level: Annotated[int, Strict(), Field(ge=1, le=5)]  # the standard scale
    fine_pence: Count  # the level's amount on the standard scale
    imprisonment_months: Count | None = None
    fine_and_imprisonment: Annotated[bool, Strict()] = False
    citation: Text


class Offence(StatutoryModel):
    key: Text
    section: Text
    summary: Text
    elements: tuple[Text, ...] = Field(min_length=1)  # what the prosecution must prove
    strict_liability: Annotated[bool, Strict()]
    defences: tuple[Text, ...] = ()  # keys in defences.yaml, or a defence stated here
    maximum: MaximumSentence
    warrant_possible: Annotated[bool, Strict()] = False
    note: Text | None = None
    citation: Text


class OffenceRules(Era):
    offences: tuple[Offence, ...]


class OffencesFile(StatutoryModel):
    offences: tuple[OffenceRules, ...]
