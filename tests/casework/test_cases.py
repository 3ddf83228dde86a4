"""Cases run by the policy profile: opening, stages, tasks on the school calendar, handing a
case to the LA, closing and reopening, and the chronology that holds every step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from rollcall.accounts.services import membership_add, user_create
from rollcall.casework.checklist import checklist_items
from rollcall.casework.models import Case, CaseEvent, CaseTask
from rollcall.casework.selectors import acting_for, case_for, cases_visible_to
from rollcall.casework.services.cases import (
    case_close,
    case_fast_track_start,
    case_move,
    case_note_add,
    case_open,
    case_reopen,
    case_task_done,
    checklist_mark,
)
from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.organisations.models import School
from rollcall.policies import load_profile
from rollcall.registers.services import MarkInput, marks_bulk_record
from tests.conftest import set_clock
from tests.factories import enrol, make_la, make_pupil, make_school

# Autumn 2024: half term is the week of 28 October (terms end 25 October, restart 4 November).
WEDNESDAY = dt.date(2024, 10, 9)


def _profile(school: School, key: str) -> School:
    School.objects.filter(pk=school.pk).update(policy_profile=key)
    school.refresh_from_db()
    return school


def _complete_checklist(case, actor, but: tuple[str, ...] = ()) -> None:
    """Mark every item of the case's referral checklist held, except `but`."""
    for key, _, _ in checklist_items(load_profile(case.profile_key)):
        if key not in but:
            checklist_mark(actor=actor, case=case, item=key, note="On file", on=WEDNESDAY)


def _user(username: str, role: str, **organisation) -> object:
    user = user_create(actor=None, username=username, password="a-long-test-password")
    membership_add(actor=None, user=user, role=role, **organisation)
    return user


@pytest.fixture
def clock(time_machine):
    set_clock(time_machine, WEDNESDAY, 11)


@pytest.fixture
def child(db, school):
    pupil = make_pupil(forename="Ada", surname="Stone")
    enrol(pupil, school, admitted_on=dt.date(2024, 9, 2))
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[
            MarkInput(upn=pupil.upn, date=day, session=session, code=code)
            for day, code in [
                (dt.date(2024, 9, 2), "/"),
                (dt.date(2024, 9, 3), "O"),
                (dt.date(2024, 9, 4), "I"),
                (dt.date(2024, 9, 5), "/"),
            ]
            for session, code in (("AM", code), ("PM", code if code != "/" else "\\"))
        ],
        source="import",
    )
    return pupil


def test_opening_a_case_records_who_when_why_and_the_figures_and_sets_the_stage_tasks(
    clock, school, child, officer
):
    hackney = _profile(school, "hackney")
    case = case_open(
        actor=officer,
        pupil=child,
        school=hackney,
        owner=hackney,
        on=WEDNESDAY,
        rationale="Attendance has fallen below 90 % since September",
    )
    assert (case.profile_key, case.stage_key, case.status) == (
        "hackney",
        "early_help_support",
        "open",
    )
    [opened] = case.events.all()
    assert opened.kind == CaseEvent.Kind.OPENED
    assert opened.recorded_by == officer
    assert opened.organisation_label == school.name
    assert "Early help and support" in opened.summary
    assert opened.rationale == "Attendance has fallen below 90 % since September"
    # 4 sessions present, 2 unauthorised (O), 2 authorised (I) out of 8
    assert opened.figures["possible"] == 8
    assert opened.figures["unauthorised"] == 2
    assert opened.figures["attendance_pct"] == 50.0
    tasks = {task.key: task for task in case.tasks.all()}
    assert set(tasks) == {
        "underlying_reasons",
        "meeting_invitation",
        "improvement_plan",
        "early_help_offer",
        "review_meeting",
        "review",
    }
    # "4 weeks" is calendar weeks: 9 October + 28 days, half term or not.
    assert tasks["review_meeting"].due_on == dt.date(2024, 11, 6)
    assert tasks["review_meeting"].period == "4 weeks"
    assert "HAC" in tasks["review_meeting"].source
    assert tasks["underlying_reasons"].due_on is None
    assert tasks["underlying_reasons"].undated_reason == "The profile sets no date for this"
    assert AuditEvent.objects.filter(verb="case.open", object_id=str(case.pk)).exists()


