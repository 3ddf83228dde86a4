"""Attendance panels as the seeds run them: a referral in the panel's categories (Sefton, among
them a pupil at risk from radicalisation), every parent invited (s576) with the social worker of
a looked-after child placed with parents (Leeds), invitations about 10 days ahead (Sefton), the
members there and the decision, a second sitting in Leeds and never a third; no contract at a
panel no parent came to. And return-to-school conversations, the child-alone one marked as not
evidence. Everything is in the chronology and cannot be changed or deleted."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rollcall.casework.models import (
    CaseEvent,
    CaseMeeting,
    MeetingRecord,
    PanelReferral,
    ReturnConversation,
)
from rollcall.casework.services.contracts import attendance_contract_agree
from rollcall.casework.services.conversations import return_conversation_record
from rollcall.casework.services.meetings import meeting_arrange, meeting_record
from rollcall.casework.services.panels import panel_refer
from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.pupils.models import Pupil
from tests.analytics.conftest import signed_in
from tests.casework.meetings_world import world
from tests.conftest import set_clock

pytestmark = pytest.mark.django_db
D = dt.date
PANEL = "school_attendance_panel"
PANEL_DAY = D(2025, 3, 17)
INVITED = D(2025, 3, 4)


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _refer(w, **given):
    return panel_refer(
        actor=w.officer,
        case=w.case,
        panel_key=PANEL,
        categories=given.pop("categories", ()),
        reason=given.pop("reason", "Attendance 81% after a term's support plan; no engagement"),
        referred_on=given.pop("referred_on", D(2025, 3, 3)),
    )


def _panel(w, referral, *, on=PANEL_DAY, invited_on=INVITED, **given):
    return meeting_arrange(
        actor=w.officer,
        case=w.case,
        kind="panel",
        on=on,
        at=dt.time(14, 0),
        venue="Riverside Primary School",
        invited_on=invited_on,
        parent_ids=given.pop("parent_ids", [w.mother.pk, w.father.pk]),
        alternatives_offered="A later time the same day, or a call",
        panel_referral=referral,
        **given,
    )


def _sit(w, meeting, *, came=(), outcomes=("penalty_notice",), held_on=None, **given):
    return meeting_record(
        actor=w.officer,
        meeting=meeting,
        held_on=held_on or meeting.on,
        minutes="The panel heard the school's summary and the support offered.",
        parent_ids_present=list(came),
        parents_absent_note="" if came else "Neither parent came or rang; a home visit offered",
        members_present=given.pop("members", "Mrs Ahmed, chair\nMr Lee, head of year"),
        panel_outcomes=list(outcomes),
        decision=given.pop("decision", "No improvement since the support plan; warn first"),
        **given,
    )


def test_a_leeds_panel_invites_every_parent_and_the_social_worker_then_sits_twice_at_most(
    client, time_machine
):
    set_clock(time_machine, D(2025, 3, 3), 10)
    w = world("leeds-bramley")
    Pupil.objects.filter(pk=w.pupil.pk).update(
        looked_after=True,
        social_worker_name="Dana Pike",
        social_worker_contact="Children's Social Work Service, 0113 000 0000",
    )
    browser = signed_in(client, "officer")
    case_url = f"/cases/{w.case.pk}"

    page = _text(browser.get(case_url))
    assert "Refer to the attendance panel" in page
    referral = {"panel": PANEL, "reason": "", **_date("referred_on", D(2025, 3, 3))}
    refused = _text(browser.post(f"{case_url}/panels/new", referral))
    assert "Say why the case goes to the panel" in refused
    referral["reason"] = "Stage 2 support not engaged with; attendance 78%"
    assert browser.post(f"{case_url}/panels/new", referral).status_code == 302
    made = PanelReferral.objects.get()
    assert made.panel_name == "School Attendance Panel"

    set_clock(time_machine, D(2025, 3, 4), 9)
    browser = signed_in(client, "officer")  # a new day, a new sign-in
    form = {
        "kind": "panel",
        "panel_referral": str(made.pk),
        **_date("on", D(2025, 3, 17)),
        "at": "14:00",
        "venue": "Riverside Primary School",
        "parents": [str(w.mother.pk)],
        "parents_not_invited_reason": "Father is hard to reach",
        "alternatives_offered": "A call instead",
        **_date("invited_on", D(2025, 3, 4)),
    }
    refused = _text(browser.post(f"{case_url}/meetings/new", form))
    assert "Invite Sam Reed too: every parent is invited to a panel (EA96 s576)" in refused
    assert "looked after and placed with parents: invite the social worker, Dana Pike" in refused
    assert not CaseMeeting.objects.exists()

    form |= {"parents": [str(w.mother.pk), str(w.father.pk)], "social_worker_invited": "on"}
    assert browser.post(f"{case_url}/meetings/new", form).status_code == 302
    first = CaseMeeting.objects.get()
    assert first.sitting == 1
    assert first.social_worker_invited.startswith("Dana Pike, Children's Social Work Service")

    set_clock(time_machine, D(2025, 3, 17), 16)
    browser = signed_in(client, "officer")
    held = {
        **_date("held_on", D(2025, 3, 17)),
        "parents_absent_note": "Neither parent came; the letter went to each address",
        "minutes": "The school presented its summary and certificate.",
    }
    refused = _text(browser.post(f"{case_url}/meetings/{first.pk}", held))
    assert "Name the panel members there" in refused
    assert "Choose what the panel decided" in refused
    held |= {
        "members_present": "Mrs Ahmed, chair\nMr Lee, head of year\nMs Cole, governor",
        "panel_outcomes": ["attendance_contract"],
        "decision": "Targets set for four weeks",
    }
    refused = _text(browser.post(f"{case_url}/meetings/{first.pk}", held))
    assert "The panel cannot agree an attendance contract: no parent came" in refused
    assert not MeetingRecord.objects.exists()
    held |= {"panel_outcomes": ["further_targets"]}
    assert browser.post(f"{case_url}/meetings/{first.pk}", held).status_code == 302

    # A contract can still not be recorded against the panel no parent came to.
    with pytest.raises(ValidationError, match="no parent came"):
        attendance_contract_agree(
            actor=w.officer,
            case=w.case,
            meeting=first,
            starts_on=D(2025, 3, 18),
            target_pct=95,
            school_support="Daily check-in",
            parent_actions="Bring Ada to school on time",
        )

    page = _text(browser.get(case_url))
    assert "School Attendance Panel (first sitting), 17 March 2025" in page
    assert "Dana Pike, Children's Social Work Service, 0113 000 0000 (social worker)" in page
    assert "Mrs Ahmed, chair; Mr Lee, head of year; Ms Cole, governor" in page
    assert "Further targets and a new review date" in page
    assert "Arrange the second sitting" in page  # Leeds may sit a second time

    set_clock(time_machine, D(2025, 4, 1), 9)
    second = _panel(
        w, made, on=D(2025, 4, 14), invited_on=D(2025, 4, 1), social_worker_invited=True
    )
    assert second.sitting == 2
    set_clock(time_machine, D(2025, 4, 14), 16)
    _sit(w, second, came=[w.mother.pk], outcomes=["penalty_notice"])
    with pytest.raises(ValidationError, match="as often as it may"):
        _panel(w, made, on=D(2025, 4, 28), invited_on=D(2025, 4, 1), social_worker_invited=True)

    summaries = list(
        CaseEvent.objects.filter(case=w.case, kind__in=["panel_referral", "meeting_held"])
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries[0] == "Referred to the School Attendance Panel"
    assert summaries[1] == (
        "School Attendance Panel (first sitting) held: no parent came; decided: further "
        "targets and a new review date"
    )
    assert summaries[2].startswith(
        "School Attendance Panel (second sitting) held: Jo Stone (mother) came; decided: "
        "penalty notice"
    )
    assert AuditEvent.objects.filter(verb="case.panel_refer").count() == 1


def test_a_sefton_referral_names_its_category_and_the_invitation_goes_ten_days_ahead(time_machine):
    set_clock(time_machine, D(2025, 3, 3), 10)
    w = world("sefton")
    with pytest.raises(ValidationError) as refusal:
        _refer(w)
    assert "Choose which of the LA School Attendance Panel's categories" in str(refusal.value)
    with pytest.raises(ValidationError, match="Choose the categories"):
        _refer(w, categories=["not_a_category"])
    referral = _refer(w, categories=["radicalisation_risk", "young_carer"])
    assert [c["label"] for c in referral.categories] == [
        "Pupil at risk from radicalisation or extremism who is absent",
        "Child is a young carer",
    ]
    with pytest.raises(ValidationError, match="has not been arranged yet"):
        _refer(w, categories=["young_carer"])

    event = CaseEvent.objects.get(case=w.case, kind="panel_referral")
    assert "Categories: Pupil at risk from radicalisation or extremism" in event.rationale

    # Invited on 10 March for a panel on 17 March: a week, not about ten days.
    set_clock(time_machine, D(2025, 3, 10), 10)
    with pytest.raises(ValidationError) as refusal:
        _panel(w, referral, invited_on=D(2025, 3, 10))
    assert "less than 10 days before the panel on 17 March 2025 (SEF §6.4" in str(refusal.value)
    late = _panel(
        w,
        referral,
        invited_on=D(2025, 3, 10),
        late_invitation_reason="The school sent the referral late; each parent rang to confirm",
    )
    assert late.late_invitation_reason.startswith("The school sent")
    assert not late.social_worker_invited


def test_a_panel_sits_on_a_referral_where_the_policy_holds_one(time_machine):
    set_clock(time_machine, D(2025, 3, 3), 10)
    w = world("sefton")
    with pytest.raises(ValidationError, match="Refer the case to the LA School Attendance Panel"):
        _panel(w, None, invited_on=D(2025, 3, 3))


def test_a_panel_meets_as_a_meeting_where_the_policy_holds_none(time_machine):
    set_clock(time_machine, D(2025, 3, 3), 10)
    w = world("national")
    meeting = _panel(w, None, invited_on=D(2025, 3, 3))
    assert meeting.sitting is None and meeting.panel_referral is None


def test_return_to_school_conversations_are_recorded_and_the_child_alone_one_is_not_evidence(
    client, time_machine
):
    set_clock(time_machine, D(2025, 3, 12), 10)
    w = world("national")
    browser = signed_in(client, "officer")
    case_url = f"/cases/{w.case.pk}"
    form = {
        **_date("held_on", D(2025, 3, 12)),
        **_date("absence_from", D(2025, 3, 10)),
        **_date("absence_to", D(2025, 3, 11)),
        "held_with": "pupil",
        "held_by": "",
        "what_was_said": "Ada said her stomach hurts on Mondays before PE",
        "barriers": ["health"],
        "next_steps": "Speak to the PE teacher; call mother",
    }
    refused = _text(browser.post(f"{case_url}/conversations/new", form))
    assert "Say who at the school had the conversation" in refused, refused[:3000]
    form["held_by"] = "Mr Okafor, pastoral lead"
    assert browser.post(f"{case_url}/conversations/new", form).status_code == 302

    page = _text(browser.get(case_url))
    assert "Return-to-school conversation, 12 March 2025 Not evidence" in page
    assert "A conversation with the child alone: what is said there cannot be used as" in page
    assert "10 March 2025 to 11 March 2025" in page
    event = CaseEvent.objects.get(case=w.case, kind="return_talk")
    assert "with the pupil alone: what is said there cannot be used as evidence" in event.summary
    assert "Barriers found: Physical health" in event.rationale

    with pytest.raises(ValidationError, match="follows the absence"):
        return_conversation_record(
            actor=w.officer,
            case=w.case,
            held_on=D(2025, 3, 9),
            absence_from=D(2025, 3, 10),
            absence_to=D(2025, 3, 10),
            held_with="pupil_and_parent",
            held_by="Mr Okafor",
            what_was_said="Mother said Ada was ill",
        )


def test_referrals_and_conversations_cannot_be_changed_or_deleted(time_machine):
    set_clock(time_machine, D(2025, 3, 12), 10)
    w = world("leeds-bramley")
    referral = _refer(w)
    talk = return_conversation_record(
        actor=w.officer,
        case=w.case,
        held_on=D(2025, 3, 12),
        absence_from=D(2025, 3, 10),
        absence_to=D(2025, 3, 10),
        held_with="pupil_and_parent",
        held_by="Mr Okafor",
        what_was_said="Mother said Ada had a cold",
    )
    meeting = _panel(w, referral, on=D(2025, 3, 12), invited_on=D(2025, 3, 4))
    for model, row in (
        (PanelReferral, referral),
        (ReturnConversation, talk),
        (CaseMeeting, meeting),
    ):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(recorded_by_label="someone else")
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).delete()
