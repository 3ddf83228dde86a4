"""Local rules for the school's own registers and day-to-day handling."""

from __future__ import annotations

from typing import Literal

from pydantic import PositiveInt, field_validator
from pydantic_core import PydanticCustomError

from rollcall.policies.fields import Citation, Part, Percentage
from rollcall.policies.limits import REGISTER_CLOSES_WITHIN_MINUTES
from rollcall.policies.periods import Period


class RegisterClosing(Part):
    """When the register closes: arrivals before are L, after are U (WTISA)."""

    minutes: PositiveInt
    measured_from: Literal["registration_opens", "session_start"]
    source: Citation

    @field_validator("minutes")
    @classmethod
    def _national_limit(cls, minutes: int) -> int:
        if minutes > REGISTER_CLOSES_WITHIN_MINUTES:
            raise PydanticCustomError(
                "register_closing",
                "must be at most {limit} minutes (WTISA), got {got}",
                {"limit": REGISTER_CLOSES_WITHIN_MINUTES, "got": minutes},
            )
        return minutes


class MedicalEvidence(Part):
    """Evidence the school requires when attendance is low."""

    required_below_pct: Percentage
    applies_to: Literal["appointments", "illness", "appointments_and_illness"]
    source: Citation


class FlexiSchooling(Part):
    """The code for sessions a flexi-schooled pupil spends at home."""

    home_sessions_code: Literal["C", "C2"]
    source: Citation


class NCodeDeadline(Part):
    """Where the 5 school days to replace an N code are counted from.

    ``day_after_mark``: the day after the session coded N is school day 1 (national reading);
    ``mark_day``: the day of the mark itself is school day 1, so the deadline is one school
    day earlier (some LAs count it this way). The number of days is law
    (``rollcall.statutory`` registers ``n_code_correction``), not a local choice.
    """

    counted_from: Literal["day_after_mark", "mark_day"] = "day_after_mark"
    source: Citation

    @property
    def counts_mark_day(self) -> bool:
        return self.counted_from == "mark_day"


class Registers(Part):
    closing: RegisterClosing | None = None
    n_code_deadline: NCodeDeadline | None = None
    medical_evidence: MedicalEvidence | None = None
    flexi_schooling: FlexiSchooling | None = None


class Reintegration(Part):
    """Return after a long absence."""

    phased_return_at_most: Period
    source: Citation