def test_a_rationale_is_required_and_one_open_case_per_child_per_organisation(
    clock, school, child, officer
):
    with pytest.raises(ValidationError, match="Say why"):
        case_open(
            actor=officer, pupil=child, school=school, owner=school, on=WEDNESDAY, rationale="  "
        )
    case_open(
        actor=officer,
        pupil=child,
        school=school,
        owner=school,
        on=WEDNESDAY,
        rationale="Pattern of Monday absence",
    )
    with pytest.raises(ValidationError, match="already has an open case"):
        case_open(
            actor=officer, pupil=child, school=school, owner=school, on=WEDNESDAY, rationale="Again"
        )
    # The LA may run its own case for the same child.
    la_case = case_open(
        actor=None,
        pupil=child,
        school=school,
        owner=school.local_authority,
        on=WEDNESDAY,
        rationale="Referred by the school nurse",
    )
    assert la_case.owner == school.local_authority
    assert Case.objects.filter(pupil=child).count() == 2


def test_the_database_holds_one_active_case_per_owner_even_past_the_service(
    clock, school, child, officer
):
    case = case_open(
        actor=officer,
        pupil=child,
        school=school,
        owner=school,
        on=WEDNESDAY,
        rationale="Pattern of Monday absence",
    )
    twin = Case(
        pupil=child,
        school=school,
        owner_school=school,
        owner_key=case.owner_key,
        profile_key="national",
        stage_key="monitor",
        stage_entered_on=WEDNESDAY,
        opened_on=WEDNESDAY,
        opened_at=case.opened_at,
        opened_by_label="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_school_weeks_period_over_half_term_ends_a_week_later(clock, school, child, officer):
    leeds = _profile(school, "leeds-bramley")
    case = case_open(
        actor=officer,
        pupil=child,
        school=leeds,
        owner=leeds,
        on=WEDNESDAY,
        rationale="Selected for Fast Track",
    )
    monitoring, final = case_fast_track_start(
        actor=officer, case=case, on=WEDNESDAY, rationale="Unauthorised absence every week"
    )
    # 20 school days after Wednesday 9 October: 12 school days to 25 October, the half
    # term (28 October - 1 November) skipped, 8 more from 4 November.
    assert monitoring.period == "20 school days"
    assert monitoring.due_on == dt.date(2024, 11, 13)
    assert final.period == "20 school days"
    assert final.counted_from == dt.date(2024, 11, 13)
    assert final.due_on == dt.date(2024, 12, 11)
    with pytest.raises(ValidationError, match="already on the Fast Track"):
        case_fast_track_start(actor=officer, case=case, on=WEDNESDAY, rationale="again")


def test_moving_needs_a_rationale_cancels_the_old_stage_tasks_and_snapshots_the_figures(
    clock, school, child, officer
):
    case = case_open(
        actor=officer,
        pupil=child,
        school=school,
        owner=school,
        on=WEDNESDAY,
        rationale="Pattern of absence spotted",
    )
    assert case.stage_key == "listen_and_understand"
    with pytest.raises(ValidationError, match="Say why"):
        case_move(
            actor=officer, case=case, to_stage="facilitate_support", on=WEDNESDAY, rationale=""
        )
    with pytest.raises(ValidationError, match="no stage 'panel'"):
        case_move(actor=officer, case=case, to_stage="panel", on=WEDNESDAY, rationale="x")
    case = case_move(
        actor=officer,
        case=case,
        to_stage="facilitate_support",
        on=WEDNESDAY,
        rationale="Barriers found: transport since the bus route changed",
    )
    moved = case.events.get(kind=CaseEvent.Kind.STAGE_CHANGED)
    assert moved.summary == "Moved on from Listen and understand to Facilitate support"
    assert (moved.from_stage, moved.to_stage) == ("listen_and_understand", "facilitate_support")
    assert moved.figures["unauthorised"] == 2
    old = case.tasks.get(key="talk_with_family")
    assert old.status == CaseTask.Status.CANCELLED
    assert old.note == "The case moved to the Facilitate support stage"
    assert case.tasks.filter(key="agree_support", status="open").exists()
    # Cases can step back as attendance improves.
    case = case_move(
        actor=officer,
        case=case,
        to_stage="monitor",
        on=WEDNESDAY,
        rationale="Attending every day for three weeks",
    )
    assert case.events.order_by("-id").first().summary == (
        "Moved back from Facilitate support to Monitor"
    )


def test_moving_into_the_transfer_stage_hands_the_case_to_the_la_and_the_school_still_sees_it(
    clock, school, child, officer
):
    la_officer = _user("la", "la_officer", local_authority=school.local_authority)
    case = case_open(
        actor=officer,
        pupil=child,
        school=school,
        owner=school,
        on=WEDNESDAY,
        rationale="Pattern of absence",
    )
    with pytest.raises(ValidationError, match="until the referral checklist is complete"):
        case_move(actor=officer, case=case, to_stage="enforce", on=WEDNESDAY, rationale="x")
    _complete_checklist(case, officer)
    case = case_move(
        actor=officer,
        case=case,
        to_stage="enforce",
        on=WEDNESDAY,
        rationale="Support refused at two meetings; threshold met",
    )
    assert case.status == Case.Status.REFERRED
    assert case.owner == school.local_authority
    assert case.referred_by_school == school
    assert case.events.filter(kind=CaseEvent.Kind.TRANSFERRED).exists()
    # Both read it; national profile: the school keeps working with the family.
    assert case_for(user=officer, case_id=case.pk) is not None
    assert case_for(user=la_officer, case_id=case.pk) is not None
    assert acting_for(user=officer, case=case) == school
    assert acting_for(user=la_officer, case=case) == school.local_authority
    note = case_note_add(
        actor=la_officer,
        case=case,
        on=WEDNESDAY,
        summary="Spoke to the GP",
        text="No medical reason known",
        nature="fact",
        consultation=True,
        acting_for=school.local_authority,
    )
    assert note.organisation_label == school.local_authority.name
    assert note.kind == CaseEvent.Kind.CONSULTATION


def test_leeds_schools_stop_writing_after_the_transfer_but_keep_reading(
    clock, school, child, officer
):
    leeds = _profile(school, "leeds-bramley")
    case = case_open(
        actor=officer, pupil=child, school=leeds, owner=leeds, on=WEDNESDAY, rationale="Concern"
    )
    # The Leeds prosecution checklist, the panel's checks and a Notice to Improve (or why
    # not) before the case transfers.
    _complete_checklist(case, officer, but=("child_views",))
    with pytest.raises(ValidationError, match="Missing: The child's feelings"):
        case_move(actor=officer, case=case, to_stage="case_transfer", on=WEDNESDAY, rationale="x")
    _complete_checklist(case, officer)
    case = case_move(
        actor=officer,
        case=case,
        to_stage="case_transfer",
        on=WEDNESDAY,
        rationale="Panel agreed legal action should be considered",
    )
    assert case.status == Case.Status.REFERRED
    assert case_for(user=officer, case_id=case.pk) is not None
    assert acting_for(user=officer, case=case) is None


def test_another_school_sees_and_changes_nothing(clock, school, child, officer):
    other = make_school(name="Other Primary")
    stranger = _user("stranger", "attendance_officer", school=other)
    teacher = _user("teacher", "teacher", school=school)
    analyst = _user("analyst", "la_analyst", local_authority=school.local_authority)
    elsewhere = _user("elsewhere", "la_officer", local_authority=make_la("990", "Elsewhere"))
    case = case_open(
        actor=officer, pupil=child, school=school, owner=school, on=WEDNESDAY, rationale="Concern"
    )
    for user in (stranger, teacher, analyst, elsewhere):
        assert case_for(user=user, case_id=case.pk) is None
        assert not cases_visible_to(user=user).exists()
        assert acting_for(user=user, case=case) is None


def test_closing_records_the_outcome_and_figures_and_reopening_keeps_the_history(
    clock, school, child, officer, time_machine
):
    case = case_open(
        actor=officer, pupil=child, school=school, owner=school, on=WEDNESDAY, rationale="Concern"
    )
    with pytest.raises(ValidationError, match="Choose an outcome"):
        case_close(actor=officer, case=case, outcome="happy", on=WEDNESDAY, rationale="x")
    case = case_close(
        actor=officer,
        case=case,
        outcome="improved",
        on=WEDNESDAY,
        rationale="Full attendance for six weeks",
    )
    assert (case.status, case.closed_on, case.get_outcome_display()) == (
        "closed",
        WEDNESDAY,
        "Attendance improved",
    )
    closed = case.events.get(kind=CaseEvent.Kind.CLOSED)
    assert closed.figures["possible"] == 8
    assert not case.tasks.filter(status="open").exists()
    # A new case for the same child may now be opened, or this one reopened.
    later = dt.date(2024, 11, 20)
    set_clock(time_machine, later, 10)
    case = case_reopen(actor=officer, case=case, on=later, rationale="Absent again since 4 Nov")
    assert case.status == "open" and case.outcome == "" and case.closed_on is None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "closed", "reopened"]
    assert case.tasks.filter(status="open", key="talk_with_family").exists()


