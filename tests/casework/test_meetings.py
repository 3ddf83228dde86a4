"""Meetings on a case as an officer records them: the invitation to each parent, who came, the
child's voice, the barriers and the support agreed, which becomes owned, dated tasks on the
case and the worklist; a support plan set without a parent and reviewed against its target;
and nothing recorded can be changed or deleted."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rollcall.casework.models import (
    CaseEvent,
    CaseMeeting,
    CaseTask,
    MeetingRecord,
    SupportPlan,
    TargetReview,
)
from rollcall.casework.services.contracts import support_plan_set, target_review
from rollcall.casework.services.meetings import SupportItem, meeting_arrange, meeting_record
from rollcall.core.models import AppendOnlyError, AuditEvent
from tests.analytics.conftest import record, signed_in
from tests.casework.meetings_world import world
from tests.conftest import set_clock

pytestmark = pytest.mark.django_db
D = dt.date
# Three school weeks from a Monday: 27 of 30 sessions attended, 3 unauthorised (O).
THREE_WEEKS = "O O . . . . . . . . " + ". . . . . . . . . . " + ". . . . . . . . O ."


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _arranged(w, kind="attendance"):
    return meeting_arrange(
        actor=w.officer,
        case=w.case,
        kind=kind,
        on=D(2025, 3, 10),
        at=dt.time(9, 30),
        venue="Riverside Primary School",
        invited_on=D(2025, 3, 3),
        parent_ids=[w.mother.pk, w.father.pk] if kind != "child_alone" else [],
        alternatives_offered="A home visit, or an after-school time on Thursday",
    )


def test_an_officer_invites_each_parent_records_the_meeting_and_its_support_shows_on_the_worklist(
    client, time_machine
):
    set_clock(time_machine, D(2025, 3, 10), 15)
    w = world("hackney")
    browser = signed_in(client, "officer")
    case_url = f"/cases/{w.case.pk}"

    form = {
        "kind": "attendance",
        **_date("on", D(2025, 3, 10)),
        "at": "09:30",
        "venue": "Riverside Primary School",
        "parents": [str(w.mother.pk)],
        "pupil_invited": "on",
        "professionals": "Ms Reed, SENCO",
        "alternatives_offered": "",
        **_date("invited_on", D(2025, 3, 3)),
    }
    refused = _text(browser.post(f"{case_url}/meetings/new", form))
    assert "Say why Sam Reed is not invited: every parent is invited separately" in refused
    assert "Say what other days, times, places or ways to meet were offered" in refused
    assert not CaseMeeting.objects.exists()

    form |= {
        "parents": [str(w.mother.pk), str(w.father.pk)],
        "alternatives_offered": "A home visit, or Thursday after school",
    }
    done = browser.post(f"{case_url}/meetings/new", form)
    assert done.status_code == 302
    meeting = CaseMeeting.objects.get()
    assert [p["name"] for p in meeting.parents_invited] == ["Jo Stone", "Sam Reed"]

    held = {
        **_date("held_on", D(2025, 3, 10)),
        "parents_present": [str(w.mother.pk)],
        "pupil_present": "on",
        "professionals_present": "Ms Reed, SENCO",
        "child_voice": "I don't like the walk past the park on my own",
        "barriers": ["transport", "bullying"],
        "support_1": "Walking bus from the corner of Mill Lane",
        "owner_1": "Mrs Khan, family support worker",
        **_date("due_1", D(2025, 3, 14)),
        "support_2": "Meet the form tutor weekly",
        "owner_2": "",
        "minutes": "Mother worried about the route; agreed support.",
    }
    refused = _text(browser.post(f"{case_url}/meetings/{meeting.pk}", held))
    assert "Say who will do it" in refused
    assert not MeetingRecord.objects.exists()
    held |= {"support_2": ""}
    assert browser.post(f"{case_url}/meetings/{meeting.pk}", held).status_code == 302

    task = CaseTask.objects.get(key="meeting_support")
    assert (task.label, task.owner_label, task.due_on) == (
        "Walking bus from the corner of Mill Lane",
        "Mrs Khan, family support worker",
        D(2025, 3, 14),
    )
    page = _text(browser.get(case_url))
    assert "Owner: Mrs Khan, family support worker" in page
    assert "Jo Stone (mother) came" in page
    assert "Invited but did not come Sam Reed (father)" in page
    assert "I don't like the walk past the park on my own" in page
    assert "Transport; Bullying" in page

    worklist = _text(browser.get("/analytics/worklist"))
    assert "Walking bus from the corner of Mill Lane" in worklist
    assert "Owner: Mrs Khan, family support worker" in worklist
    assert "Due 14 Mar 2025" in worklist

    event = w.case.events.get(kind=CaseEvent.Kind.MEETING_HELD)
    assert "Support agreed: Walking bus from the corner of Mill Lane" in event.rationale
    assert event.figures  # the child's figures at the meeting
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"case.meeting_arrange", "case.meeting_record"} <= verbs


def test_a_meeting_no_parent_came_to_is_recorded_as_such_with_what_was_offered(time_machine):
    set_clock(time_machine, D(2025, 3, 10), 15)
    w = world("national")
    meeting = _arranged(w)
    with pytest.raises(ValidationError) as refusal:
        meeting_record(actor=w.officer, meeting=meeting, held_on=D(2025, 3, 10), minutes="-")
    assert "No parent came: say what is known of why" in str(refusal.value)

    meeting_record(
        actor=w.officer,
        meeting=meeting,
        held_on=D(2025, 3, 10),
        minutes="The meeting went ahead with the professionals.",
        parents_absent_note="No reply to the letter or calls; a home visit offered for 12 March",
    )
    event = w.case.events.get(kind=CaseEvent.Kind.MEETING_HELD)
    assert event.summary == "Attendance meeting with the family held: no parent came"
    assert "Invited but not there: Jo Stone (mother), Sam Reed (father)" in event.rationale
    assert "a home visit offered for 12 March" in event.rationale
    assert "Alternatives offered with the invitation: A home visit" in event.rationale


def test_a_meeting_with_the_child_alone_is_marked_as_not_evidence(client, time_machine):
    set_clock(time_machine, D(2025, 3, 10), 15)
    w = world("essex")
    meeting = _arranged(w, kind="child_alone")
    meeting_record(
        actor=w.officer,
        meeting=meeting,
        held_on=D(2025, 3, 10),
        minutes="Talked about friendships.",
        child_voice="Lunchtimes are hard",
    )
    event = w.case.events.get(kind=CaseEvent.Kind.MEETING_HELD)
    assert "cannot be used as evidence" in event.summary
    page = _text(signed_in(client, "officer").get(f"/cases/{w.case.pk}"))
    assert "Not evidence" in page
    assert "what is said there cannot be used as evidence" in page


def test_a_support_plan_is_set_without_a_parent_and_reviewed_against_its_target_over_its_period(
    client, time_machine
):
    set_clock(time_machine, D(2025, 3, 10), 15)
    w = world("hackney")
    meeting = _arranged(w)
    meeting_record(
        actor=w.officer,
        meeting=meeting,
        held_on=D(2025, 3, 10),
        minutes="No parent came.",
        parents_absent_note="No reply; letter with the minutes sent to both parents",
    )
    browser = signed_in(client, "officer")
    posted = browser.post(
        f"/cases/{w.case.pk}/plans/new",
        {
            "meeting": str(meeting.pk),
            **_date("starts_on", D(2025, 3, 17)),
            "target_pct": "92.5",
            "support_offered": "Breakfast club place; weekly mentor",
        },
    )
    assert posted.status_code == 302
    plan = SupportPlan.objects.get()
    # Hackney's plan review: four weeks from the start (HAC Stage 2).
    assert plan.review_on == D(2025, 4, 14)
    assert not plan.agreed_with_parent
    assert "monitored as if agreed" in w.case.events.get(kind=CaseEvent.Kind.PLAN_SET).summary
    review_task = CaseTask.objects.get(key=f"plan_review:{plan.pk}")
    assert review_task.due_on == D(2025, 4, 14)

    # The week before the plan (all absent) is not the plan's; from 17 March: 27 of 30.
    record(w.school, w.pupil.upn, D(2025, 3, 10), " ".join(["O"] * 10))
    record(w.school, w.pupil.upn, D(2025, 3, 17), THREE_WEEKS)
    set_clock(time_machine, D(2025, 4, 22), 10)
    browser = signed_in(client, "officer")
    page = _text(browser.get(f"/cases/{w.case.pk}/plans/{plan.pk}/review"))
    assert "90.0% attendance (27 of 30 sessions; 3 unauthorised)" in page
    assert "target of 92.5%: not met" in page
    done = browser.post(
        f"/cases/{w.case.pk}/plans/{plan.pk}/review",
        {**_date("reviewed_on", D(2025, 4, 22)), "outcome": "new_targets", "note": "Close."},
    )
    assert done.status_code == 302
    review = TargetReview.objects.get()
    assert (review.period_from, review.period_to) == (D(2025, 3, 17), D(2025, 4, 22))
    assert (review.figures["possible"], review.figures["present"]) == (30, 27)
    assert review.target_met is False
    review_task.refresh_from_db()
    assert review_task.status == CaseTask.Status.DONE
    shown = _text(browser.get(f"/cases/{w.case.pk}"))
    assert "against a target of 92.5%: not met. Further targets set" in shown


def test_a_plan_needs_a_review_date_where_the_policy_sets_none(time_machine):
    set_clock(time_machine, D(2025, 3, 10), 15)
    w = world("national")
    with pytest.raises(ValidationError) as refusal:
        support_plan_set(
            actor=w.officer,
            case=w.case,
            starts_on=D(2025, 3, 10),
            target_pct=Decimal(95),
            support_offered="Mentor",
        )
    assert "sets no review period for plans: give a date" in str(refusal.value)


def test_meetings_plans_and_reviews_cannot_be_changed_or_deleted(time_machine):
    set_clock(time_machine, D(2025, 3, 24), 15)
    w = world("hackney")
    meeting = _arranged(w)
    held = meeting_record(
        actor=w.officer,
        meeting=meeting,
        held_on=D(2025, 3, 10),
        minutes="Mother came.",
        parent_ids_present=[w.mother.pk],
        support=[SupportItem("Mentor", "Mr Lee", D(2025, 3, 21))],
    )
    plan = support_plan_set(
        actor=w.officer,
        case=w.case,
        starts_on=D(2025, 3, 10),
        target_pct=Decimal(95),
        support_offered="Mentor",
        meeting=meeting,
    )
    review = target_review(
        actor=w.officer, plan=plan, reviewed_on=D(2025, 3, 24), outcome="continue", note="Ok"
    )
    for row in (meeting, held, plan, review):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
    for model, row in (
        (CaseMeeting, meeting),
        (MeetingRecord, held),
        (SupportPlan, plan),
        (TargetReview, review),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(recorded_by_label="someone else")
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).delete()
    task = CaseTask.objects.get(key="meeting_support")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseTask.objects.filter(pk=task.pk).update(owner_label="Nobody")
    with pytest.raises(ValidationError):
        meeting_record(actor=w.officer, meeting=meeting, held_on=D(2025, 3, 10), minutes="Again")
