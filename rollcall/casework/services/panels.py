"""Attendance panels on a case: the referral to one of the profile's panels, and the rules a
panel's invitation and record answer to beyond an ordinary meeting's.

Sefton's LA School Attendance Panel takes referrals in named categories, among them a pupil at
risk from radicalisation or extremism (SEF §6.4), and invites each parent about 10 days before
(SEF §6.8). Leeds' School Attendance Panel invites every parent with parental responsibility and,
for a child looked after but placed with parents, the social worker too; when its
recommendations are not followed a second panel sits (LEE 'Stage 1a', 'Stage 3'). A panel goes
ahead whether or not a parent comes, but an attendance contract is agreed only with a parent
there (WTISA, August 2024), whatever the panel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.models import Case, CaseEvent, CaseMeeting, PanelReferral
from rollcall.casework.services.cases import Owner, _audit, _event
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label
from rollcall.core.types import Actor
from rollcall.organisations.selectors import school_calendar
from rollcall.policies import load_profile
from rollcall.policies.pathway import Panel
from rollcall.policies.vocabulary import OUTCOME_LABELS
from rollcall.pupils.models import CarerLink

ORDINALS = ("first", "second", "third", "fourth", "fifth")
CONTRACT_OUTCOME = "attendance_contract"


def sitting_name(number: int) -> str:
    return ORDINALS[number - 1] if number <= len(ORDINALS) else f"number {number}"


def case_panels(case: Case) -> dict[str, Panel]:
    return dict(load_profile(case.profile_key).panels)


def panel_for(referral: PanelReferral) -> Panel | None:
    return case_panels(referral.case).get(referral.panel_key)


@transaction.atomic
def panel_refer(
    *,
    actor: Actor,
    case: Case,
    panel_key: str,
    categories: Sequence[str],
    reason: str,
    referred_on: dt.date,
    acting_for: Owner | None = None,
) -> PanelReferral:
    """Refer the case to one of its profile's panels, in the panel's categories."""
    if not case.active:
        raise ValidationError("The case is closed: reopen it first")
    panels = case_panels(case)
    panel = panels.get(panel_key)
    errors: dict[str, str] = {}
    reason = reason.strip()
    if panel is None:
        profile = load_profile(case.profile_key)
        raise ValidationError(
            {
                "panel": f"{profile.name} has no panel called {panel_key!r}"
                if panels
                else f"{profile.name} holds no attendance panel"
            }
        )
    unknown = [key for key in categories if key not in panel.referral_criteria]
    if unknown:
        errors["categories"] = f"Choose the categories the {panel.name} takes"
    elif panel.referral_criteria and not categories:
        errors["categories"] = (
            f"Choose which of the {panel.name}'s categories the child is referred under "
            f"({panel.source})"
        )
    if not reason:
        errors["reason"] = (
            "Say why the case goes to the panel: the absence, the work done so far and its effect"
        )
    if referred_on > clock.today():
        errors["referred_on"] = "The referral date cannot be in the future"
    waiting = (
        PanelReferral.objects.filter(case=case, panel_key=panel_key, sittings__isnull=True)
        .order_by("referred_on", "id")
        .first()
    )
    if waiting is not None:
        errors["panel"] = (
            f"The case was referred to the {panel.name} on {waiting.referred_on:%-d %B %Y} "
            "and the panel has not been arranged yet: arrange that one"
        )
    if errors:
        raise ValidationError(errors)
    referral = PanelReferral.objects.create(
        case=case,
        panel_key=panel_key,
        panel_name=panel.name,
        categories=[{"key": key, "label": panel.referral_criteria[key]} for key in categories],
        reason=reason,
        referred_on=referred_on,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        organisation_label=(acting_for or case.owner).name,
    )
    summary = f"Referred to the {panel.name}"
    details = []
    if referral.categories:
        details.append(f"Categories: {'; '.join(c['label'] for c in referral.categories)}")
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.PANEL_REFERRAL,
        on=referred_on,
        summary=summary,
        rationale="\n".join([*details, f"Why: {reason}", f"Source: {panel.source}"]),
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_PANEL_REFER, summary, referral=referral.pk, panel=panel_key)
    return referral


def panel_invitation_errors(
    *,
    case: Case,
    referral: PanelReferral | None,
    on: dt.date,
    invited_on: dt.date,
    parents: Sequence[CarerLink],
    invited: Sequence[CarerLink],
    social_worker_invited: bool,
    late_invitation_reason: str,
) -> tuple[dict[str, str], int | None]:
    """What stops a panel being arranged as invited, and the sitting it would be."""
    panels = case_panels(case)
    if referral is None:
        if panels:
            names = " or the ".join(panel.name for panel in panels.values())
            first = f"Refer the case to the {names} first: a panel sits on a referral"
            return {"kind": first}, None
        return {}, None
    panel = panels.get(referral.panel_key)
    if referral.case_id != case.pk or panel is None:
        return {"panel_referral": "Choose one of this case's panel referrals"}, None
    errors: dict[str, str] = {}
    sitting = CaseMeeting.objects.filter(panel_referral=referral).count() + 1
    if sitting > panel.sittings:
        errors["panel_referral"] = (
            f"The {panel.name} has sat on this referral as often as it may "
            f"({panel.sittings}, {panel.source}): refer the case again"
        )
    left_out = [link.carer.full_name for link in parents if link not in invited]
    if left_out:
        errors["parents"] = (
            f"Invite {' and '.join(left_out)} too: every parent is invited to a panel (EA96 s576)"
        )
    pupil = case.pupil
    placed_with_parents = any(link.lives_with_pupil for link in parents)
    if panel.invite_social_worker_when_looked_after and pupil.looked_after and placed_with_parents:
        if not pupil.social_worker_name:
            errors["social_worker_invited"] = (
                f"{pupil.display_name} is looked after and placed with parents: record the "
                "social worker on the child's record first, so they can be invited with the "
                f"parents ({panel.source})"
            )
        elif not social_worker_invited:
            errors["social_worker_invited"] = (
                f"{pupil.display_name} is looked after and placed with parents: invite the "
                f"social worker, {pupil.social_worker_name}, with the parents ({panel.source})"
            )
    notice = panel.invitation_notice
    if notice is not None and not late_invitation_reason.strip() and invited_on <= on:
        calendar = school_calendar(school=case.school)
        due_by = calendar.period_end(invited_on, notice.amount, notice.unit)
        if due_by is not None and due_by > on:
            errors["late_invitation_reason"] = (
                f"The invitations went out on {invited_on:%-d %B %Y}, less than {notice} "
                f"before the panel on {on:%-d %B %Y} ({panel.source}): say why they went late"
            )
    return errors, sitting


def panel_record_errors(
    *,
    meeting: CaseMeeting,
    members_present: str,
    outcomes: Sequence[str],
    decision: str,
    a_parent_came: bool,
) -> dict[str, str]:
    """What a panel's record must hold beyond an ordinary meeting's."""
    referral = meeting.panel_referral
    if referral is None:
        return {}
    panel = panel_for(referral)
    errors: dict[str, str] = {}
    if not members_present.strip():
        errors["members_present"] = "Name the panel members there, one a line: name and role"
    allowed = panel.outcomes if panel is not None else tuple(OUTCOME_LABELS)
    if not outcomes:
        errors["panel_outcomes"] = "Choose what the panel decided"
    elif any(outcome not in allowed for outcome in outcomes):
        errors["panel_outcomes"] = "Choose only the outcomes listed"
    elif CONTRACT_OUTCOME in outcomes and not a_parent_came:
        errors["panel_outcomes"] = (
            "The panel cannot agree an attendance contract: no parent came. A contract is "
            "agreed with a parent at the meeting, never drawn up in their absence "
            "(WTISA, August 2024)"
        )
    if not decision.strip():
        errors["decision"] = "Say what the panel decided and why"
    return errors


def outcome_labels(keys: Sequence[str]) -> list[str]:
    return [OUTCOME_LABELS.get(key, key) for key in keys]  # type: ignore[call-overload]
