"""Reads for letters: who a letter goes to, whether an email address is a parent's own, the
record's values a letter is filled from, and a case's letters. The case itself is always read
first through `rollcall.casework.selectors.case_for`, scoped to the user's organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from rollcall import statutory
from rollcall.casework.meeting_selectors import case_parents, percent_text, period_figures
from rollcall.casework.models import (
    AttendanceContract,
    Case,
    CaseMeeting,
    MeetingRecord,
    ReturnConversation,
    SupportPlan,
)
from rollcall.casework.services.cases import due_after
from rollcall.casework.services.meetings import barrier_labels, parent_names
from rollcall.letters.catalogue import Wording, wording_version
from rollcall.letters.models import (
    Bounce,
    Letter,
    LetterBatch,
    LetterBatchEmail,
    LetterBatchItem,
    LetterBatchLetter,
    LetterBatchRefusal,
    LetterBatchRun,
    LetterBatchRunEnd,
    LetterDraft,
    Sending,
)
from rollcall.letters.render import salutation
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.policies import load_profile
from rollcall.policies.documents import Letter as LetterEntry
from rollcall.pupils.models import Carer, CarerLink
from rollcall.registers.models import LeaveRequest


def long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def clock_time(time: dt.time) -> str:
    """'9:30am', '2pm' (GOV.UK style)."""
    hour = time.hour % 12 or 12
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{'am' if time.hour < 12 else 'pm'}"


def letter_recipients(*, case: Case, entry: LetterEntry) -> list[CarerLink]:
    """The parents (EA96 s576) who each get their own copy of this letter: every parent with
    parental responsibility or the child's care, or only those with parental responsibility
    where the profile says so (LEE: panel invitations go to each parent with it)."""
    parents = case_parents(case=case)
    if entry.recipients == "parental_responsibility":
        return [link for link in parents if link.parental_responsibility]
    return parents


def email_shared_with(*, carer: Carer) -> list[Carer]:
    """Other people recorded with this carer's email address: a shared address is not the
    parent's own (ESX: never send to a shared address such as a family's)."""
    if not carer.email:
        return []
    return list(Carer.objects.filter(email__iexact=carer.email.strip()).exclude(pk=carer.pk))


def postal_address(carer: Carer) -> tuple[str, ...]:
    return tuple(
        part
        for part in (carer.address_line_1, carer.address_line_2, carer.town, carer.postcode)
        if part.strip()
    )


def letter_salutation(letter: Letter) -> str:
    """Who a letter's email and Word copy greet, as its PDF does: "Ms Stone", "Headteacher".
    Letters made before the greeting was kept greeted their parent by title and surname."""
    if letter.salutation:
        return letter.salutation
    carer = letter.carer
    assert carer is not None  # every letter to a school keeps its greeting
    return salutation(title=carer.title, forename=carer.forename, surname=carer.surname)


def letter_school_name(letter: Letter) -> str:
    """The school a letter to a school went to, as printed on it ('' on a letter to a parent)."""
    if not letter.to_school:
        return ""
    if letter.address:
        return letter.address.splitlines()[0]
    return letter.school.name if letter.school is not None else letter.recipient_name


@dataclass(frozen=True)
class SchoolAddressee:
    """Whom a letter to a school goes to: its headteacher, at the school's address."""

    school: School | None  # None: a school outside rollcall, written in by the officer
    name: str
    address: tuple[str, ...]
    headteacher: str  # "Mrs Amina Khan, Headteacher"; "The Headteacher" when no name is kept
    greeting: str  # "Mrs Khan"; "Headteacher"
    email: str  # the school's recorded address for letters, or ""
    relationship: str  # "Ada's school"; "the school to be named in Ada's School Attendance Order"


