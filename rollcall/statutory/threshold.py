"""The national threshold for considering a penalty notice (WTISA), as dated data.

This module only describes the rule; counting sessions in rolling windows is the engine's job.
"""

from __future__ import annotations

from pydantic import Field

from rollcall.statutory.base import Count, Era, StatutoryModel, StrictDate, Text


class SchoolWeekRule(StatutoryModel):
    """Which weeks count as school weeks when the 10-week window is measured (WTISA)."""

    definition: Text
    # A week whose every session carries one of these codes is not a school week: `#` by WTISA;
    # Y4 (unexpected whole-school closure) by rollcall's reading, the guidance being silent.
    non_school_week_codes: tuple[Text, ...]
    citation: Text


class Transition(StatutoryModel):
    """The framework's 'clocks reset' on 19 Aug 2024 (ESX 'Transition arrangements')."""

    reset_on: StrictDate
    # rollcall's decision: no window combines sessions from before and after reset_on.
    windows_combine_earlier_sessions: bool
    note: Text
    citation: Text


class ThresholdRules(Era):
    """10 sessions of G/N/O/U within 10 school weeks: the school must *consider* action."""

    sessions: Count = Field(gt=0)
    school_weeks: Count = Field(gt=0)
    codes: tuple[Text, ...] = Field(min_length=1)
    # WTISA: N counts, but only until it is recoded (within 5 school days).
    provisional_codes: tuple[Text, ...] = ()
    provisional_note: Text | None = None
    school_week: SchoolWeekRule
    transition: Transition
    note: Text | None = None


class ThresholdFile(StatutoryModel):
    threshold: tuple[ThresholdRules, ...]
