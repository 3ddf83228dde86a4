"""PolicyProfile: one area's local choices, validated as a whole."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Literal, Protocol

from pydantic import AfterValidator, field_validator, model_validator
from pydantic_core import PydanticCustomError

from rollcall.policies.casework import Casework
from rollcall.policies.documents import Correspondence, Letter, SourceDocument
from rollcall.policies.enforcement import (
    EducationSupervisionOrders,
    NoticeToImprove,
    PenaltyNotices,
    Prosecution,
    SchoolAttendanceOrders,
)
from rollcall.policies.fields import NamedMap, Part, Text
from rollcall.policies.pathway import (
    AttendanceTrigger,
    FastTrack,
    HolidayVariant,
    Panel,
    Review,
    Stage,
    Triggers,
)
from rollcall.policies.periods import Period
from rollcall.policies.school import Registers, Reintegration
from rollcall.policies.superseded import SupersededRule
from rollcall.policies.vocabulary import EVENT_LABELS

Kind = Literal["national", "local_authority", "trust", "school_cluster"]
Loc = tuple[str | int, ...]
_PROFILE_KEY = re.compile(r"^[a-z][a-z0-9-]*$")


class Named(Protocol):
    @property
    def key(self) -> str: ...


def _check_profile_key(value: str) -> str:
    if not _PROFILE_KEY.match(value):
        raise PydanticCustomError(
            "profile_key",
            "must be lower-case letters, digits and hyphens (like the file name), got {got}",
            {"got": repr(value)},
        )
    return value


ProfileKey = Annotated[str, AfterValidator(_check_profile_key)]


class PolicyProfile(Part):
    """An area's local attendance policy: stages, triggers, periods, letters, local limits."""

    key: ProfileKey
    name: Text
    kind: Kind
    based_on: ProfileKey | None = None
    sources: tuple[SourceDocument, ...]
    stages: tuple[Stage, ...]
    triggers: Triggers
    notice_to_improve: NoticeToImprove
    reviews: NamedMap[Review] = {}
    fast_track: FastTrack | None = None
    panels: NamedMap[Panel] = {}
    letters: NamedMap[Letter] = {}
    correspondence: Correspondence | None = None
    penalty_notices: PenaltyNotices
    prosecution: Prosecution
    education_supervision_orders: EducationSupervisionOrders | None = None
    school_attendance_orders: SchoolAttendanceOrders | None = None
    registers: Registers = Registers()
    reintegration: Reintegration | None = None
    # Seed rules out of date, with the rule that applies now (see superseded.py).
    superseded: tuple[SupersededRule, ...] = ()
    casework: Casework

    @field_validator("sources", "stages")
    @classmethod
    def _not_empty(cls, items: tuple[object, ...]) -> tuple[object, ...]:
        if not items:
            raise PydanticCustomError("empty", "list at least one item", {})
        return items

    @model_validator(mode="after")
    def _consistent(self) -> PolicyProfile:
        problems = list(_problems(self))
        if problems:
            raise PydanticCustomError(
                "policy_check",
                "{summary}",
                {"summary": "; ".join(message for _, message in problems), "problems": problems},
            )
        return self

    @property
    def threshold_codes(self) -> tuple[str, ...]:
        """Codes counted towards the local penalty-notice threshold, e.g. ("G", "N", "O", "U")."""
        return self.triggers.threshold.codes

    @property
    def holiday_variant(self) -> HolidayVariant | None:
        return self.triggers.holiday

    @property
    def notice_to_improve_period(self) -> Period:
        """The improvement period every Notice to Improve gives, e.g. 6 school weeks."""
        return self.notice_to_improve.period

    @property
    def attendance_triggers(self) -> tuple[AttendanceTrigger, ...]:
        """Attendance triggers, highest percentage (earliest concern) first."""
        return tuple(sorted(self.triggers.attendance.values(), key=lambda t: -t.below_pct))

    @property
    def stage_keys(self) -> tuple[str, ...]:
        return tuple(stage.key for stage in self.stages)

    @property
    def first_case_stage(self) -> str:
        """Where a new case starts unless its trigger says otherwise."""
        return self.casework.first_stage or self.stages[0].key

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"profile {self.key!r} has no stage {key!r}")


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"no {what} {name!r} in this profile{hint}"


def _named_items(profile: PolicyProfile) -> Iterable[tuple[Loc, Mapping[str, Named]]]:
    yield ("letters",), profile.letters
    yield ("reviews",), profile.reviews
    yield ("panels",), profile.panels
    yield ("triggers", "attendance"), profile.triggers.attendance
    yield ("penalty_notices", "local_caps"), profile.penalty_notices.local_caps


