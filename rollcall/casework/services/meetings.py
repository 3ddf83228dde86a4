"""Meetings on a case: arranging one (when, where, the alternatives offered, each parent invited
separately) and recording it once held (who came, the child's voice, the barriers found, the
support agreed, the minutes). Support agreed becomes the case's tasks, each with its owner and
date, so it is on the case's to-do and the worklist.

A meeting no parent came to is recorded as such, with what was offered (ESX 'Pre-referral
evidence': log the failure to engage); a meeting with the child alone is marked, since what is
said there cannot be used as evidence (ESX).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.meeting_selectors import case_parents
from rollcall.casework.models import (
    Case,
    CaseEvent,
    CaseMeeting,
    CaseTask,
    MeetingRecord,
    PanelReferral,
)
from rollcall.casework.services.cases import Owner, _audit, _event
from rollcall.casework.services.panels import (
    outcome_labels,
    panel_invitation_errors,
    panel_record_errors,
    sitting_name,
)
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label
from rollcall.core.types import Actor
from rollcall.pupils.models import CarerLink

SUPPORT_KEY = "meeting_support"
NOT_EVIDENCE = "what is said there cannot be used as evidence (ESX 'Pre-referral evidence')"
CASE_CLOSED = "The case is closed: reopen it first"


def long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def meeting_title(meeting: CaseMeeting) -> str:
    """ "Attendance meeting with the family"; a panel by its name and sitting."""
    referral = meeting.panel_referral
    if referral is None or meeting.sitting is None:
        return meeting.get_kind_display()
    return f"{referral.panel_name} ({sitting_name(meeting.sitting)} sitting)"


def _parent(link: CarerLink) -> dict[str, object]:
    return {
        "carer": link.carer_id,
        "name": link.carer.full_name,
        "relationship": link.get_relationship_display(),
    }


def parent_names(parents: Sequence[dict[str, object]]) -> str:
    return ", ".join(f"{p['name']} ({str(p['relationship']).lower()})" for p in parents)


def _active(case: Case) -> None:
    if not case.active:
        raise ValidationError(CASE_CLOSED)


def _organisation(case: Case, acting_for: Owner | None) -> str:
    return (acting_for or case.owner).name


@transaction.atomic
def meeting_arrange(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    on: dt.date,
    at: dt.time,
    venue: str,
    invited_on: dt.date,
    parent_ids: Sequence[int] = (),
    pupil_invited: bool = False,
    professionals: str = "",
    alternatives_offered: str = "",
    parents_not_invited_reason: str = "",
    panel_referral: PanelReferral | None = None,
    social_worker_invited: bool = False,
    late_invitation_reason: str = "",
    acting_for: Owner | None = None,
) -> CaseMeeting:
    """Arrange a meeting: the invitation, and who it went to (each parent on their own). A
    panel sits on a referral to it, with every parent invited (rollcall.casework.services.
    panels)."""
    _active(case)
    errors: dict[str, str] = {}
    venue = venue.strip()
    alternatives_offered = alternatives_offered.strip()
    parents_not_invited_reason = parents_not_invited_reason.strip()
    if kind not in CaseMeeting.Kind.values:
        errors["kind"] = "Choose what kind of meeting it is"
    if not venue:
        errors["venue"] = "Say where the meeting is"
    if invited_on > clock.today():
        errors["invited_on"] = "The invitation date cannot be in the future"
    elif invited_on > on:
        errors["invited_on"] = "The invitation is sent before the meeting"
    links = {link.carer_id: link for link in case_parents(case=case)}
    unknown = [carer for carer in parent_ids if carer not in links]
    if unknown:
        errors["parents"] = "Choose only the child's parents listed"
    invited = [links[carer] for carer in parent_ids if carer in links]
    child_alone = kind == CaseMeeting.Kind.CHILD_ALONE
    if child_alone:
        pupil_invited = True
        if invited:
            errors["parents"] = (
                "A meeting with the child alone has no parent invited: choose another kind "
                "of meeting to invite a parent"
            )
    elif kind in CaseMeeting.Kind.values:
        if not links:
            errors["parents"] = (
                f"No parent of {case.pupil.display_name} is recorded: add the child's parents "
                "and carers first, so each can be invited"
            )
        elif not invited and "parents" not in errors:
            errors["parents"] = "Choose the parents invited: each parent is invited separately"
        left_out = [link.carer.full_name for link in links.values() if link not in invited]
        if invited and left_out and not parents_not_invited_reason:
            errors["parents_not_invited_reason"] = (
                f"Say why {' and '.join(left_out)} {'is' if len(left_out) == 1 else 'are'} not "
                "invited: every parent is invited separately (EA96 s576)"
            )
        if not alternatives_offered:
            errors["alternatives_offered"] = (
                "Say what other days, times, places or ways to meet were offered, or why none "
                "were: the same time offered for every meeting is weak evidence (ESX)"
            )
    sitting = None
    if kind == CaseMeeting.Kind.PANEL:
        panel_errors, sitting = panel_invitation_errors(
            case=case,
            referral=panel_referral,
            on=on,
            invited_on=invited_on,
            parents=list(links.values()),
            invited=invited,
            social_worker_invited=social_worker_invited,
            late_invitation_reason=late_invitation_reason,
        )
        for field, message in panel_errors.items():
            errors.setdefault(field, message)
    elif panel_referral is not None:
        errors["kind"] = "A panel referral is arranged as an attendance panel"
    if errors:
        raise ValidationError(errors)
    worker = ""
    if sitting is not None and social_worker_invited and case.pupil.social_worker_name:
        contact = case.pupil.social_worker_contact
        worker = case.pupil.social_worker_name + (f", {contact}" if contact else "")
    meeting = CaseMeeting.objects.create(
        case=case,
        kind=kind,
        on=on,
        at=at,
        venue=venue,
        alternatives_offered=alternatives_offered,
        invited_on=invited_on,
        parents_invited=[_parent(link) for link in invited],
        parents_not_invited_reason=parents_not_invited_reason,
        pupil_invited=pupil_invited,
        professionals_invited=professionals.strip(),
        panel_referral=panel_referral if sitting is not None else None,
        sitting=sitting,
        social_worker_invited=worker,
        late_invitation_reason=late_invitation_reason.strip() if sitting is not None else "",
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        organisation_label=_organisation(case, acting_for),
    )
    who = [parent_names(meeting.parents_invited)] if invited else []
    if pupil_invited:
        who.append(case.pupil.display_name)
    if worker:
        who.append(f"{worker} (social worker)")
    who += [line for line in meeting.professionals_invited.splitlines() if line.strip()]
    summary = f"{meeting_title(meeting)} arranged for {long_date(on)} at {at:%H:%M}, {venue}" + (
        f": {NOT_EVIDENCE}" if child_alone else ""
    )
    details = [f"Invited on {long_date(invited_on)}: " + "; ".join(who)]
    if meeting.late_invitation_reason:
        details.append(f"Invited late, because: {meeting.late_invitation_reason}")
    if parents_not_invited_reason:
        details.append(f"Not invited, because: {parents_not_invited_reason}")
    if alternatives_offered:
        details.append(f"Alternatives offered: {alternatives_offered}")
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.MEETING_ARRANGED,
        on=invited_on,
        summary=summary,
        rationale="\n".join(details),
        acting_for=acting_for,
        with_figures=False,
    )
    _audit(case, actor, Verb.CASE_MEETING_ARRANGE, summary, meeting=meeting.pk, kind=kind)
    return meeting


@dataclass(frozen=True)
class SupportItem:
    """One piece of support agreed at a meeting: what, who does it and by when."""

    what: str
    owner: str
    due_on: dt.date


def _support_errors(items: Sequence[SupportItem], held_on: dt.date) -> str:
    for number, item in enumerate(items, start=1):
        if not item.what.strip():
            return f"Support {number}: say what was agreed"
        if not item.owner.strip():
            return f"Support {number}: say who will do it"
        if item.due_on < held_on:
            return f"Support {number}: the date it is due cannot be before the meeting"
    return ""


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    meeting: CaseMeeting,
    held_on: dt.date,
    minutes: str,
    parent_ids_present: Sequence[int] = (),
    parents_absent_note: str = "",
    pupil_present: bool = False,
    professionals_present: str = "",
    child_voice: str = "",
    barriers: Sequence[str] = (),
    barriers_note: str = "",
    support: Sequence[SupportItem] = (),
    members_present: str = "",
    panel_outcomes: Sequence[str] = (),
    decision: str = "",
    acting_for: Owner | None = None,
) -> MeetingRecord:
    """Record a meeting once held. Each piece of support agreed becomes a task on the case with
    its owner and due date. A panel's record names its members there and what it decided."""
    meeting = CaseMeeting.objects.select_related(
        "case__school", "case__pupil", "panel_referral"
    ).get(pk=meeting.pk)
    case = meeting.case
    _active(case)
    if MeetingRecord.objects.filter(meeting=meeting).exists():
        raise ValidationError(
            "This meeting is already recorded: add a note to the case to say more"
        )
    errors: dict[str, str] = {}
    minutes = minutes.strip()
    parents_absent_note = parents_absent_note.strip()
    barriers_note = barriers_note.strip()
    if not minutes:
        errors["minutes"] = "Write the minutes: what was discussed and decided"
    if held_on > clock.today():
        errors["held_on"] = "A meeting is recorded once it has been held: the date is in the future"
    elif held_on < meeting.invited_on:
        errors["held_on"] = (
            f"The meeting cannot be held before its invitations were sent "
            f"({long_date(meeting.invited_on)})"
        )
    links = {link.carer_id: link for link in case_parents(case=case)}
    if any(carer not in links for carer in parent_ids_present):
        errors["parents_present"] = "Choose only the child's parents listed"
    present = [links[carer] for carer in parent_ids_present if carer in links]
    if meeting.with_child_alone and present:
        errors["parents_present"] = "A meeting with the child alone has no parent there"
    if not present and not meeting.with_child_alone and not parents_absent_note:
        errors["parents_absent_note"] = (
            "No parent came: say what is known of why, and what was offered to them next "
            "(another meeting, a home visit, a call)"
        )
    unknown = [b for b in barriers if b not in MeetingRecord.Barrier.values]
    if unknown:
        errors["barriers"] = "Choose the barriers from the list"
    if MeetingRecord.Barrier.OTHER in barriers and not barriers_note:
        errors["barriers_note"] = "Say what the other barrier is"
    problem = _support_errors(support, held_on)
    if problem:
        errors["support"] = problem
    for field, message in panel_record_errors(
        meeting=meeting,
        members_present=members_present,
        outcomes=panel_outcomes,
        decision=decision,
        a_parent_came=bool(present),
    ).items():
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)
    kind = meeting_title(meeting)
    source = f"Agreed at the {kind[0].lower()}{kind[1:]} on {long_date(held_on)}"
    tasks = [
        CaseTask.objects.create(
            case=case,
            stage_key=case.stage_key,
            key=SUPPORT_KEY,
            label=item.what.strip()[:300],
            counted_from=held_on,
            due_on=item.due_on,
            source=source,
            created_at=clock.now(),
            owner_label=item.owner.strip()[:200],
        )
        for item in support
    ]
    record = MeetingRecord.objects.create(
        meeting=meeting,
        held_on=held_on,
        parents_present=[_parent(link) for link in present],
        parents_absent_note=parents_absent_note,
        pupil_present=pupil_present or meeting.with_child_alone,
        professionals_present=professionals_present.strip(),
        child_voice=child_voice.strip(),
        barriers=list(barriers),
        barriers_note=barriers_note,
        support_agreed=[
            {
                "what": task.label,
                "owner": task.owner_label,
                "due_on": task.due_on.isoformat() if task.due_on else None,
                "task": task.pk,
            }
            for task in tasks
        ],
        minutes=minutes,
        members_present=members_present.strip() if meeting.panel_referral else "",
        panel_outcomes=list(panel_outcomes) if meeting.panel_referral else [],
        decision=decision.strip() if meeting.panel_referral else "",
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        organisation_label=_organisation(case, acting_for),
    )
    summary = _held_summary(meeting, record, len(tasks))
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.MEETING_HELD,
        on=held_on,
        summary=summary,
        rationale=record_text(meeting, record),
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_MEETING_RECORD, summary, meeting=meeting.pk, support=len(tasks))
    return record


