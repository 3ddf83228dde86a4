"""The pre-referral evidence checklist: what a case must hold before it is referred to the
local authority for legal action, and what it holds against each item.

The items are the profile's: what the stage before the referral asks to be held (Hackney's
seven minimum Stage 2 items), the prosecution checklist (Leeds, Essex), and nationally a Notice
to Improve or the recorded reason for not using one (WTISA national framework: none is needed
where the threshold was met by a term-time holiday alone). An item is held when the record
shows it (a meeting arranged, a plan or contract, a review, a referral to early help, an
attendance certificate issued, and, read by the letters app, a Notice to Improve or warning
letter that reached a parent: rollcall.letters.checklist), or when an officer has marked it
held with a note of where the evidence is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from rollcall.casework.models import (
    AgencyReferral,
    AttendanceContract,
    Case,
    CaseMeeting,
    ChecklistMark,
    SupportPlan,
    TargetReview,
)
from rollcall.policies import PolicyProfile, load_profile
from rollcall.registers.models import Mark
from rollcall.statutory.years import school_year_start
from rollcall.transfers.models import Certificate

NOTICE_TO_IMPROVE = "notice_to_improve_or_reason"
HOLIDAY_ALONE = "The unauthorised absence this school year is all term-time holiday (G)"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    source: str
    state: str  # "held", "missing" or "not_needed"
    how: str  # the evidence: a note, or why it is not needed
    by: str


def referral_stage(profile: PolicyProfile) -> str | None:
    transfer = profile.casework.transfer
    return transfer.to_local_authority_at if transfer is not None else None


def checklist_items(profile: PolicyProfile) -> list[tuple[str, str, str]]:
    """(key, label, source) of every item the profile asks for before a referral."""
    items: list[tuple[str, str, str]] = []
    referral = referral_stage(profile)
    if referral is not None:
        keys = profile.stage_keys
        before = keys[keys.index(referral) - 1] if keys.index(referral) > 0 else None
        if before is not None:
            stage = profile.stage(before)
            items += [(k, v, stage.source) for k, v in stage.required_before_next.items()]
    evidence = profile.prosecution.evidence_required
    if evidence is not None:
        items += [(k, v, evidence.source) for k, v in evidence.items.items()]
    items.append(
        (
            NOTICE_TO_IMPROVE,
            "A Notice to Improve was issued, or the reason for not using one is recorded",
            "WTISA national framework for penalty notices: Notice to Improve",
        )
    )
    unique: dict[str, tuple[str, str, str]] = {}
    for item in items:
        unique.setdefault(item[0], item)
    return list(unique.values())


def _holiday_alone(case: Case, on: dt.date) -> bool:
    codes = set(
        Mark.objects.filter(
            pupil=case.pupil,
            school=case.school,
            date__gte=school_year_start(on),
            date__lte=on,
            code__in=("G", "N", "O", "U"),
        ).values_list("code", flat=True)
    )
    return codes == {"G"}


def _meeting(case: Case, on: dt.date, kind: str | None = None) -> str:
    meetings = CaseMeeting.objects.filter(case=case, invited_on__lte=on)
    if kind is not None:
        meetings = meetings.filter(kind=kind)
    first = meetings.order_by("on", "id").first()
    if first is None:
        return ""
    return f"{first.get_kind_display()} arranged for {first.on:%-d %B %Y}"


def _plan_or_contract(case: Case, on: dt.date) -> str:
    contract = AttendanceContract.objects.filter(case=case, starts_on__lte=on).first()
    if contract is not None:
        return f"Attendance contract from {contract.starts_on:%-d %B %Y}"
    plan = SupportPlan.objects.filter(case=case, starts_on__lte=on).first()
    return f"Support plan from {plan.starts_on:%-d %B %Y}" if plan is not None else ""


def _contract(case: Case, on: dt.date) -> str:
    contract = AttendanceContract.objects.filter(case=case, starts_on__lte=on).first()
    return f"Attendance contract from {contract.starts_on:%-d %B %Y}" if contract else ""


def _review(case: Case, on: dt.date) -> str:
    review = (
        TargetReview.objects.filter(
            Q(plan__case=case) | Q(contract__case=case), reviewed_on__lte=on
        )
        .order_by("reviewed_on", "id")
        .first()
    )
    return f"Targets reviewed on {review.reviewed_on:%-d %B %Y}" if review is not None else ""


def _early_help(case: Case, on: dt.date) -> str:
    referral = case.referrals.filter(
        service=AgencyReferral.Service.EARLY_HELP, made_on__lte=on
    ).first()
    return f"Referred to early help on {referral.made_on:%-d %B %Y}" if referral else ""


def _certificate(case: Case, on: dt.date) -> str:
    certificate = (
        Certificate.objects.filter(pupil=case.pupil, school=case.school)
        .order_by("-generated_at")
        .first()
    )
    if certificate is None:
        return ""
    return (
        f"Certificate {certificate.reference} for {certificate.first_date:%-d %B %Y} to "
        f"{certificate.last_date:%-d %B %Y}"
    )


# Items the case's own record shows, by the key profiles give them. Anything else is marked
# by hand with a note of where the evidence is.
DERIVED: dict[str, Callable[[Case, dt.date], str]] = {
    "initial_meeting": _meeting,  # HAC Stage 2 minimum evidence
    "improvement_plan": _plan_or_contract,
    "review_meeting": _review,
    "early_help_offer": _early_help,
    "early_help_assessment": _early_help,  # LEE prosecution checklist
    "attendance_contract": _contract,
    "team_around_the_family": lambda case, on: _meeting(case, on, "team_around"),  # ESX
    "attendance_certificate": _certificate,  # HAC referral pack
    "headteacher_certificate": _certificate,  # SEF §13.2
}


def referral_checklist(*, case: Case, on: dt.date) -> list[ChecklistItem]:
    profile = load_profile(case.profile_key)
    latest: dict[str, ChecklistMark] = {}
    for written in case.checklist_marks.order_by("recorded_at", "id"):
        latest[written.item] = written
    found = []
    for key, label, source in checklist_items(profile):
        mark = latest.get(key)
        if mark is not None and mark.held:
            state, how = "held", mark.note
            when = f"{timezone.localtime(mark.recorded_at):%-d %B %Y}"
            by = f"{mark.recorded_by_label}, {mark.organisation_label}, {when}"
        elif key in DERIVED and (found_in_record := DERIVED[key](case, on)):
            state, how, by = "held", f"From the record: {found_in_record}", ""
        elif key == NOTICE_TO_IMPROVE and _holiday_alone(case, on):
            state, how, by = "not_needed", HOLIDAY_ALONE, ""
        else:
            state, how, by = "missing", "", ""
        found.append(ChecklistItem(key, label, source, state, how, by))
    return found


def missing_for_referral(*, case: Case, on: dt.date) -> list[ChecklistItem]:
    return [item for item in referral_checklist(case=case, on=on) if item.state == "missing"]


def held_on_checklist(*, case: Case) -> set[str]:
    """Items whose latest mark says held."""
    latest: dict[str, bool] = {}
    for item, held in case.checklist_marks.order_by("recorded_at", "id").values_list(
        "item", "held"
    ):
        latest[item] = held
    return {item for item, held in latest.items() if held}


def held_in_record(*, case: Case, on: dt.date) -> set[str]:
    """Items the case's own record shows held on `on`."""
    return {key for key, found in DERIVED.items() if found(case, on)}