def school_addressee(
    *, school: School | None, name: str, address: str, relationship: str
) -> SchoolAddressee:
    """The headteacher of `school` as rollcall records them, or of the school the officer wrote
    in (`name`, `address` one line a line) when it is not one in rollcall."""
    if school is None:
        lines = tuple(line.strip() for line in address.splitlines() if line.strip())
        return SchoolAddressee(
            None, name.strip(), lines, "The Headteacher", "Headteacher", "", relationship
        )
    head = " ".join(
        part.strip()
        for part in (
            school.headteacher_title,
            school.headteacher_forename,
            school.headteacher_surname,
        )
        if part.strip()
    )
    greeting = "Headteacher"
    if school.headteacher_surname.strip():
        greeting = salutation(
            title=school.headteacher_title,
            forename=school.headteacher_forename,
            surname=school.headteacher_surname,
        )
    return SchoolAddressee(
        school,
        school.name,
        school_address(school),
        f"{head}, Headteacher" if school.headteacher_surname.strip() else "The Headteacher",
        greeting,
        school.email.strip(),
        relationship,
    )


def draft_addressee(draft: LetterDraft) -> SchoolAddressee:
    """The school a draft to a school is addressed to, and its headteacher, as rollcall records
    them now (or as the officer wrote them in)."""
    pupil = draft.case.pupil
    child_first = pupil.preferred_forename or pupil.legal_forename
    wording = wording_version(draft.letter_key, draft.wording_version)
    relationship = (
        f"the school to be named in {child_first}'s School Attendance Order"
        if wording.names_a_school
        else f"{child_first}'s school"
    )
    return school_addressee(
        school=draft.school,
        name=draft.school_name,
        address=draft.school_address,
        relationship=relationship,
    )


def school_in_area(*, case: Case, school_id: int) -> School | None:
    """One of the schools in the case's area, or None."""
    return School.objects.filter(local_authority=case.school.local_authority, pk=school_id).first()


def schools_in_area(*, case: Case) -> list[School]:
    """The schools in the case's local authority area, by name: the schools a letter to a
    school may be addressed to from the list (another is written in)."""
    return list(School.objects.filter(local_authority=case.school.local_authority).order_by("name"))


def school_address(school: School) -> tuple[str, ...]:
    return tuple(
        part
        for part in (school.address_line_1, school.address_line_2, school.town, school.postcode)
        if part.strip()
    )


def case_meetings_for_letters(*, case: Case) -> list[CaseMeeting]:
    return list(CaseMeeting.objects.filter(case=case).order_by("-on", "-at", "-id"))


def case_meeting(*, case: Case, meeting_id: int) -> CaseMeeting | None:
    return CaseMeeting.objects.filter(case=case, pk=meeting_id).first()


def case_leave_requests(*, case: Case) -> list[LeaveRequest]:
    return list(
        LeaveRequest.objects.filter(pupil=case.pupil, school=case.school)
        .select_related("decision")
        .order_by("-received_on", "-id")
    )


def case_leave_request(*, case: Case, request_id: int) -> LeaveRequest | None:
    return (
        LeaveRequest.objects.filter(pupil=case.pupil, school=case.school, pk=request_id)
        .select_related("decision")
        .first()
    )


def support_offered(*, case: Case) -> str:
    """The support the case records as offered or agreed: plans' support and meetings'
    agreed actions, in order, each once."""
    offered: list[str] = []
    for plan in SupportPlan.objects.filter(case=case).order_by("starts_on", "id"):
        offered.extend(line.strip() for line in plan.support_offered.splitlines())
    for record in MeetingRecord.objects.filter(meeting__case=case).order_by("held_on", "id"):
        offered.extend(str(item.get("what", "")).strip() for item in record.support_agreed)
    return "; ".join(dict.fromkeys(line.rstrip(".") for line in offered if line))


