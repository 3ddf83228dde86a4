"""Meetings, support plans and attendance contracts as the case page shows them, and the
choices and figures their step pages need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from rollcall.casework.meeting_selectors import (
    case_contracts,
    case_meetings,
    case_panel_referrals,
    case_parents,
    case_plans,
    case_return_conversations,
    figures_against_target,
    percent_text,
    period_figures,
)
from rollcall.casework.models import (
    AttendanceContract,
    Case,
    CaseMeeting,
    ContractSignature,
    PanelReferral,
    ReturnConversation,
    SupportPlan,
    TargetReview,
)
from rollcall.casework.services.meetings import (
    barrier_labels,
    long_date,
    meeting_title,
    parent_names,
)
from rollcall.casework.services.panels import (
    case_panels,
    outcome_labels,
    panel_for,
    sitting_name,
)
from rollcall.policies import load_profile

Row = dict[str, dict[str, str]]


def _row(key: str, value: str) -> Row:
    return {"key": {"text": key}, "value": {"text": value or "—"}}


def parent_choices(*, case: Case) -> list[tuple[int, str]]:
    choices = []
    for link in case_parents(case=case):
        standing = [
            text
            for shown, text in (
                (link.parental_responsibility, "parental responsibility"),
                (link.lives_with_pupil, f"lives with {case.pupil.display_name}"),
            )
            if shown
        ]
        choices.append(
            (
                link.carer_id,
                f"{link.carer.full_name}, {link.get_relationship_display().lower()} "
                f"({'; '.join(standing)})",
            )
        )
    return choices


def panel_choices(*, case: Case) -> list[tuple[str, str]]:
    return [(key, panel.name) for key, panel in case_panels(case).items()]


def panel_category_choices(*, case: Case) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for panel in case_panels(case).values():
        found.update(panel.referral_criteria)
    return list(found.items())


def panel_referral_choices(*, case: Case) -> list[tuple[str, str]]:
    """The case's panel referrals whose panel may still sit, oldest first."""
    panels = case_panels(case)
    choices = []
    for referral in case_panel_referrals(case=case):
        panel = panels.get(referral.panel_key)
        sat = len(referral.sittings.all())
        if panel is not None and sat < panel.sittings:
            choices.append(
                (
                    str(referral.pk),
                    f"{referral.panel_name}, referred on {long_date(referral.referred_on)} "
                    f"({sitting_name(sat + 1)} sitting)",
                )
            )
    return choices


def panel_outcome_choices(*, meeting: CaseMeeting) -> list[tuple[str, str]]:
    if meeting.panel_referral is None:
        return []
    panel = panel_for(meeting.panel_referral)
    keys = list(panel.outcomes) if panel is not None else []
    return list(zip(keys, outcome_labels(keys), strict=True))


def panel_members_text(*, meeting: CaseMeeting) -> str:
    if meeting.panel_referral is None:
        return ""
    panel = panel_for(meeting.panel_referral)
    return "; ".join(panel.members) if panel is not None else ""


def _meeting_label(meeting: CaseMeeting) -> str:
    text = f"{meeting_title(meeting)} on {long_date(meeting.on)}"
    record = getattr(meeting, "record", None)
    if record is None:
        return f"{text} (not recorded yet)"
    if meeting.with_child_alone:
        return text
    if record.parents_present:
        return f"{text}: {parent_names(record.parents_present)} came"
    return f"{text}: no parent came"


def meeting_choices(*, case: Case) -> list[tuple[str, str]]:
    """The case's recorded meetings, newest first, for a plan or contract to name."""
    meetings = [m for m in case_meetings(case=case) if getattr(m, "record", None) is not None]
    return [(str(m.pk), _meeting_label(m)) for m in reversed(meetings)]


def _review_text(case: Case, subjects: tuple[str, ...]) -> str:
    profile = load_profile(case.profile_key)
    for review in profile.reviews.values():
        if review.subject in subjects:
            return f"{review.label}: {', '.join(str(at) for at in review.at)} ({review.source})"
    return ""


def period_hint(*, case: Case) -> str:
    found = _review_text(case, ("attendance_contract", "panel_targets")) or _review_text(
        case, ("attendance_plan",)
    )
    if found:
        return f"For example, 12 weeks. Leave empty for the policy's: {found}."
    profile = load_profile(case.profile_key)
    return f"For example, 12 weeks or 6 school weeks. {profile.name} sets no contract period."


