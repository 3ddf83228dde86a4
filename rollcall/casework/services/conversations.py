"""Return-to-school conversations: when a child comes back after an absence, someone at the
school talks with them (and often a parent) about why they were away and what would help
(ESX 'What else will be made available': the return to school conversation template; LEE
'Stage 1b - Escalated school phase': in-school re-integration strategies to support a return
to school). What is said with the child alone is marked: it cannot be used as evidence (ESX
'Pre-referral evidence')."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.models import Case, CaseEvent, MeetingRecord, ReturnConversation
from rollcall.casework.services.cases import Owner, _audit, _event
from rollcall.casework.services.meetings import NOT_EVIDENCE, barrier_labels, long_date
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label
from rollcall.core.types import Actor


@transaction.atomic
def return_conversation_record(
    *,
    actor: Actor,
    case: Case,
    held_on: dt.date,
    absence_from: dt.date,
    absence_to: dt.date,
    held_with: str,
    held_by: str,
    what_was_said: str,
    barriers: Sequence[str] = (),
    next_steps: str = "",
    acting_for: Owner | None = None,
) -> ReturnConversation:
    """Record a return-to-school conversation on the case."""
    if not case.active:
        raise ValidationError("The case is closed: reopen it first")
    errors: dict[str, str] = {}
    held_by = held_by.strip()
    what_was_said = what_was_said.strip()
    if held_with not in ReturnConversation.With.values:
        errors["held_with"] = "Choose who the conversation was with"
    if not held_by:
        errors["held_by"] = "Say who at the school had the conversation"
    if not what_was_said:
        errors["what_was_said"] = "Write what was said about the absence and what would help"
    if absence_to < absence_from:
        errors["absence_to"] = "The absence ends on or after the day it began"
    if held_on > clock.today():
        errors["held_on"] = "A conversation is recorded once it has been held"
    elif held_on < absence_from:
        errors["held_on"] = "The conversation follows the absence: check the dates"
    if any(b not in MeetingRecord.Barrier.values for b in barriers):
        errors["barriers"] = "Choose the barriers from the list"
    if errors:
        raise ValidationError(errors)
    talk = ReturnConversation.objects.create(
        case=case,
        held_on=held_on,
        absence_from=absence_from,
        absence_to=absence_to,
        held_with=held_with,
        held_by=held_by[:200],
        what_was_said=what_was_said,
        barriers=list(barriers),
        next_steps=next_steps.strip(),
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        organisation_label=(acting_for or case.owner).name,
    )
    span = (
        long_date(absence_from)
        if absence_from == absence_to
        else f"{long_date(absence_from)} to {long_date(absence_to)}"
    )
    summary = (
        f"Return-to-school conversation after the absence of {span}, with "
        f"{talk.get_held_with_display().lower()}"
        + (f": {NOT_EVIDENCE}" if talk.with_child_alone else "")
    )
    lines = [f"Held by {held_by}", f"What was said: {what_was_said}"]
    if talk.barriers:
        lines.append("Barriers found: " + "; ".join(barrier_labels(talk.barriers)))
    if talk.next_steps:
        lines.append(f"Next steps: {talk.next_steps}")
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.RETURN_CONVERSATION,
        on=held_on,
        summary=summary,
        rationale="\n".join(lines),
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_RETURN_CONVERSATION, summary, conversation=talk.pk)
    return talk
