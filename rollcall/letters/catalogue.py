"""The wording of each letter, as versioned data in `wording/<key>-<version>.yaml`.

A version, once a letter has been made from it, is never changed: the next wording is a new file
beside it, and each letter stores the version and the file's SHA-256, so what a parent was sent
can always be shown. The wording is rollcall's own, following what the cited procedure says the
letter must contain; an LA that must use its own wording adds it as a new version.

Each paragraph is text with `{placeholders}` filled from the record (the child's figures over a
stated period, a meeting, a leave request, the Notice to Improve period). Paragraphs marked
`editable` may be reworded by the officer before the letter is issued; the others (the parent's
legal duty, the warnings) are kept as written.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

WORDING_DIR = Path(__file__).resolve().parent / "wording"

# What a letter may need from the record beyond the child, the school and the sender, and the
# placeholders each need supplies.
NEED_FIELDS: dict[str, frozenset[str]] = {
    "period": frozenset(
        {
            "period_from",
            "period_to",
            "possible",
            "present",
            "absent",
            "authorised",
            "unauthorised",
            "attendance_pct",
        }
    ),
    "meeting": frozenset({"meeting_day", "meeting_time", "meeting_venue", "meeting_alternatives"}),
    "notice_to_improve": frozenset({"nti_period", "nti_ends_on"}),
    "fast_track": frozenset(
        {
            "fast_track_monitoring",
            "fast_track_monitoring_ends_on",
            "fast_track_final",
            "fast_track_final_ends_on",
        }
    ),
    "meeting_record": frozenset(
        {
            "meeting_held_on",
            "meeting_minutes",
            "meeting_support_agreed",
            "parents_present",
            "panel_decision",
        }
    ),
    "contract": frozenset(
        {
            "contract_target",
            "contract_from",
            "contract_to",
            "contract_reviews",
            "contract_school_support",
            "contract_parent_actions",
            "contract_period",
            "contract_agreed_by",
            "contract_pupil_actions",
        }
    ),
    "leave_request": frozenset(
        {
            "leave_received_on",
            "leave_from",
            "leave_to",
            "leave_decision",
            "leave_rationale",
        }
    ),
    # The case's latest return-to-school conversation (ESX 'What else will be made available').
    "return_conversation": frozenset(
        {
            "conversation_held_on",
            "conversation_absence",
            "conversation_with",
            "conversation_held_by",
            "conversation_said",
            "conversation_barriers",
            "conversation_next_steps",
        }
    ),
    # The profile's School Attendance Order periods (SEF Appendix A), and the school to be
    # named, which the officer writes in.
    "school_attendance_order": frozenset(
        {
            "sao_evidence_period",
            "sao_school_response_period",
            "sao_intention_period",
            "sao_named_school",
        }
    ),
    # The days of a suspension or exclusion the parent's duty covers, which the officer writes
    # in, and the EIA 2006 s105 penalty amounts on the letter's date.
    "exclusion": frozenset(
        {
            "exclusion_days",
            "exclusion_penalty_discounted",
            "exclusion_penalty_discounted_days",
            "exclusion_penalty_full",
            "exclusion_penalty_full_days",
        }
    ),
    # The directions of an Education Supervision Order not complied with (officer writes them).
    "eso_breach": frozenset({"eso_directions_not_followed"}),
    # The day by which the parent is asked to answer a questionnaire (officer writes it).
    "questionnaire": frozenset({"reply_by"}),
    # What the court decided (officer writes it).
    "proceedings": frozenset({"proceedings_outcome"}),
}
# The school a School Attendance Order is to name. A letter to parents that states it reads
# "[not recorded]" there until the officer writes it in; a letter to a school that states it
# (Sefton's s439 notice) is addressed to that school, and the school the officer chooses or
# writes in as the addressee fills it.
NAMED_SCHOOL = "sao_named_school"
# Values the record does not hold yet. `letter_fields` never fills them, so a letter that uses
# one reads "[not recorded]" there and cannot be issued until the officer writes it in.
WRITTEN_BY_THE_OFFICER = frozenset(
    {
        "sao_named_school",
        "exclusion_days",
        "eso_directions_not_followed",
        "reply_by",
        "proceedings_outcome",
    }
)
# Always there: who the letter is about, who sends it, and the law's figures on the day.
COMMON_FIELDS = frozenset(
    {
        "child",
        "child_first",
        "school",
        "organisation",
        "contact_name",
        "support_offered",
        "penalty_discounted",
        "penalty_discounted_days",
        "penalty_full",
        "penalty_full_days",
    }
)


class WordingError(ValueError):
    """A wording file that cannot be used as it stands."""


@dataclass(frozen=True)
class Paragraph:
    name: str
    text: str
    editable: bool


@dataclass(frozen=True)
class Wording:
    key: str
    version: int
    heading: str
    source: str
    needs: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    file_name: str
    sha256: str

    @property
    def reference(self) -> str:
        """'notice_to_improve/1': stored with every letter made from this wording."""
        return f"{self.key}/{self.version}"

    @property
    def names_a_school(self) -> bool:
        """Whether the letter states the school an order is to name (`{sao_named_school}`)."""
        texts = (self.heading, *(paragraph.text for paragraph in self.paragraphs))
        return any(NAMED_SCHOOL in placeholders(text) for text in texts)

    @property
    def fields(self) -> frozenset[str]:
        allowed = set(COMMON_FIELDS)
        for need in self.needs:
            allowed |= NEED_FIELDS[need]
        return frozenset(allowed)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _load(path: Path) -> Wording:
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    where = path.name
    key, version = data.get("key"), data.get("version")
    if f"{key}-{version}.yaml" != where:
        raise WordingError(f"{where}: the file's name must be {key}-{version}.yaml")
    needs = tuple(data.get("needs") or ())
    unknown_needs = set(needs) - set(NEED_FIELDS)
    if unknown_needs:
        raise WordingError(f"{where}: unknown needs {sorted(unknown_needs)}")
    paragraphs = tuple(
        Paragraph(name=item["name"], text=" ".join(item["text"].split()), editable=item["editable"])
        for item in data["paragraphs"]
    )
    wording = Wording(
        key=key,
        version=int(version),
        heading=data["heading"],
        source=" ".join(str(data["source"]).split()),
        needs=needs,
        paragraphs=paragraphs,
        file_name=where,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    for text in (wording.heading, *(paragraph.text for paragraph in paragraphs)):
        unknown = placeholders(text) - wording.fields
        if unknown:
            raise WordingError(
                f"{where}: {sorted(unknown)} cannot be filled (needs {list(needs) or 'nothing'})"
            )
    return wording


@cache
def wordings() -> dict[str, tuple[Wording, ...]]:
    """Every wording, by letter key, oldest version first."""
    found: dict[str, list[Wording]] = {}
    for path in sorted(WORDING_DIR.glob("*.yaml")):
        wording = _load(path)
        found.setdefault(wording.key, []).append(wording)
    return {
        key: tuple(sorted(versions, key=lambda w: w.version)) for key, versions in found.items()
    }


def latest_wording(key: str) -> Wording | None:
    versions = wordings().get(key)
    return versions[-1] if versions else None


def wording_version(key: str, version: int) -> Wording:
    for wording in wordings().get(key, ()):
        if wording.version == version:
            return wording
    raise WordingError(f"No wording {key}/{version}")


def fill(text: str, fields: dict[str, str]) -> str:
    """The text with its placeholders filled; a missing field reads '[not recorded]', so the
    officer sees the gap in the preview and can write it in."""
    return string.Formatter().vformat(text, (), _Gaps(fields))


class _Gaps(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "[not recorded]"