def test_a_review_done_sets_the_next_review(clock, school, child, officer):
    trust_school = _profile(school, "peterborough-diocese-trust")
    case = case_open(
        actor=officer,
        pupil=child,
        school=trust_school,
        owner=trust_school,
        on=WEDNESDAY,
        rationale="Below 90 %",
        stage_key="formalise_support",
    )
    review = case.tasks.get(key="review")
    assert review.due_on == WEDNESDAY + dt.timedelta(weeks=6)
    with pytest.raises(ValidationError, match="what was done"):
        case_task_done(actor=officer, task=review, on=WEDNESDAY, note="")
    case_task_done(actor=officer, task=review, on=WEDNESDAY, note="Reviewed with mum")
    review.refresh_from_db()
    assert review.status == "done" and review.closed_by_label == "Olu Officer (officer)"
    [following] = case.tasks.filter(key="review", status="open")
    assert following.due_on == WEDNESDAY + dt.timedelta(weeks=6)
    assert case.events.filter(kind="task_done").count() == 1


def test_the_chronology_of_a_case_can_never_be_changed_or_deleted(clock, school, child, officer):
    case = case_open(
        actor=officer, pupil=child, school=school, owner=school, on=WEDNESDAY, rationale="Concern"
    )
    event = case.events.get()
    event.summary = "Something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(summary="Rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(opened_on=dt.date(2024, 9, 1))
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseTask.objects.filter(case=case).update(label="Rewritten")