def _problems(profile: PolicyProfile) -> Iterable[tuple[Loc, str]]:
    """Cross-references the field types cannot check: unique keys, names that must exist."""
    for loc, items in _named_items(profile):
        for name, item in items.items():
            if item.key != name:
                yield (
                    (*loc, name, "key"),
                    f"remove 'key: {item.key}': an item's key is the name it is listed under",
                )

    first_use: dict[str, int] = {}
    for index, stage in enumerate(profile.stages):
        if stage.key in first_use:
            yield (
                ("stages", index, "key"),
                f"duplicate stage key {stage.key!r} (already used at "
                f"stages.{first_use[stage.key]}.key)",
            )
        first_use.setdefault(stage.key, index)

    stages = set(first_use)
    letters = set(profile.letters)
    triggers = set(profile.triggers.attendance)
    for index, stage in enumerate(profile.stages):
        for position, name in enumerate(stage.entry_triggers):
            if name not in EVENT_LABELS and name not in triggers:
                known = [*EVENT_LABELS, *triggers]
                yield (
                    ("stages", index, "entry_triggers", position),
                    _unknown("event or attendance trigger", name, known),
                )

    for key, trigger in profile.triggers.attendance.items():
        at: Loc = ("triggers", "attendance", key)
        if trigger.stage is not None and trigger.stage not in stages:
            yield (*at, "stage"), _unknown("stage", trigger.stage, stages)
        if trigger.letter is not None and trigger.letter not in letters:
            yield (*at, "letter"), _unknown("letter", trigger.letter, letters)

    for key, panel in profile.panels.items():
        if panel.stage not in stages:
            yield ("panels", key, "stage"), _unknown("stage", panel.stage, stages)
        if panel.invitation_letter is not None and panel.invitation_letter not in letters:
            yield (
                ("panels", key, "invitation_letter"),
                _unknown("letter", panel.invitation_letter, letters),
            )
        if "attendance_contract" in panel.outcomes and panel.attendance_contract == "not_agreed":
            yield (
                ("panels", key, "attendance_contract"),
                "the panel lists attendance_contract among its outcomes: say when it agrees "
                "one ('when_a_parent_attends')",
            )

    if profile.fast_track is not None:
        end_stage = profile.fast_track.on_early_end_stage
        if end_stage is not None and end_stage not in stages:
            yield ("fast_track", "on_early_end_stage"), _unknown("stage", end_stage, stages)
        for index, step in enumerate(profile.fast_track.steps):
            if step.letter is not None and step.letter not in letters:
                yield (
                    ("fast_track", "steps", index, "letter"),
                    _unknown("letter", step.letter, letters),
                )

    tags = {source.tag for source in profile.sources}
    seen: dict[str, int] = {}
    for index, rule in enumerate(profile.superseded):
        if rule.key in seen:
            yield (
                ("superseded", index, "key"),
                f"duplicate key {rule.key!r} (already used at superseded.{seen[rule.key]}.key)",
            )
        seen.setdefault(rule.key, index)
        tag = rule.seed_source.split()[0]
        if tag not in tags:
            yield (
                ("superseded", index, "seed_source"),
                f"should start with the tag of one of this profile's sources "
                f"({', '.join(sorted(tags))}), got {rule.seed_source!r}",
            )

    yield from _casework_problems(profile, stages, triggers)

    warning = profile.prosecution.pace_warning
    if warning is not None and warning.letter not in letters:
        yield ("prosecution", "pace_warning", "letter"), _unknown("letter", warning.letter, letters)


def _casework_problems(
    profile: PolicyProfile, stages: set[str], triggers: set[str]
) -> Iterable[tuple[Loc, str]]:
    work = profile.casework
    if work.first_stage is not None and work.first_stage not in stages:
        yield ("casework", "first_stage"), _unknown("stage", work.first_stage, stages)
    for kind in work.triggers:
        name = kind.partition(":")[2]
        if kind.startswith("attendance:") and name not in triggers:
            yield ("casework", "triggers", kind), _unknown("attendance trigger", name, triggers)
    if work.transfer is not None and work.transfer.to_local_authority_at not in stages:
        yield (
            ("casework", "transfer", "to_local_authority_at"),
            _unknown("stage", work.transfer.to_local_authority_at, stages),
        )
    seen: dict[str, int] = {}
    for index, stage_work in enumerate(work.stage_work):
        if stage_work.stage not in stages:
            yield (
                ("casework", "stage_work", index, "stage"),
                _unknown("stage", stage_work.stage, stages),
            )
        if stage_work.stage in seen:
            yield (
                ("casework", "stage_work", index, "stage"),
                f"stage {stage_work.stage!r} already has its work at "
                f"casework.stage_work.{seen[stage_work.stage]}",
            )
        seen.setdefault(stage_work.stage, index)
        if stage_work.review_every is not None and stage_work.review_source is None:
            yield (
                ("casework", "stage_work", index, "review_source"),
                "give the source of the review interval (review_source)",
            )