def plan_review_hint(*, case: Case) -> str:
    found = _review_text(case, ("attendance_plan",))
    if found:
        return f"Leave empty for the policy's: {found}."
    profile = load_profile(case.profile_key)
    return f"{profile.name} sets no review period for plans: give a date."


def sign_choices(*, contract: AttendanceContract) -> list[tuple[str, str]]:
    parents = [
        (f"parent:{p['carer']}", f"{p['name']} ({str(p['relationship']).lower()})")
        for p in contract.parents
    ]
    Party = ContractSignature.Party
    return [
        *parents,
        (Party.PUPIL.value, f"{contract.case.pupil.display_name} (the pupil)"),
        (Party.SCHOOL.value, "The school"),
        (Party.LOCAL_AUTHORITY.value, "The local authority"),
        (Party.OTHER_AGENCY.value, "Another agency"),
    ]


def _so_far(case: Case, start: dt.date, end: dt.date, target_pct: object) -> str:
    figures = period_figures(case=case, first=start, last=end)
    return (
        f"From {long_date(start)} to {long_date(end)}, from the registers: "
        + figures_against_target(figures, Decimal(str(target_pct)))
    )


def plan_review_intro(*, case: Case, plan: SupportPlan, today: dt.date) -> list[str]:
    return [
        f"Target: at least {percent_text(plan.target_pct)}% attendance from "
        f"{long_date(plan.starts_on)}; review due {long_date(plan.review_on)}.",
        _so_far(case, plan.starts_on, max(today, plan.starts_on), plan.target_pct) + ".",
    ]


def contract_review_intro(*, case: Case, contract: AttendanceContract, today: dt.date) -> list[str]:
    end = min(max(today, contract.starts_on), contract.ends_on)
    return [
        f"Target: at least {percent_text(contract.target_pct)}% attendance over the contract "
        f"period, {long_date(contract.starts_on)} to {long_date(contract.ends_on)}.",
        _so_far(case, contract.starts_on, end, contract.target_pct) + ".",
    ]


@dataclass(frozen=True)
class MeetingLine:
    title: str
    child_alone: bool
    rows: list[Row]
    record_href: str | None


@dataclass(frozen=True)
class TargetLine:
    title: str
    rows: list[Row]
    so_far: str
    reviews: list[str]
    signatures: list[str]
    review_href: str | None
    sign_href: str | None


@dataclass(frozen=True)
class PanelLine:
    title: str
    rows: list[Row]
    arrange_href: str | None
    arrange_text: str


@dataclass(frozen=True)
class ConversationLine:
    title: str
    child_alone: bool
    rows: list[Row]


@dataclass(frozen=True)
class MeetingsSection:
    meetings: list[MeetingLine]
    plans: list[TargetLine]
    contracts: list[TargetLine]
    actions: list[dict[str, str]]
    panels: list[PanelLine]
    conversations: list[ConversationLine]


def _panel_line(case: Case, referral: PanelReferral, writable: bool) -> PanelLine:
    panel = case_panels(case).get(referral.panel_key)
    sittings = list(referral.sittings.all())
    rows = [
        _row("Referred on", f"{long_date(referral.referred_on)}, by {referral.recorded_by_label}"),
        _row("Why", referral.reason),
    ]
    if referral.categories:
        rows.append(_row("Referred because", "; ".join(c["label"] for c in referral.categories)))
    rows.append(
        _row(
            "Sittings",
            "; ".join(
                f"{sitting_name(m.sitting or 1).capitalize()}: {long_date(m.on)}" for m in sittings
            )
            or "Not arranged yet",
        )
    )
    may_sit = panel is not None and len(sittings) < panel.sittings
    return PanelLine(
        title=f"Referral to the {referral.panel_name}",
        rows=rows,
        arrange_href=(
            reverse("cases:meeting_new", args=[case.pk]) + "?panel=1"
            if writable and case.active and may_sit
            else None
        ),
        arrange_text=(
            f"Arrange the {sitting_name(len(sittings) + 1)} sitting"
            if sittings
            else "Arrange the panel"
        ),
    )


