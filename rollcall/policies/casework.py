"""How an area runs its cases: which triggers open one, where a case starts, the work each
stage expects and when the LA takes a case over.

The stages themselves (names, order, entry triggers, what must be held before moving on) are
the profile's ``stages``; this part says what happens to a child's case at each of them. A
stage's work is a list replaced whole by a child profile (its stages differ), while
``triggers`` merges key by key, so a local profile can change what one trigger does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, PositiveInt, field_validator
from pydantic_core import PydanticCustomError

from rollcall.policies.fields import Citation, Key, Part, Text
from rollcall.policies.periods import Period

# The triggers the nightly sweep raises, by the kind its worklist items carry. A profile's
# own attendance triggers are written "attendance:KEY".
SWEEP_TRIGGERS = (
    "national_threshold",
    "local_threshold",
    "holiday_variant",
    "continuous_absence",
    "persistent_absence",
    "severe_absence",
)
_ATTENDANCE = re.compile(r"^attendance:[a-z][a-z0-9_]*$")

OnTrigger = Literal["open", "propose"]


def _check_trigger(value: str) -> str:
    if value in SWEEP_TRIGGERS or _ATTENDANCE.match(value):
        return value
    raise PydanticCustomError(
        "trigger",
        "should be one of {known} or 'attendance:KEY' for one of the profile's attendance "
        "triggers, got {got}",
        {"known": ", ".join(SWEEP_TRIGGERS), "got": repr(value)},
    )


TriggerKind = Annotated[str, AfterValidator(_check_trigger)]


class ExpectedAction(Part):
    """Something a stage expects to be done, which becomes a dated task on the case.

    ``due`` is counted from the day the case enters the stage; without it the task has no
    date (the seed sets none) and waits at the top of the case until done.
    """

    key: Key
    label: Text
    due: Period | None = None
    source: Citation


class StageWork(Part):
    """The work one stage expects: its actions and how often the case is reviewed."""

    stage: Key
    review_every: Period | None = None
    review_source: Citation | None = None
    actions: tuple[ExpectedAction, ...] = ()

    @field_validator("actions")
    @classmethod
    def _distinct(cls, actions: tuple[ExpectedAction, ...]) -> tuple[ExpectedAction, ...]:
        keys = [action.key for action in actions]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise PydanticCustomError(
                "actions", "each action key may be used once, repeated: {keys}", {"keys": repeated}
            )
        return actions


class Transfer(Part):
    """The LA taking over a school's case (Leeds stage 4, Hackney's referral to stage 3)."""

    # Moving a case into this stage hands it to the local authority.
    to_local_authority_at: Key
    # The school keeps adding its own entries after the transfer (Hackney's schools stay
    # involved); otherwise it keeps reading the case but the LA writes it.
    school_keeps_working: bool
    source: Citation


class HomeVisits(Part):
    """What the area asks before and of a home visit (the trust: a risk assessment first,
    and never a lone member of staff)."""

    risk_assessment_first: bool = False
    fewest_staff: PositiveInt = 1
    source: Citation


class Casework(Part):
    # Where a case opened by hand or by a trigger without a stage starts; without it, at the
    # profile's first stage.
    first_stage: Key | None = None
    # What each sweep trigger does to a child who has no open case: "open" opens one that
    # night; "propose" puts the proposal on the worklist for an officer to decide. A trigger
    # not listed opens no case (N codes to correct, deletion grounds: register work).
    triggers: Mapping[TriggerKind, OnTrigger] = {}
    transfer: Transfer | None = None
    stage_work: tuple[StageWork, ...] = ()
    home_visits: HomeVisits | None = None
    source: Citation

    def work_for(self, stage: str) -> StageWork | None:
        for work in self.stage_work:
            if work.stage == stage:
                return work
        return None


__all__ = [
    "SWEEP_TRIGGERS",
    "Casework",
    "ExpectedAction",
    "HomeVisits",
    "OnTrigger",
    "StageWork",
    "Transfer",
]
