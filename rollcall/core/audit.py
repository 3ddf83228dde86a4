"""Writing audit events from services."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from rollcall.core import clock
from rollcall.core.models import AuditEvent
from rollcall.core.types import Actor

SYSTEM_ACTOR = "rollcall (system)"


class Verb(models.TextChoices):
    """Every kind of audit event rollcall writes, with a label for reading the log.

    The values are stored in ``AuditEvent.verb``; never change one that has been written, add a
    new member instead. The labels are not stored, so they may be reworded freely.
    """

    # accounts
    USER_CREATE = "user.create", "User added"
    MEMBERSHIP_ADD = "membership.add", "Membership added"
    SIGN_IN_LOCK_OUT = "sign_in.lock_out", "Sign-in locked out"
    SIGN_IN_UNLOCK = "sign_in.unlock", "Sign-in unlocked"
    API_TOKEN_ISSUE = "api_token.issue", "API token issued"
    API_TOKEN_REVOKE = "api_token.revoke", "API token revoked"
    # organisations
    LOCAL_AUTHORITY_CREATE = "local_authority.create", "Local authority added"
    TRUST_CREATE = "trust.create", "Trust added"
    SCHOOL_CREATE = "school.create", "School added"
    TERM_CREATE = "term.create", "Term added"
    CLOSURE_CREATE = "closure.create", "Closure added"
    REGISTRATION_GROUP_CREATE = "registration_group.create", "Registration group added"
    # pupils
    FAMILY_CREATE = "family.create", "Family added"
    PUPIL_CREATE = "pupil.create", "Pupil added"
    CARER_CREATE = "carer.create", "Parent/carer added"
    CARER_LINK_CREATE = "carer_link.create", "Parent/carer linked to pupil"
    ENROLMENT_CREATE = "enrolment.create", "Enrolment started"
    ENROLMENT_END = "enrolment.end", "Enrolment ended"
    CONDITION_SET = "condition.set", "Condition on recording absence set"
    CONDITION_LIFT = "condition.lift", "Condition on recording absence lifted"
    # registers
    REGISTER_TAKE = "register.take", "Register taken"
    MARK_RECORD = "mark.record", "Mark recorded"
    MARK_AMEND = "mark.amend", "Mark amended"
    MARKS_BULK_RECORD = "marks.bulk_record", "Marks recorded in bulk"
    MARKS_BULK_AMEND = "marks.bulk_amend", "Marks amended in bulk"
    PART_TIME_TIMETABLE_CREATE = "part_time_timetable.create", "Part-time timetable added"
    PART_TIME_TIMETABLE_CHANGE = "part_time_timetable.change", "Part-time timetable changed"
    OTHER_SCHOOL_SESSIONS_SET = "other_school_sessions.set", "Sessions at another school set"
    LEAVE_REQUEST_RECORD = "leave_request.record", "Leave of absence request recorded"
    LEAVE_DECIDE = "leave_request.decide", "Leave of absence decided"
    LEAVE_RESPONSE_RECORD = "leave_request.respond", "Response to a parent about leave recorded"
    # transfers
    MARKS_IMPORT = "marks.import", "Marks imported"
    MARKS_EXPORT = "marks.export", "Marks exported"
    CTF_IMPORT = "ctf.import", "CTF imported"
    CTF_EXPORT = "ctf.export", "CTF exported"
    CERTIFICATE_ISSUE = "certificate.issue", "Attendance certificate issued"
    # casework and analytics
    CHRONOLOGY_ADD = "chronology.add", "Chronology entry added"
    WORKLIST_ITEM_CREATE = "worklist_item.create", "Worklist item added"
    WORKLIST_ITEM_COMPLETE = "worklist_item.complete", "Worklist item completed"
    WORKLIST_ITEM_CONFIRM = "worklist_item.confirm", "Worklist item no longer provisional"
    WORKLIST_ITEM_WITHDRAW = "worklist_item.withdraw", "Worklist item withdrawn"
    WORKLIST_ITEM_REOPEN = "worklist_item.reopen", "Worklist item reopened"
    CASE_OPEN = "case.open", "Case opened"
    CASE_MOVE = "case.move", "Case moved to another stage"
    CASE_CLOSE = "case.close", "Case closed"
    CASE_REOPEN = "case.reopen", "Case reopened"
    CASE_TASK_DONE = "case_task.done", "Case task done"
    CASE_NOTE_ADD = "case.note_add", "Case note added"
    CASE_FAST_TRACK_START = "case.fast_track_start", "Fast Track started"
    CASE_DOCUMENT_ADD = "case.document_add", "Document added to a case"
    CASE_ACCESS_GRANT = "case_access.grant", "Access to a school's cases granted"
    CASE_ACCESS_REVOKE = "case_access.revoke", "Access to a school's cases revoked"
    SEVERE_ABSENCE_EXPORT = "severe_absence.export", "Severe absence list downloaded"
    HOME_VISIT_RECORD = "home_visit.record", "Home visit recorded"
    CHECKLIST_MARK = "checklist.mark", "Referral checklist item marked"
    AGENCY_REFERRAL_RECORD = "agency_referral.record", "Referral to another service recorded"
    AGENCY_RESPONSE_RECORD = "agency_response.record", "Answer from another service recorded"
    CASE_CONSENT_RECORD = "case.consent_record", "Consent to share information recorded"
    CASE_HOME_LA_SET = "case.home_local_authority_set", "Case's home local authority set"
    CASE_MEETING_ARRANGE = "case.meeting_arrange", "Case meeting arranged"
    CASE_MEETING_RECORD = "case.meeting_record", "Case meeting recorded"
    CASE_PANEL_REFER = "case.panel_refer", "Case referred to an attendance panel"
    CASE_RETURN_CONVERSATION = "case.return_conversation", "Return-to-school conversation recorded"
    CASE_SUPPORT_PLAN_SET = "case.support_plan_set", "Support plan set"
    CASE_CONTRACT_AGREE = "case.contract_agree", "Attendance contract agreed"
    CASE_CONTRACT_SIGN = "case.contract_sign", "Attendance contract signed"
    CASE_TARGET_REVIEW = "case.target_review", "Attendance target reviewed"
    # letters
    LETTER_DRAFT = "letter.draft", "Letter prepared"
    LETTER_DRAFT_EDIT = "letter.draft_edit", "Letter reworded before issue"
    LETTER_ISSUE = "letter.issue", "Letters issued to each parent"
    LETTER_POST = "letter.post", "Letter posted"
    LETTER_HAND = "letter.hand", "Letter delivered by hand"
    LETTER_EMAIL = "letter.email", "Letter emailed"
    LETTER_BOUNCE = "letter.bounce", "Letter email bounce recorded"
    LETTER_BATCH = "letter.batch", "Letters in bulk requested"
    LETTER_BATCH_RUN = "letter.batch_run", "Letters in bulk run"


def actor_label(actor: Actor) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    full_name = actor.get_full_name()
    username = actor.get_username()
    return f"{full_name} ({username})" if full_name else username


def audit_record(
    *,
    actor: Actor,
    verb: Verb,
    target: models.Model,
    summary: str,
    school_urn: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Must be called inside the writing service's transaction."""
    if not isinstance(verb, Verb):
        raise TypeError(f"audit_record needs a Verb, not {verb!r}: add the kind to Verb first")
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return AuditEvent.objects.create(
        occurred_at=clock.now(),
        actor=actor,
        actor_label=actor_label(actor),
        verb=verb,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        school_urn=school_urn,
        summary=summary[:500],
        payload=payload or {},
    )