def _conversation_line(talk: ReturnConversation) -> ConversationLine:
    span = (
        long_date(talk.absence_from)
        if talk.absence_from == talk.absence_to
        else f"{long_date(talk.absence_from)} to {long_date(talk.absence_to)}"
    )
    rows = [
        _row("After the absence of", span),
        _row("With", talk.get_held_with_display()),
        _row("Held by", talk.held_by),
        _row("What was said", talk.what_was_said),
        _row("Barriers found", "; ".join(barrier_labels(talk.barriers))),
        _row("Next steps", talk.next_steps),
    ]
    return ConversationLine(
        title=f"Return-to-school conversation, {long_date(talk.held_on)}",
        child_alone=talk.with_child_alone,
        rows=rows,
    )


def _meeting_line(case: Case, meeting: CaseMeeting, writable: bool) -> MeetingLine:
    invited = [parent_names(meeting.parents_invited)] if meeting.parents_invited else []
    if meeting.pupil_invited:
        invited.append(f"{case.pupil.display_name} (the pupil)")
    if meeting.social_worker_invited:
        invited.append(f"{meeting.social_worker_invited} (social worker)")
    invited += [line.strip() for line in meeting.professionals_invited.splitlines() if line.strip()]
    rows = []
    referral = meeting.panel_referral
    if referral is not None:
        rows.append(_row("Referred", f"{long_date(referral.referred_on)}: {referral.reason}"))
        if referral.categories:
            rows.append(
                _row("Referred because", "; ".join(c["label"] for c in referral.categories))
            )
    rows += [
        _row("When", f"{long_date(meeting.on)} at {meeting.at:%H:%M}"),
        _row("Where", meeting.venue),
        _row("Invited", "; ".join(invited)),
        _row("Invitations sent", long_date(meeting.invited_on)),
    ]
    if meeting.late_invitation_reason:
        rows.append(_row("Invited late, because", meeting.late_invitation_reason))
    if meeting.parents_not_invited_reason:
        rows.append(_row("Not invited, because", meeting.parents_not_invited_reason))
    if meeting.alternatives_offered:
        rows.append(_row("Alternatives offered", meeting.alternatives_offered))
    record = getattr(meeting, "record", None)
    if record is not None:
        came = {p["carer"] for p in record.parents_present}
        absent = [p for p in meeting.parents_invited if p["carer"] not in came]
        if not meeting.with_child_alone:
            rows.append(
                _row(
                    "Parents who came",
                    parent_names(record.parents_present) if came else "No parent came",
                )
            )
        if absent:
            rows.append(_row("Invited but did not come", parent_names(absent)))
        if record.parents_absent_note:
            rows.append(_row("Why, and what was offered next", record.parents_absent_note))
        rows.append(_row("Held on", long_date(record.held_on)))
        rows.append(_row("The pupil", "Was there" if record.pupil_present else "Was not there"))
        if record.members_present:
            rows.append(_row("Panel members there", "; ".join(record.members_present.splitlines())))
        if record.professionals_present:
            rows.append(
                _row("Professionals there", "; ".join(record.professionals_present.splitlines()))
            )
        rows.append(_row("The child's voice", record.child_voice))
        barriers = "; ".join(barrier_labels(record.barriers))
        if record.barriers_note:
            barriers = f"{barriers} ({record.barriers_note})" if barriers else record.barriers_note
        rows.append(_row("Barriers found", barriers))
        support = [
            f"{item['what']}: {item['owner']}, by "
            f"{long_date(dt.date.fromisoformat(item['due_on']))}"
            for item in record.support_agreed
            if item.get("due_on")
        ]
        rows.append(_row("Support agreed", "; ".join(support)))
        if record.panel_outcomes:
            rows.append(_row("The panel decided", "; ".join(outcome_labels(record.panel_outcomes))))
            rows.append(_row("Decision and reasons", record.decision))
        rows.append(_row("Minutes", record.minutes))
    return MeetingLine(
        title=f"{meeting_title(meeting)}, {long_date(meeting.on)}",
        child_alone=meeting.with_child_alone,
        rows=rows,
        record_href=(
            reverse("cases:meeting_record", args=[case.pk, meeting.pk])
            if record is None and writable and case.active
            else None
        ),
    )


def _review_line(review: TargetReview) -> str:
    return (
        f"{long_date(review.reviewed_on)}: from {long_date(review.period_from)} to "
        f"{long_date(review.period_to)}, "
        + figures_against_target(review.figures, Decimal(review.target_pct))
        + f". {review.get_outcome_display()}. {review.note}"
    )


