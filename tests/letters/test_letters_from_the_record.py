"""Each letter says what its procedure asks, filled from the record: a meeting's day, time,
place and the alternatives offered; the notes and support agreed; the panel's contract with
its target, dates and reviews (Sefton, with copies to the school and the LA officer); the
trust's letters; a leave request and the decision; the penalty amounts in force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rollcall.casework.documents import stored_path
from rollcall.casework.services.contracts import attendance_contract_agree
from rollcall.casework.services.meetings import SupportItem, meeting_arrange, meeting_record
from rollcall.casework.services.panels import panel_refer
from rollcall.letters.services.drafts import letter_draft_create, letters_issue
from rollcall.pupils.models import CarerLink
from rollcall.registers.services.leave import leave_decide, leave_request_record
from tests.analytics.conftest import person
from tests.conftest import set_clock
from tests.letters.world import FIRST, LAST, make_world, pdf_text

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)
MEETING_DAY = dt.date(2025, 1, 8)


def _panel_referral(world):
    return panel_refer(
        actor=world.officer,
        case=world.case,
        panel_key="school_attendance_panel",
        categories=["early_help_or_plan_not_engaging"],
        reason="No improvement after the support plan",
        referred_on=dt.date(2024, 11, 25),
    )


def _meeting(world, *, held: bool = False, came: bool = True, panel=None):
    meeting = meeting_arrange(
        actor=world.officer,
        case=world.case,
        kind="panel" if panel is not None else "attendance",
        panel_referral=panel,
        on=MEETING_DAY if not held else dt.date(2024, 12, 11),
        at=dt.time(9, 30),
        venue="Riverside Primary School, the family room",
        invited_on=dt.date(2024, 11, 28),
        parent_ids=[world.mother.pk, world.father.pk],
        alternatives_offered="A phone call after 6pm; a home visit on Friday",
    )
    if held:
        meeting_record(
            actor=world.officer,
            meeting=meeting,
            held_on=dt.date(2024, 12, 11),
            minutes="Ada finds mornings hard since her grandmother died.",
            parent_ids_present=[world.mother.pk] if came else [],
            parents_absent_note="" if came else "No reply",
            support=[SupportItem("Morning check-in with Mrs Khan", "School", dt.date(2025, 1, 6))],
            **(
                {
                    "members_present": "Lee Chair, School Attendance Support Service",
                    "panel_outcomes": ["attendance_contract"],
                    "decision": "An attendance contract for 12 weeks, with a mentor.",
                }
                if panel is not None
                else {}
            ),
        )
    return meeting


def _letters(world, key, **extra):
    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key=key,
        acting_for=world.school,
        on=ON,
        period_from=FIRST,
        period_to=LAST,
        **extra,
    )
    letters = letters_issue(actor=world.officer, draft=draft, on=ON)
    return [pdf_text(stored_path(letter.sha256).read_bytes()) for letter in letters]


def test_a_meeting_invitation_gives_the_time_place_alternatives_and_the_parents_duty(
    time_machine,
):
    set_clock(time_machine, ON, 10)
    world = make_world()
    meeting = _meeting(world)
    mother, father = _letters(world, "meeting_invitation", meeting=meeting)
    for text in (mother, father):
        assert "on Wednesday 8 January 2025 at 9:30am, at Riverside Primary School" in text
        assert "A phone call after 6pm; a home visit on Friday" in text
        assert "Education Act 1996, section 7" in text
    assert "Dear Ms Stone" in mother and "Dear Mr Reed" in father


def test_a_meeting_letter_needs_its_meeting(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world()
    with pytest.raises(ValidationError) as refusal:
        _letters(world, "meeting_invitation")
    assert "Choose the meeting" in str(refusal.value)


def test_the_follow_up_when_no_parent_came_offers_another_meeting_or_a_home_visit(
    time_machine,
):
    set_clock(time_machine, ON, 10)
    world = make_world("hackney")
    meeting = _meeting(world, held=True, came=False)
    [mother, _father] = _letters(world, "meeting_follow_up", meeting=meeting)
    assert "We missed you at the meeting about Ada" in mother
    assert "meet again in school, or visit you at home" in mother


def test_the_notes_of_a_meeting_go_to_each_parent_with_the_support_agreed(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("hackney")
    meeting = _meeting(world, held=True)
    mother, father = _letters(world, "meeting_notes", meeting=meeting)
    for text in (mother, father):
        assert "Ada finds mornings hard" in text
        assert "Morning check-in with Mrs Khan (School, by 6 January 2025)" in text
        assert "Parents at the meeting: Ms Jo Stone (mother)." in text


def test_seftons_panel_outcome_gives_the_contract_and_goes_to_the_school_and_la_too(
    time_machine,
):
    set_clock(time_machine, ON, 10)
    world = make_world("sefton")
    meeting = _meeting(world, held=True, panel=_panel_referral(world))
    attendance_contract_agree(
        actor=world.officer,
        case=world.case,
        meeting=meeting,
        starts_on=dt.date(2024, 12, 11),
        target_pct=Decimal(95),
        school_support="A mentor every Monday",
        parent_actions="Bring Ada to school by 8.45 every day",
    )
    mother, _father = _letters(world, "panel_outcome", meeting=meeting)
    assert "sets a target of 95% attendance from 11 December 2024" in mother
    assert "A mentor every Monday" in mother and "Bring Ada to school by 8.45" in mother
    assert "What the panel decided: An attendance contract for 12 weeks, with a mentor." in mother
    assert "A copy goes to Riverside Primary School and the" in mother
    assert "attendance officer" in mother


def test_the_trusts_below_90_letter_asks_for_a_meeting_with_the_figures(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("peterborough-diocese-trust")
    mother, _ = _letters(world, "attendance_concern_2")
    assert "attendance is below 90%: please meet us" in mother
    assert "attended 15 of 20 sessions (75.0%)" in mother
    assert "3 of them without a reason the school could accept" in mother


def test_the_leave_response_gives_the_decision_and_the_penalty_amounts_in_force(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("essex")
    request = leave_request_record(
        actor=world.officer,
        school=world.school,
        pupil=world.pupil,
        first_day=dt.date(2025, 2, 3),
        first_session="AM",
        last_day=dt.date(2025, 2, 7),
        last_session="PM",
        reason="Family wedding abroad",
        carer=world.mother,
        received_on=dt.date(2024, 12, 12),
        today=ON,
    )
    leave_decide(
        actor=person("head", "headteacher", school=world.school),
        request=request,
        outcome="refused",
        rationale="A wedding is not an exceptional circumstance here.",
        decided_on=dt.date(2024, 12, 13),
        today=ON,
    )
    request.refresh_from_db()
    mother, father = _letters(world, "leave_request_response", leave_request=request)
    for text in (mother, father):
        assert "from 3 February 2025 (AM) to 7 February 2025 (PM)" in text
        assert "The headteacher has refused this request." in text
        assert "£80 if paid within 21 days, or £160 if paid within 28 days" in text


def test_leeds_fast_track_letter_gives_the_20_school_days_and_when_they_end(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("leeds-bramley")
    mother, _ = _letters(world, "fast_track_letter_1")
    assert "checked closely for the next 20 school days" in mother
    # 20 school days from Mon 16 Dec 2024, the Christmas holiday not counted.
    assert "until" in mother and "January 2025" in mother
    assert "authorised only with evidence" in mother


def test_the_profile_says_which_parents_get_which_letter(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("leeds-bramley")
    # The father has the child's care but not parental responsibility.
    CarerLink.objects.filter(carer=world.father).update(
        parental_responsibility=False, lives_with_pupil=True
    )
    assert len(_letters(world, "attendance_concern")) == 2  # each parent (EA96 s576)
    meeting = _meeting(world)
    # Leeds invites each parent with parental responsibility to its panel.
    [only] = _letters(world, "panel_invitation", meeting=meeting)
    assert "Dear Ms Stone" in only