def letter_fields(
    *,
    case: Case,
    wording: Wording,
    dated: dt.date,
    contact_name: str,
    organisation: str,
    period_from: dt.date | None,
    period_to: dt.date | None,
    meeting: CaseMeeting | None,
    leave_request: LeaveRequest | None,
) -> dict[str, str]:
    """The record's values a letter's placeholders are filled from. A value the record does
    not hold is left out: the letter shows '[not recorded]' there until the officer writes it."""
    pupil = case.pupil
    fields = {
        "child": f"{pupil.display_name}",
        "child_first": pupil.preferred_forename or pupil.legal_forename,
        "school": case.school.name,
        "organisation": organisation,
        "contact_name": contact_name,
    }
    offered = support_offered(case=case)
    if offered:
        fields["support_offered"] = offered
    notices = statutory.on(dated).penalty_notices
    if notices is not None:
        charge = notices.first_notice
        if charge.discounted is not None:
            fields["penalty_discounted"] = charge.discounted.amount_text
            fields["penalty_discounted_days"] = str(charge.discounted.within_days)
        fields["penalty_full"] = charge.full.amount_text
        fields["penalty_full_days"] = str(charge.full.within_days)
        exclusion = notices.exclusion_notice
        if "exclusion" in wording.needs and exclusion is not None:
            if exclusion.discounted is not None:
                fields["exclusion_penalty_discounted"] = exclusion.discounted.amount_text
                fields["exclusion_penalty_discounted_days"] = str(exclusion.discounted.within_days)
            fields["exclusion_penalty_full"] = exclusion.full.amount_text
            fields["exclusion_penalty_full_days"] = str(exclusion.full.within_days)
    if "period" in wording.needs and period_from is not None and period_to is not None:
        figures = period_figures(case=case, first=period_from, last=period_to)
        possible = int(str(figures["possible"]))
        present = int(str(figures["present"]))
        pct = figures["attendance_pct"]
        fields |= {
            "period_from": long_date(period_from),
            "period_to": long_date(period_to),
            "possible": str(possible),
            "present": str(present),
            "absent": str(possible - present),
            "authorised": str(figures["authorised"]),
            "unauthorised": str(figures["unauthorised"]),
            "attendance_pct": f"{pct}%" if pct is not None else "no sessions recorded",
        }
    if "meeting" in wording.needs and meeting is not None:
        fields |= {
            "meeting_day": f"{meeting.on:%A} {long_date(meeting.on)}",
            "meeting_time": clock_time(meeting.at),
            "meeting_venue": meeting.venue,
        }
        if meeting.alternatives_offered.strip():
            fields["meeting_alternatives"] = " ".join(meeting.alternatives_offered.split())
    if "fast_track" in wording.needs:
        fields |= _fast_track_fields(case, dated)
    record = getattr(meeting, "record", None) if meeting is not None else None
    if "meeting_record" in wording.needs and record is not None:
        fields |= _record_fields(record)
    if "contract" in wording.needs and meeting is not None:
        contract = meeting_contract(meeting=meeting)
        if contract is not None:
            fields |= _contract_fields(contract, child_first=fields["child_first"])
    if "return_conversation" in wording.needs:
        conversation = latest_return_conversation(case=case)
        if conversation is not None:
            fields |= _conversation_fields(conversation)
    orders = load_profile(case.profile_key).school_attendance_orders
    if "school_attendance_order" in wording.needs and orders is not None:
        fields |= {
            "sao_evidence_period": str(orders.evidence_period),
            "sao_school_response_period": str(orders.school_response_period),
            "sao_intention_period": str(orders.intention_period),
        }
    if "notice_to_improve" in wording.needs:
        notice = load_profile(case.profile_key).notice_to_improve
        if notice is not None:
            fields["nti_period"] = str(notice.period)
            ends = due_after(school_calendar(school=case.school), dated, notice.period)
            if ends.on is not None:
                fields["nti_ends_on"] = f"{ends.on:%A} {long_date(ends.on)}"
    if "leave_request" in wording.needs and leave_request is not None:
        fields |= {
            "leave_received_on": long_date(leave_request.received_on),
            "leave_from": f"{long_date(leave_request.first_day)} ({leave_request.first_session})",
            "leave_to": f"{long_date(leave_request.last_day)} ({leave_request.last_session})",
        }
        decision = getattr(leave_request, "decision", None)
        if decision is not None:
            fields["leave_decision"] = decision.get_outcome_display().lower()
            fields["leave_rationale"] = " ".join(decision.rationale.split())
    return fields


