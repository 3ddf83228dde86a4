"""The letters the profiles name beyond the first set, each filled from the record: the attendance
contract each parent keeps, Sefton's School Attendance Order notices with the school the officer
names, Essex's notice of the parent's duty during an exclusion and its return-to-school
conversation letter; a letter to a school goes to the school alone, not to the parents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rollcall.casework.documents import stored_path
from rollcall.casework.services.contracts import attendance_contract_agree
from rollcall.casework.services.conversations import return_conversation_record
from rollcall.casework.services.meetings import SupportItem, meeting_arrange, meeting_record
from rollcall.letters.services.drafts import (
    letter_draft_create,
    letter_draft_edit,
    letters_issue,
)
from rollcall.policies.periods import Period
from tests.conftest import set_clock
from tests.letters.world import FIRST, LAST, make_world, pdf_text

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)


def _held_meeting(world):
    meeting = meeting_arrange(
        actor=world.officer,
        case=world.case,
        kind="attendance",
        on=dt.date(2024, 12, 11),
        at=dt.time(9, 30),
        venue="Riverside Primary School, the family room",
        invited_on=dt.date(2024, 11, 28),
        parent_ids=[world.mother.pk, world.father.pk],
        alternatives_offered="A phone call after 6pm; a home visit on Friday",
    )
    meeting_record(
        actor=world.officer,
        meeting=meeting,
        held_on=dt.date(2024, 12, 11),
        minutes="Ada finds mornings hard since her grandmother died.",
        parent_ids_present=[world.mother.pk],
        parents_absent_note="Mr Reed was at work",
        support=[SupportItem("Morning check-in with Mrs Khan", "School", dt.date(2025, 1, 6))],
    )
    return meeting


def _draft(world, key, **extra):
    return letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key=key,
        acting_for=world.school,
        on=ON,
        **extra,
    )


def _issued(world, draft):
    letters = letters_issue(actor=world.officer, draft=draft, on=ON)
    return [pdf_text(stored_path(letter.sha256).read_bytes()) for letter in letters]


def _write_in(world, draft, gap_texts):
    """The officer writes in what the record does not hold, paragraph by paragraph."""
    texts = []
    for paragraph in draft.paragraphs:
        text = paragraph["text"]
        for gap, written in gap_texts.items():
            if gap in paragraph["name"]:
                text = text.replace("[not recorded]", written)
        texts.append(text)
    return letter_draft_edit(actor=world.officer, draft=draft, texts=texts)


@pytest.mark.parametrize("profile", ["national", "hackney", "peterborough-diocese-trust"])
def test_each_parent_gets_the_attendance_contract_with_its_target_support_and_actions(
    time_machine, profile
):
    set_clock(time_machine, ON, 10)
    world = make_world(profile)
    meeting = _held_meeting(world)
    attendance_contract_agree(
        actor=world.officer,
        case=world.case,
        meeting=meeting,
        starts_on=dt.date(2024, 12, 11),
        target_pct=Decimal(95),
        school_support="A mentor every Monday.",
        la_support="An early help worker visits fortnightly.",
        parent_actions="Bring Ada to school by 8.45 every day.",
        pupil_actions="Go to the Monday mentor session.",
        period=Period.model_validate("6 weeks"),
    )
    mother, father = _issued(world, _draft(world, "attendance_contract", meeting=meeting))
    for text in (mother, father):
        assert "Attendance contract for Ada Stone" in text
        assert (
            "copy of the attendance contract agreed at the meeting about Ada on 11 December 2024"
            in text
        )
        assert "It was agreed with: Ms Jo Stone (mother)." in text
        assert "The target is 95% attendance over 6 weeks, from 11 December 2024 to" in text
        assert "A mentor every Monday. An early help worker visits fortnightly." in text
        assert "What the parents agreed to do: Bring Ada to school by 8.45 every day." in text
        assert "What Ada agreed to do: Go to the Monday mentor session." in text
        assert "It is not legally binding, and nobody can make you sign it." in text
    assert "Dear Ms Stone" in mother and "Dear Mr Reed" in father


def test_a_contract_that_asks_nothing_of_the_child_says_so(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("hackney")
    meeting = _held_meeting(world)
    attendance_contract_agree(
        actor=world.officer,
        case=world.case,
        meeting=meeting,
        starts_on=dt.date(2024, 12, 11),
        target_pct=Decimal(96),
        school_support="A breakfast club place",
        parent_actions="Call the school by 9am on any day Ada is ill",
        period=Period.model_validate("4 weeks"),
    )
    mother, _ = _issued(world, _draft(world, "attendance_contract", meeting=meeting))
    assert "What Ada agreed to do: nothing was asked of Ada in this contract" in mother


def test_the_contract_letter_needs_a_meeting_where_a_contract_was_agreed(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("essex")
    meeting = _held_meeting(world)
    with pytest.raises(ValidationError) as refusal:
        _draft(world, "attendance_contract", meeting=meeting)
    assert "No attendance contract was agreed at that meeting" in str(refusal.value)


def test_seftons_sao_notices_give_the_periods_and_wait_for_the_officer_to_name_the_school(
    time_machine,
):
    set_clock(time_machine, ON, 10)
    world = make_world("sefton")
    mother, father = _issued(world, _draft(world, "sao1_notice"))
    for text in (mother, father):
        assert "section 437 of the Education Act 1996" in text
        assert "within 15 school days" in text
    intention = _draft(world, "sao2_notice_of_intention")
    with pytest.raises(ValidationError) as refusal:
        letters_issue(actor=world.officer, draft=intention, on=ON)
    assert "still reads [not recorded]" in str(refusal.value)
    intention = _write_in(world, intention, {"school": "Seaforth Park Primary School"})
    mother, _ = _issued(world, intention)
    assert "to register Ada at Seaforth Park Primary School" in mother
    assert "within 15 days" in mother
    assert "section 438" in mother


def test_essex_tells_each_parent_in_writing_of_their_duty_in_the_first_days_of_an_exclusion(
    time_machine,
):
    set_clock(time_machine, ON, 10)
    world = make_world("essex")
    draft = _draft(world, "exclusion_duty_notice")
    draft = _write_in(world, draft, {"days": "Tuesday 17 December to Monday 6 January 2025"})
    mother, father = _issued(world, draft)
    for text in (mother, father):
        assert "Tuesday 17 December to Monday 6 January 2025" in text
        assert "not in a public place during school hours" in text
        # EIA 2006 s105: not raised in 2024.
        assert "£60 if paid within 21 days, or £120 if paid within 28 days" in text


def test_the_return_to_school_conversation_letter_reports_the_latest_conversation(
    time_machine,
):
    set_clock(time_machine, ON, 10)
    world = make_world("essex")
    with pytest.raises(ValidationError) as refusal:
        _draft(world, "return_to_school_conversation")
    assert "Record the return-to-school conversation first" in str(refusal.value)
    return_conversation_record(
        actor=world.officer,
        case=world.case,
        held_on=dt.date(2024, 12, 9),
        absence_from=dt.date(2024, 12, 4),
        absence_to=dt.date(2024, 12, 5),
        held_with="pupil_and_parent",
        held_by="Mr Okafor, pastoral lead",
        what_was_said="Ada had a stomach bug; Ms Stone will call on the first day next time",
        barriers=["health"],
        next_steps="Check in with Ada on Monday morning",
    )
    mother, _ = _issued(world, _draft(world, "return_to_school_conversation"))
    assert "On 9 December 2024, Mr Okafor, pastoral lead, talked with the pupil and a" in mother
    assert "4 December 2024 to 5 December 2024" in mother
    assert "Ada had a stomach bug" in mother
    assert "Check in with Ada on Monday morning" in mother


@pytest.mark.parametrize(
    ("profile", "key"), [("sefton", "s439_school_notice"), ("leeds-bramley", "case_closure")]
)
def test_a_letter_to_the_school_goes_to_the_school_alone_not_to_the_parents(
    time_machine, profile, key
):
    set_clock(time_machine, ON, 10)
    world = make_world(profile)
    draft = _draft(world, key, school=world.school)
    draft = _write_in(world, draft, {"outcome": "a fine of £200"})
    (text,) = _issued(world, draft)
    assert "Dear Headteacher," in text and "Riverside Primary School" in text
    assert "Jo Stone" not in text and "Sam Reed" not in text


def test_hackneys_pace_warning_gives_the_figures_the_defences_and_the_reply_date(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world("hackney")
    draft = _draft(world, "pace_warning", period_from=FIRST, period_to=LAST)
    draft = _write_in(world, draft, {"reply": "Friday 10 January 2025"})
    mother, _ = _issued(world, draft)
    assert "attended 15 of 20 sessions (75.0%)" in mother
    assert "by Friday 10 January 2025" in mother
    assert "Police and Criminal Evidence Act 1984" in mother
