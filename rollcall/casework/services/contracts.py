"""Support plans and attendance contracts on a case, their signatures and their reviews.

A support plan (a target, the support offered, a review date) needs no parent present: HAC
Stage 2 sets "the monitoring period as if the plan had been agreed". An attendance contract
does: since August 2024 it is agreed with a parent at the meeting and never drawn up in their
absence and posted (WTISA; ESX 'Action Plans/Parenting Contracts'), in every profile, whatever a
local panel may do without parents. Each review reads the registers over the plan's or
contract's own period and sets the figures against its target.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.meeting_selectors import (
    case_parents,
    figures_against_target,
    percent_text,
    period_figures,
)
from rollcall.casework.models import (
    AttendanceContract,
    Case,
    CaseEvent,
    CaseMeeting,
    CaseTask,
    ContractSignature,
    MeetingRecord,
    SupportPlan,
    TargetReview,
)
from rollcall.casework.services.cases import Owner, _audit, _event, due_after
from rollcall.casework.services.meetings import CASE_CLOSED, long_date, parent_names
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label
from rollcall.core.types import Actor
from rollcall.organisations.selectors import school_calendar
from rollcall.policies import PolicyProfile, load_profile
from rollcall.policies.pathway import Review
from rollcall.policies.periods import Period

PLAN_REVIEW = "plan_review"
CONTRACT_REVIEW = "contract_review"
CONTRACT_SUBJECTS = ("attendance_contract", "panel_targets")
OFFICER_SET = "Set by the officer"
CONTRACT_NEEDS_PARENT = (
    "No attendance contract can be recorded as agreed at the {meeting} on {day}: no parent "
    "came to it. Since August 2024 an attendance contract is agreed with a parent present at "
    "the meeting, and is never drawn up in their absence and sent to them (WTISA, August 2024, "
    "attendance contracts; ESX 'Action Plans/Parenting Contracts'). Record what was offered, "
    "set a support plan if one is needed, and offer the parents another meeting."
)


def _check_target(target: Decimal | None, errors: dict[str, str]) -> None:
    if target is None or not Decimal(1) <= target <= Decimal(100):
        errors["target_pct"] = (
            "Give the attendance target as a percentage of sessions, between 1 and 100"
        )


def _meeting_of(case: Case, meeting: CaseMeeting | None) -> MeetingRecord | None:
    if meeting is None:
        return None
    if meeting.case_id != case.pk:
        raise ValidationError({"meeting": "Choose a meeting on this case"})
    record = MeetingRecord.objects.filter(meeting=meeting).first()
    if record is None:
        raise ValidationError(
            {
                "meeting": f"The {meeting.get_kind_display().lower()} on {long_date(meeting.on)} "
                "is not recorded yet: record who came first"
            }
        )
    return record


def _review_of(profile: PolicyProfile, subjects: tuple[str, ...]) -> Review | None:
    for review in profile.reviews.values():
        if review.subject in subjects:
            return review
    return None


def _review_task(
    case: Case,
    *,
    key: str,
    label: str,
    counted_from: dt.date,
    period: str,
    due_on: dt.date,
    source: str,
) -> CaseTask:
    return CaseTask.objects.create(
        case=case,
        stage_key=case.stage_key,
        key=key,
        label=label,
        counted_from=counted_from,
        period=period,
        due_on=due_on,
        source=source[:300],
        created_at=clock.now(),
    )


def _signed(actor: Actor, case: Case, acting_for: Owner | None) -> dict[str, object]:
    return {
        "recorded_at": clock.now(),
        "recorded_by": actor,
        "recorded_by_label": actor_label(actor),
        "organisation_label": (acting_for or case.owner).name,
    }


@transaction.atomic
def support_plan_set(
    *,
    actor: Actor,
    case: Case,
    starts_on: dt.date,
    target_pct: Decimal | None,
    support_offered: str,
    family_actions: str = "",
    review_on: dt.date | None = None,
    meeting: CaseMeeting | None = None,
    acting_for: Owner | None = None,
) -> SupportPlan:
    """Set a support plan, at a meeting or not; a parent need not have come. The review date
    is the officer's, or else the profile's plan review counted from the start."""
    if not case.active:
        raise ValidationError(CASE_CLOSED)
    record = _meeting_of(case, meeting)
    errors: dict[str, str] = {}
    _check_target(target_pct, errors)
    support_offered = support_offered.strip()
    if not support_offered:
        errors["support_offered"] = "Say what support is offered"
    profile = load_profile(case.profile_key)
    source = OFFICER_SET
    plan_period = ""
    if review_on is None:
        review = _review_of(profile, ("attendance_plan",))
        if review is None:
            errors["review_on"] = f"{profile.name} sets no review period for plans: give a date"
        else:
            due = due_after(school_calendar(school=case.school), starts_on, review.at[0])
            review_on = due.on
            plan_period = due.period
            source = f"{review.label} ({review.at[0]}): {review.source}"
            if review_on is None:
                errors["review_on"] = f"{due.undated_reason}: give a review date"
    if review_on is not None and review_on <= starts_on:
        errors["review_on"] = "The review date is after the plan starts"
    if errors:
        raise ValidationError(errors)
    assert review_on is not None and target_pct is not None
    plan = SupportPlan.objects.create(
        case=case,
        meeting=meeting,
        starts_on=starts_on,
        target_pct=target_pct,
        support_offered=support_offered,
        family_actions=family_actions.strip(),
        agreed_with_parent=bool(record and record.a_parent_came),
        review_on=review_on,
        review_source=source[:300],
        **_signed(actor, case, acting_for),
    )
    target = percent_text(plan.target_pct)
    _review_task(
        case,
        key=f"{PLAN_REVIEW}:{plan.pk}",
        label=f"Review the support plan from {long_date(starts_on)} (target {target}%)",
        counted_from=starts_on,
        period=plan_period,
        due_on=review_on,
        source=source,
    )
    without = "" if plan.agreed_with_parent else " (no parent agreed it: monitored as if agreed)"
    summary = (
        f"Support plan set{without}: at least {target}% attendance from {long_date(starts_on)}, "
        f"review on {long_date(review_on)}"
    )
    text = [f"Support offered: {support_offered}"]
    if plan.family_actions:
        text.append(f"The family will: {plan.family_actions}")
    text.append(f"Review date: {source}")
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.PLAN_SET,
        on=starts_on,
        summary=summary,
        rationale="\n".join(text),
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_SUPPORT_PLAN_SET, summary, plan=plan.pk, target=target)
    return plan


def _contract_refusal(profile: PolicyProfile, meeting: CaseMeeting) -> str:
    message = CONTRACT_NEEDS_PARENT.format(
        meeting=meeting.get_kind_display().lower(), day=long_date(meeting.on)
    )
    for rule in profile.superseded:
        if "contract" in rule.key:
            message += (
                f" {profile.name}'s procedure ({rule.seed_source}) said otherwise; that changed "
                f"in {rule.changed_in}."
            )
            break
    return message


@transaction.atomic
def attendance_contract_agree(
    *,
    actor: Actor,
    case: Case,
    meeting: CaseMeeting,
    starts_on: dt.date,
    target_pct: Decimal | None,
    school_support: str,
    parent_actions: str,
    la_support: str = "",
    other_support: str = "",
    pupil_actions: str = "",
    period: Period | None = None,
    acting_for: Owner | None = None,
) -> AttendanceContract:
    """Record an attendance contract agreed at `meeting`, which a parent must have come to.
    Its period and reviews are the officer's `period`, or else the profile's contract review."""
    if not case.active:
        raise ValidationError(CASE_CLOSED)
    profile = load_profile(case.profile_key)
    record = _meeting_of(case, meeting)
    assert record is not None
    if not record.a_parent_came:
        raise ValidationError({"meeting": _contract_refusal(profile, meeting)})
    errors: dict[str, str] = {}
    _check_target(target_pct, errors)
    school_support = school_support.strip()
    parent_actions = parent_actions.strip()
    if not school_support:
        errors["school_support"] = "Say what support the school will give"
    if not parent_actions:
        errors["parent_actions"] = "Say what the parent will do"
    if starts_on < record.held_on:
        errors["starts_on"] = "The contract starts on or after the meeting that agreed it"
    # A contract formalises the plan (HAC Stage 2): where the profile reviews only plans,
    # the contract is reviewed when the plan would be.
    review = _review_of(profile, CONTRACT_SUBJECTS) or _review_of(profile, ("attendance_plan",))
    if period is not None:
        points: tuple[Period, ...] = (period,)
        source = OFFICER_SET
    elif review is not None:
        points = review.at
        source = f"{review.label}: {review.source}"
    else:
        points = ()
        source = ""
        errors["period"] = f"{profile.name} sets no contract period: give one"
    calendar = school_calendar(school=case.school)
    dates = []
    for point in points:
        due = due_after(calendar, starts_on, point)
        if due.on is None:
            errors["period"] = f"{due.undated_reason}: the contract needs a review date"
            break
        dates.append(due.on)
    if errors:
        raise ValidationError(errors)
    assert target_pct is not None
    contract = AttendanceContract.objects.create(
        case=case,
        meeting=meeting,
        starts_on=starts_on,
        ends_on=dates[-1],
        period=str(points[-1]),
        review_dates=[day.isoformat() for day in dates],
        period_source=source[:300],
        target_pct=target_pct,
        school_support=school_support,
        la_support=la_support.strip(),
        other_support=other_support.strip(),
        parent_actions=parent_actions,
        pupil_actions=pupil_actions.strip(),
        parents=record.parents_present,
        **_signed(actor, case, acting_for),
    )
    target = percent_text(contract.target_pct)
    for point, day in zip(points, dates, strict=True):
        _review_task(
            case,
            key=f"{CONTRACT_REVIEW}:{contract.pk}",
            label=f"Review the attendance contract from {long_date(starts_on)} (target {target}%)",
            counted_from=starts_on,
            period=str(point),
            due_on=day,
            source=source,
        )
    summary = (
        f"Attendance contract agreed with {parent_names(contract.parents)}: at least {target}% "
        f"attendance from {long_date(starts_on)} to {long_date(contract.ends_on)} "
        f"({contract.period})"
    )
    text = [f"The school will: {school_support}"]
    if contract.la_support:
        text.append(f"The local authority will: {contract.la_support}")
    if contract.other_support:
        text.append(f"Other agencies will: {contract.other_support}")
    text.append(f"The parent will: {parent_actions}")
    if contract.pupil_actions:
        text.append(f"The pupil will: {contract.pupil_actions}")
    text.append("Reviews: " + ", ".join(long_date(day) for day in dates) + f" ({source})")
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.CONTRACT_AGREED,
        on=starts_on,
        summary=summary,
        rationale="\n".join(text),
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_CONTRACT_AGREE, summary, contract=contract.pk, target=target)
    return contract


@transaction.atomic
def contract_sign(
    *,
    actor: Actor,
    contract: AttendanceContract,
    party: str,
    signed_on: dt.date,
    carer_id: int | None = None,
    name: str = "",
    acting_for: Owner | None = None,
) -> ContractSignature:
    """Record one party's signature. A parent who signs is one who agreed it at the meeting:
    a contract is not posted to a parent who was not there (WTISA, August 2024)."""
    contract = AttendanceContract.objects.select_related("case__pupil", "case__school").get(
        pk=contract.pk
    )
    case = contract.case
    errors: dict[str, str] = {}
    name = name.strip()
    carer = None
    if party not in ContractSignature.Party.values:
        errors["party"] = "Choose who signed"
    elif party == ContractSignature.Party.PARENT:
        agreed = {p["carer"] for p in contract.parents}
        links = {link.carer_id: link for link in case_parents(case=case)}
        if carer_id not in agreed or carer_id not in links:
            errors["party"] = (
                "Choose a parent who agreed the contract at the meeting: a contract is not "
                "sent for signature to a parent who was not there (WTISA, August 2024)"
            )
        else:
            carer = links[carer_id].carer
            name = carer.full_name
    elif party == ContractSignature.Party.PUPIL:
        name = case.pupil.display_name
    elif not name:
        errors["name"] = "Give the name and role of the person who signed"
    if signed_on > clock.today():
        errors["signed_on"] = "The date signed cannot be in the future"
    elif signed_on < contract.meeting.on:
        errors["signed_on"] = "The contract cannot be signed before the meeting that agreed it"
    if not errors and (
        contract.signatures.filter(party=party, carer=carer).exists()
        and party in (ContractSignature.Party.PARENT, ContractSignature.Party.PUPIL)
    ):
        errors["party"] = f"{name} has already signed this contract"
    if errors:
        raise ValidationError(errors)
    signature = ContractSignature.objects.create(
        contract=contract,
        party=party,
        carer=carer,
        name=name[:200],
        signed_on=signed_on,
        **_signed(actor, case, acting_for),
    )
    summary = (
        f"Attendance contract from {long_date(contract.starts_on)} signed by {name} "
        f"({signature.get_party_display().lower()}) on {long_date(signed_on)}"
    )
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.CONTRACT_SIGNED,
        on=signed_on,
        summary=summary,
        acting_for=acting_for,
        with_figures=False,
    )
    _audit(case, actor, Verb.CASE_CONTRACT_SIGN, summary, contract=contract.pk, party=party)
    return signature


@transaction.atomic
def target_review(
    *,
    actor: Actor,
    reviewed_on: dt.date,
    outcome: str,
    note: str,
    plan: SupportPlan | None = None,
    contract: AttendanceContract | None = None,
    acting_for: Owner | None = None,
) -> TargetReview:
    """Review a plan or a contract: the figures from the registers over its own period (from
    its start to the review, or to the contract's end) against its target, and the outcome."""
    if (plan is None) == (contract is None):
        raise ValueError("review one plan or one contract")
    subject = plan or contract
    assert subject is not None
    case = Case.objects.select_related("school", "pupil").get(pk=subject.case_id)
    errors: dict[str, str] = {}
    note = note.strip()
    if outcome not in TargetReview.Outcome.values:
        errors["outcome"] = "Choose the outcome of the review"
    if not note:
        errors["note"] = "Say what the review found and why this outcome"
    if reviewed_on > clock.today():
        errors["reviewed_on"] = "The review date cannot be in the future"
    elif reviewed_on <= subject.starts_on:
        errors["reviewed_on"] = f"The review is after the start ({long_date(subject.starts_on)})"
    if errors:
        raise ValidationError(errors)
    last = min(reviewed_on, contract.ends_on) if contract is not None else reviewed_on
    figures = period_figures(case=case, first=subject.starts_on, last=last)
    pct = figures["attendance_pct"]
    review = TargetReview.objects.create(
        plan=plan,
        contract=contract,
        reviewed_on=reviewed_on,
        period_from=subject.starts_on,
        period_to=last,
        target_pct=subject.target_pct,
        figures=figures,
        target_met=None if pct is None else Decimal(str(pct)) >= subject.target_pct,
        outcome=outcome,
        note=note,
        **_signed(actor, case, acting_for),
    )
    what = "Support plan" if plan is not None else "Attendance contract"
    key = f"{PLAN_REVIEW}:{subject.pk}" if plan is not None else f"{CONTRACT_REVIEW}:{subject.pk}"
    task = (
        CaseTask.objects.filter(case=case, key=key, status=CaseTask.Status.OPEN)
        .order_by("due_on", "id")
        .first()
    )
    label = review.get_outcome_display()
    if task is not None:
        task.status = CaseTask.Status.DONE
        task.closed_at = clock.now()
        task.closed_by_label = actor_label(actor)
        task.note = f"Reviewed on {long_date(reviewed_on)}: {label}"
        task.save()
    summary = (
        f"{what} from {long_date(subject.starts_on)} reviewed: from {long_date(subject.starts_on)} "
        f"to {long_date(last)}, "
        + figures_against_target(figures, subject.target_pct)
        + f". Outcome: {label[0].lower()}{label[1:]}"
    )
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TARGET_REVIEWED,
        on=reviewed_on,
        summary=summary,
        rationale=note,
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_TARGET_REVIEW, summary, outcome=outcome, figures=figures)
    return review