def _fast_track_fields(case: Case, dated: dt.date) -> dict[str, str]:
    """The Fast Track's periods from the letter's date on the school's calendar (LEE)."""
    fast_track = load_profile(case.profile_key).fast_track
    if fast_track is None:
        return {}
    calendar = school_calendar(school=case.school)
    fields = {
        "fast_track_monitoring": str(fast_track.monitoring_period),
        "fast_track_final": str(fast_track.final_period),
    }
    for name, period in (
        ("fast_track_monitoring_ends_on", fast_track.monitoring_period),
        ("fast_track_final_ends_on", fast_track.final_period),
    ):
        ends = due_after(calendar, dated, period)
        if ends.on is not None:
            fields[name] = f"{ends.on:%A} {long_date(ends.on)}"
    return fields


def meeting_contract(*, meeting: CaseMeeting) -> AttendanceContract | None:
    """The attendance contract agreed at the meeting, if one was."""
    return AttendanceContract.objects.filter(meeting=meeting).order_by("-id").first()


def _record_fields(record: MeetingRecord) -> dict[str, str]:
    agreed = [
        f"{item.get('what', '')} ({item.get('owner', '')}"
        + (f", by {long_date(dt.date.fromisoformat(item['due_on']))}" if item.get("due_on") else "")
        + ")"
        for item in record.support_agreed
        if item.get("what")
    ]
    fields = {
        "meeting_held_on": long_date(record.held_on),
        "meeting_minutes": " ".join(record.minutes.split()),
        "parents_present": parent_names(record.parents_present) or "no parent",
    }
    if agreed:
        fields["meeting_support_agreed"] = "; ".join(agreed)
    if record.decision.strip():
        fields["panel_decision"] = " ".join(record.decision.split())
    return fields


def latest_return_conversation(*, case: Case) -> ReturnConversation | None:
    """The case's most recent return-to-school conversation."""
    return ReturnConversation.objects.filter(case=case).order_by("-held_on", "-id").first()


def _conversation_fields(conversation: ReturnConversation) -> dict[str, str]:
    absence = (
        long_date(conversation.absence_from)
        if conversation.absence_from == conversation.absence_to
        else f"{long_date(conversation.absence_from)} to {long_date(conversation.absence_to)}"
    )
    fields = {
        "conversation_held_on": long_date(conversation.held_on),
        "conversation_absence": absence,
        "conversation_with": conversation.get_held_with_display().lower(),
        "conversation_held_by": conversation.held_by,
        "conversation_said": " ".join(conversation.what_was_said.split()),
        "conversation_barriers": "; ".join(barrier_labels(conversation.barriers)) or "none",
    }
    if conversation.next_steps.strip():
        fields["conversation_next_steps"] = " ".join(conversation.next_steps.split())
    return fields


def _contract_fields(contract: AttendanceContract, *, child_first: str) -> dict[str, str]:
    reviews = [long_date(dt.date.fromisoformat(day)) for day in contract.review_dates]
    pupil_actions = " ".join(contract.pupil_actions.split())
    return {
        "contract_target": f"{percent_text(contract.target_pct)}%",
        "contract_from": long_date(contract.starts_on),
        "contract_to": long_date(contract.ends_on),
        "contract_reviews": ", ".join(reviews) if reviews else long_date(contract.ends_on),
        "contract_school_support": " ".join(
            " ".join(part.split())
            for part in (contract.school_support, contract.la_support, contract.other_support)
            if part.strip()
        ),
        "contract_parent_actions": " ".join(contract.parent_actions.split()),
        "contract_period": contract.period,
        "contract_agreed_by": parent_names(contract.parents),
        "contract_pupil_actions": pupil_actions
        or f"nothing was asked of {child_first} in this contract",
    }


def case_drafts(*, case: Case) -> list[LetterDraft]:
    return list(LetterDraft.objects.filter(case=case, issued_at__isnull=True))


