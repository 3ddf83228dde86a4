"""Reads for a case's meetings, support plans and attendance contracts, and the figures over a
plan's or contract's own period from the registers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch

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
from rollcall.engine.sessions import session_figures
from rollcall.pupils.models import CarerLink
from rollcall.registers.models import Mark


def case_parents(*, case: Case) -> list[CarerLink]:
    """The child's parents in the EA96 s576 sense that a meeting invites, each separately:
    those with parental responsibility or who have the child's care."""
    return [
        link
        for link in case.pupil.carer_links.select_related("carer").order_by(
            "contact_priority", "id"
        )
        if link.parental_responsibility or link.lives_with_pupil
    ]


def case_meetings(*, case: Case) -> list[CaseMeeting]:
    return list(
        CaseMeeting.objects.filter(case=case)
        .select_related("record", "panel_referral")
        .order_by("on", "at", "id")
    )


def case_meeting_for(*, case: Case, meeting_id: int) -> CaseMeeting | None:
    return (
        CaseMeeting.objects.filter(case=case, pk=meeting_id)
        .select_related("record", "panel_referral")
        .first()
    )


def case_panel_referrals(*, case: Case) -> list[PanelReferral]:
    return list(
        PanelReferral.objects.filter(case=case)
        .prefetch_related(Prefetch("sittings", queryset=CaseMeeting.objects.order_by("sitting")))
        .order_by("referred_on", "id")
    )


def case_panel_referral_for(*, case: Case, referral_id: int) -> PanelReferral | None:
    return PanelReferral.objects.filter(case=case, pk=referral_id).first()


def case_return_conversations(*, case: Case) -> list[ReturnConversation]:
    return list(ReturnConversation.objects.filter(case=case).order_by("held_on", "id"))


def case_plans(*, case: Case) -> list[SupportPlan]:
    return list(
        SupportPlan.objects.filter(case=case)
        .select_related("meeting")
        .prefetch_related(
            Prefetch("reviews", queryset=TargetReview.objects.order_by("reviewed_on", "id"))
        )
        .order_by("starts_on", "id")
    )


def case_plan_for(*, case: Case, plan_id: int) -> SupportPlan | None:
    return SupportPlan.objects.filter(case=case, pk=plan_id).first()


def case_contracts(*, case: Case) -> list[AttendanceContract]:
    return list(
        AttendanceContract.objects.filter(case=case)
        .select_related("meeting")
        .prefetch_related(
            Prefetch("reviews", queryset=TargetReview.objects.order_by("reviewed_on", "id")),
            Prefetch("signatures", queryset=ContractSignature.objects.order_by("signed_on", "id")),
        )
        .order_by("starts_on", "id")
    )


def case_contract_for(*, case: Case, contract_id: int) -> AttendanceContract | None:
    return AttendanceContract.objects.filter(case=case, pk=contract_id).first()


def period_figures(*, case: Case, first: dt.date, last: dt.date) -> dict[str, object]:
    """The child's figures at the case's school from `first` to `last` inclusive, from the
    registers, counted by the engine's categories."""
    marks = Mark.objects.filter(
        school=case.school, pupil=case.pupil, date__gte=first, date__lte=last
    ).values_list("date", "code")
    figures = session_figures(marks)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "possible": figures.possible,
        "present": figures.present + figures.approved_educational_activity,
        "attendance_pct": figures.attendance_percent,
        "authorised": figures.authorised_absence,
        "unauthorised": figures.unauthorised_absence,
    }


def percent_text(target: Decimal) -> str:
    """95 for 95.0, 92.5 for 92.5."""
    return f"{target.normalize():f}" if target == target.to_integral() else f"{target:.1f}"


def figures_against_target(figures: dict[str, object], target: Decimal) -> str:
    """'91.5% attendance (108 of 118 sessions) against a target of 95%: not met'."""
    pct = figures.get("attendance_pct")
    if pct is None:
        return f"no sessions recorded yet against a target of {percent_text(target)}%"
    met = Decimal(str(pct)) >= target
    return (
        f"{pct}% attendance ({figures['present']} of {figures['possible']} sessions; "
        f"{figures['unauthorised']} unauthorised) against a target of {percent_text(target)}%: "
        + ("met" if met else "not met")
    )