def _plan_line(case: Case, plan: SupportPlan, today: dt.date, writable: bool) -> TargetLine:
    rows = [
        _row("Target", f"At least {percent_text(plan.target_pct)}% attendance"),
        _row("From", long_date(plan.starts_on)),
        _row("Review", f"{long_date(plan.review_on)} ({plan.review_source})"),
        _row(
            "Set at",
            _meeting_label(plan.meeting) if plan.meeting is not None else "Not at a meeting",
        ),
        _row(
            "Agreed with a parent",
            "Yes" if plan.agreed_with_parent else "No: monitored as if agreed",
        ),
        _row("Support offered", plan.support_offered),
    ]
    if plan.family_actions:
        rows.append(_row("The family will", plan.family_actions))
    return TargetLine(
        title=f"Support plan from {long_date(plan.starts_on)}",
        rows=rows,
        so_far=_so_far(case, plan.starts_on, max(today, plan.starts_on), plan.target_pct),
        reviews=[_review_line(review) for review in plan.reviews.all()],
        signatures=[],
        review_href=(reverse("cases:plan_review", args=[case.pk, plan.pk]) if writable else None),
        sign_href=None,
    )


def _contract_line(
    case: Case, contract: AttendanceContract, today: dt.date, writable: bool
) -> TargetLine:
    reviews = ", ".join(long_date(dt.date.fromisoformat(day)) for day in contract.review_dates)
    rows = [
        _row("Target", f"At least {percent_text(contract.target_pct)}% attendance over the period"),
        _row(
            "Period",
            f"{long_date(contract.starts_on)} to {long_date(contract.ends_on)} ({contract.period})",
        ),
        _row("Reviews", f"{reviews} ({contract.period_source})"),
        _row("Agreed at", _meeting_label(contract.meeting)),
        _row("The school will", contract.school_support),
    ]
    if contract.la_support:
        rows.append(_row("The local authority will", contract.la_support))
    if contract.other_support:
        rows.append(_row("Other agencies will", contract.other_support))
    rows.append(_row("The parent will", contract.parent_actions))
    if contract.pupil_actions:
        rows.append(_row("The pupil will", contract.pupil_actions))
    end = min(max(today, contract.starts_on), contract.ends_on)
    return TargetLine(
        title=f"Attendance contract from {long_date(contract.starts_on)}",
        rows=rows,
        so_far=_so_far(case, contract.starts_on, end, contract.target_pct),
        reviews=[_review_line(review) for review in contract.reviews.all()],
        signatures=[
            f"{s.name} ({s.get_party_display().lower()}), {long_date(s.signed_on)}"
            for s in contract.signatures.all()
        ],
        review_href=(
            reverse("cases:contract_review", args=[case.pk, contract.pk]) if writable else None
        ),
        sign_href=(
            reverse("cases:contract_sign", args=[case.pk, contract.pk]) if writable else None
        ),
    )


def meetings_section(*, case: Case, today: dt.date, writable: bool) -> MeetingsSection:
    actions = []
    if writable and case.active:
        actions = [
            {"text": "Arrange a meeting", "href": reverse("cases:meeting_new", args=[case.pk])},
            {"text": "Set a support plan", "href": reverse("cases:plan_new", args=[case.pk])},
            {
                "text": "Record an attendance contract",
                "href": reverse("cases:contract_new", args=[case.pk]),
            },
            {
                "text": "Record a return-to-school conversation",
                "href": reverse("cases:return_conversation", args=[case.pk]),
            },
        ]
        if case_panels(case):
            actions.insert(
                1,
                {
                    "text": "Refer to the attendance panel",
                    "href": reverse("cases:panel_referral", args=[case.pk]),
                },
            )
    return MeetingsSection(
        meetings=[_meeting_line(case, m, writable) for m in reversed(case_meetings(case=case))],
        plans=[_plan_line(case, p, today, writable) for p in case_plans(case=case)],
        contracts=[_contract_line(case, c, today, writable) for c in case_contracts(case=case)],
        actions=actions,
        panels=[_panel_line(case, r, writable) for r in case_panel_referrals(case=case)],
        conversations=[
            _conversation_line(talk) for talk in reversed(case_return_conversations(case=case))
        ],
    )