def test_moving_on_needs_what_the_stage_asks_to_be_held_and_stepping_back_does_not(
    clock, school, child, officer
):
    hackney = _profile(school, "hackney")
    case = case_open(
        actor=officer,
        pupil=child,
        school=hackney,
        owner=hackney,
        on=WEDNESDAY,
        rationale="Below 90 %",
    )
    with pytest.raises(ValidationError, match=r"Missing: .*MASH Early Help Hub"):
        case_move(
            actor=officer,
            case=case,
            to_stage="statutory_intervention",
            on=WEDNESDAY,
            rationale="No engagement",
            held=["underlying_reasons"],
        )
    case = case_move(
        actor=officer,
        case=case,
        to_stage="prevention",
        on=WEDNESDAY,
        rationale="Attending every day since the plan",
    )
    case = case_move(
        actor=officer,
        case=case,
        to_stage="early_help_support",
        on=WEDNESDAY,
        rationale="Falling again",
    )
    needed = list(load_profile("hackney").stage("early_help_support").required_before_next)
    # The referral pack (HAC 'Referral to the local authority for prosecution') is on file.
    _complete_checklist(case, officer, but=(*needed, "notice_to_improve_or_reason"))
    with pytest.raises(ValidationError, match="Missing: A Notice to Improve was issued"):
        case_move(
            actor=officer,
            case=case,
            to_stage="statutory_intervention",
            on=WEDNESDAY,
            rationale="No engagement",
            held=needed,
        )
    checklist_mark(
        actor=officer,
        case=case,
        item="notice_to_improve_or_reason",
        on=WEDNESDAY,
        note="Not used: the parents refused every meeting (see letters of 3 and 10 Oct)",
    )
    case = case_move(
        actor=officer,
        case=case,
        to_stage="statutory_intervention",
        on=WEDNESDAY,
        rationale="No engagement",
        held=needed,
    )
    moved = case.events.order_by("-id").filter(kind="stage_changed").first()
    assert "Held before moving on: Identified and sought to address" in moved.rationale