def _held_summary(meeting: CaseMeeting, record: MeetingRecord, support: int) -> str:
    kind = meeting_title(meeting)
    if meeting.with_child_alone:
        return f"{kind} held: {NOT_EVIDENCE}"
    came = record.parents_present
    who = f"{parent_names(came)} came" if came else "no parent came"
    agreed = f"; {support} support action{'s' if support != 1 else ''} agreed" if support else ""
    decided = ""
    if record.panel_outcomes:
        decided = "; decided: " + ", ".join(outcome_labels(record.panel_outcomes)).lower()
    return f"{kind} held: {who}{decided}{agreed}"


def barrier_labels(keys: Sequence[str]) -> list[str]:
    return [MeetingRecord.Barrier(key).label for key in keys]


def record_text(meeting: CaseMeeting, record: MeetingRecord) -> str:
    """The record of a meeting as the chronology reads it."""
    came = {p["carer"] for p in record.parents_present}
    absent = [p for p in meeting.parents_invited if p["carer"] not in came]
    lines = []
    if record.parents_present:
        lines.append(f"Parents there: {parent_names(record.parents_present)}")
    elif not meeting.with_child_alone:
        lines.append("No parent came.")
    if absent:
        lines.append(f"Invited but not there: {parent_names(absent)}")
    if record.parents_absent_note:
        lines.append(f"Why, and what was offered next: {record.parents_absent_note}")
    if meeting.alternatives_offered and not record.parents_present:
        lines.append(f"Alternatives offered with the invitation: {meeting.alternatives_offered}")
    if record.pupil_present:
        lines.append(f"{meeting.case.pupil.display_name} was there.")
    if record.members_present:
        lines.append("Panel members there: " + "; ".join(record.members_present.splitlines()))
    if record.professionals_present:
        lines.append("Professionals there: " + "; ".join(record.professionals_present.splitlines()))
    if record.child_voice:
        lines.append(f"The child's voice: {record.child_voice}")
    if record.barriers:
        note = f" ({record.barriers_note})" if record.barriers_note else ""
        lines.append("Barriers found: " + "; ".join(barrier_labels(record.barriers)) + note)
    for item in record.support_agreed:
        due = dt.date.fromisoformat(item["due_on"]) if item.get("due_on") else None
        when = f" by {long_date(due)}" if due else ""
        lines.append(f"Support agreed: {item['what']} ({item['owner']}{when})")
    if record.panel_outcomes:
        lines.append("The panel decided: " + "; ".join(outcome_labels(record.panel_outcomes)))
    if record.decision:
        lines.append(f"Decision and reasons: {record.decision}")
    lines.append(f"Minutes: {record.minutes}")
    return "\n".join(lines)