def case_draft(*, case: Case, draft_id: int) -> LetterDraft | None:
    return LetterDraft.objects.filter(case=case, pk=draft_id).first()


def case_letters(*, case: Case) -> QuerySet[Letter]:
    """The case's letters, newest first, with how each was sent and any bounce."""
    return (
        Letter.objects.filter(case=case)
        .select_related("carer")
        .prefetch_related(
            Prefetch(
                "sendings",
                queryset=Sending.objects.order_by("sent_on", "id").prefetch_related(
                    Prefetch("bounces", queryset=Bounce.objects.order_by("reported_on", "id"))
                ),
            )
        )
    )


def case_letter(*, case: Case, letter_id: int) -> Letter | None:
    return Letter.objects.filter(case=case, pk=letter_id).select_related("carer").first()


def letter_sending(*, letter: Letter, sending_id: int) -> Sending | None:
    return Sending.objects.filter(letter=letter, pk=sending_id).first()


def school_writer(*, user: object, school: School) -> bool:
    """Whether the user works at the school in a role that writes its cases' letters."""
    from rollcall.accounts.selectors import memberships_of
    from rollcall.casework.selectors import CASE_READERS

    return any(
        membership.school_id == school.pk and membership.role in CASE_READERS
        for membership in memberships_of(user=user)  # type: ignore[arg-type]
    )


def writer_schools(*, user: object) -> list[School]:
    """The schools where the user writes cases' letters, by name."""
    from rollcall.accounts.selectors import memberships_of
    from rollcall.casework.selectors import CASE_READERS

    schools: dict[int, School] = {}
    for membership in memberships_of(user=user):  # type: ignore[arg-type]
        if membership.school is not None and membership.role in CASE_READERS:
            schools[membership.school.pk] = membership.school
    return sorted(schools.values(), key=lambda school: school.name)


def school_batches(*, school: School, limit: int = 20) -> list[LetterBatch]:
    return list(LetterBatch.objects.filter(school=school).order_by("-requested_at", "-id")[:limit])


def school_batch(*, school: School, reference: str) -> LetterBatch | None:
    return LetterBatch.objects.filter(school=school, reference=reference).first()


@dataclass(frozen=True)
class BatchProgress:
    """Where a batch's latest run has got to, read from what has been recorded."""

    run: LetterBatchRun | None
    end: LetterBatchRunEnd | None
    steps: int  # a letter to issue for each item, and an email for each email item
    done: int
    refusals: list[tuple[str, str]]  # (child, reason) in this run
    task_status: str  # the queue's word for the task: READY, RUNNING, FAILED, SUCCESSFUL
    task_error: str


def batch_items(*, batch: LetterBatch) -> list[LetterBatchItem]:
    return list(batch.items.order_by("position"))


def batch_progress(*, batch: LetterBatch) -> BatchProgress:
    run = batch.runs.order_by("-number").first()
    items = batch.items.count()
    emails = batch.items.filter(channel=LetterBatchItem.Channel.EMAIL).count()
    done = LetterBatchLetter.objects.filter(item__batch=batch).count()
    done += LetterBatchEmail.objects.filter(item__batch=batch).count()
    end = LetterBatchRunEnd.objects.filter(run=run).first() if run is not None else None
    refusals = []
    if run is not None:
        names = {item.case_id: item.child_name for item in batch.items.all()}
        refusals = [
            (names.get(refusal.case_id, ""), refusal.reason)
            for refusal in LetterBatchRefusal.objects.filter(run=run).order_by("id")
        ]
    status, error = "", ""
    if run is not None and run.task_id:
        from django_tasks.exceptions import TaskResultDoesNotExist

        from rollcall.letters.tasks import letter_batch_run_task

        try:
            result = letter_batch_run_task.get_result(run.task_id)
        except TaskResultDoesNotExist:  # a purged task result reads as unknown
            status = ""
        else:
            status = str(result.status)
            if result.errors:
                error = result.errors[-1].exception_class_path
    return BatchProgress(run, end, items + emails, done, refusals, status, error)