def test_an_essex_referral_met_by_holiday_alone_needs_no_notice_to_improve(clock, school, officer):
    essex = _profile(school, "essex")
    holiday = make_pupil(forename="Hal", surname="Iday")
    enrol(holiday, essex, admitted_on=dt.date(2024, 9, 2))
    truant = make_pupil(forename="Tru", surname="Ant")
    enrol(truant, essex, admitted_on=dt.date(2024, 9, 2))
    for pupil, code in ((holiday, "G"), (truant, "O")):
        marks_bulk_record(
            actor=None,
            school=essex,
            marks=[
                MarkInput(upn=pupil.upn, date=dt.date(2024, 9, day), session=session, code=code)
                for day in (16, 17, 18, 19, 20)
                for session in ("AM", "PM")
            ],
            source="import",
        )
    for pupil in (holiday, truant):
        case = case_open(
            actor=officer,
            pupil=pupil,
            school=essex,
            owner=essex,
            on=WEDNESDAY,
            rationale="Threshold met",
        )
        _complete_checklist(case, officer, but=("notice_to_improve_or_reason",))
        if pupil is truant:
            with pytest.raises(ValidationError, match="Missing: A Notice to Improve was issued"):
                case_move(
                    actor=officer,
                    case=case,
                    to_stage="enforce",
                    on=WEDNESDAY,
                    rationale="Support refused",
                )
        else:
            moved = case_move(
                actor=officer,
                case=case,
                to_stage="enforce",
                on=WEDNESDAY,
                rationale="Ten days' holiday in term time, leave refused",
            )
            assert moved.status == Case.Status.REFERRED


def test_the_checklist_reads_meetings_plans_and_referrals_from_the_record(
    clock, school, child, officer
):
    from decimal import Decimal

    from rollcall.casework.checklist import referral_checklist
    from rollcall.casework.services.contracts import support_plan_set
    from rollcall.casework.services.meetings import meeting_arrange
    from rollcall.casework.services.referrals import agency_referral_record
    from rollcall.pupils.services import carer_create, carer_link_create

    hackney = _profile(school, "hackney")
    case = case_open(
        actor=officer,
        pupil=child,
        school=hackney,
        owner=hackney,
        on=WEDNESDAY,
        rationale="Below 90 %",
    )

    def state(key: str) -> tuple[str, str]:
        [item] = [i for i in referral_checklist(case=case, on=WEDNESDAY) if i.key == key]
        return item.state, item.how

    assert state("initial_meeting")[0] == "missing"
    mother = carer_create(actor=None, forename="Mia", surname="Stone")
    carer_link_create(
        actor=None,
        pupil=child,
        carer=mother,
        relationship="mother",
        parental_responsibility=True,
        lives_with_pupil=True,
    )
    meeting_arrange(
        actor=officer,
        case=case,
        kind="attendance",
        on=WEDNESDAY,
        at=dt.time(9, 0),
        venue="School office",
        invited_on=WEDNESDAY,
        parent_ids=[mother.pk],
        alternatives_offered="Any morning that week",
    )
    support_plan_set(
        actor=officer,
        case=case,
        starts_on=WEDNESDAY,
        target_pct=Decimal("92"),
        support_offered="Breakfast club place",
    )
    agency_referral_record(
        actor=officer,
        case=case,
        service="early_help",
        made_on=WEDNESDAY,
        reason="Mornings are hard",
        parents_told=True,
    )
    assert state("initial_meeting") == (
        "held",
        "From the record: Attendance meeting with the family arranged for 9 October 2024",
    )
    assert state("improvement_plan") == (
        "held",
        "From the record: Support plan from 9 October 2024",
    )
    assert state("early_help_offer")[0] == "held"
    assert state("review_meeting")[0] == "missing"  # no review yet
    assert state("attendance_certificate")[0] == "missing"
