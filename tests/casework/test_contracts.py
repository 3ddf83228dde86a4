"""Attendance contracts: agreed only at a meeting a parent came to (WTISA, August 2024), in every
profile; their period and reviews from the profile or the officer; signatures from each party;
reviews that read the registers over the contract's own period against its target."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rollcall.casework.models import (
    AttendanceContract,
    CaseEvent,
    CaseMeeting,
    CaseTask,
    ContractSignature,
    TargetReview,
)
from rollcall.casework.services.contracts import (
    attendance_contract_agree,
    contract_sign,
    target_review,
)
from rollcall.casework.services.meetings import meeting_arrange, meeting_record
from rollcall.casework.services.panels import panel_refer
from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.policies import load_profile
from rollcall.policies.periods import Period
from tests.analytics.conftest import record, signed_in
from tests.casework.meetings_world import World, world
from tests.conftest import set_clock

pytestmark = pytest.mark.django_db
D = dt.date
PROFILES = ("national", "sefton", "leeds-bramley", "essex", "hackney", "peterborough-diocese-trust")


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _held(w: World, on: dt.date, *, came: list[int]) -> CaseMeeting:
    """A panel held on `on`: where the profile holds panels, on a referral to its panel, with
    the members there and a decision."""
    invited_on = on - dt.timedelta(days=14)
    panels = load_profile(w.case.profile_key).panels
    referral, outcomes = None, []
    if panels:
        key, panel = next(iter(panels.items()))
        referral = panel_refer(
            actor=w.officer,
            case=w.case,
            panel_key=key,
            categories=list(panel.referral_criteria)[:1],
            reason="Attendance 80% after a term of support",
            referred_on=invited_on,
        )
        outcomes = (
            ["attendance_contract"]
            if came
            else [o for o in panel.outcomes if o != "attendance_contract"][:1]
        )
    meeting = meeting_arrange(
        actor=w.officer,
        case=w.case,
        kind="panel",
        on=on,
        at=dt.time(10, 0),
        venue="Riverside Primary School",
        invited_on=invited_on,
        parent_ids=[w.mother.pk, w.father.pk],
        alternatives_offered="A home visit; a later time after work",
        panel_referral=referral,
    )
    meeting_record(
        actor=w.officer,
        meeting=meeting,
        held_on=on,
        minutes="Targets discussed.",
        parent_ids_present=came,
        parents_absent_note="" if came else "No reply; the panel went ahead and wrote to them",
        members_present="Mrs Ahmed, chair" if referral else "",
        panel_outcomes=outcomes,
        decision="Targets for twelve weeks" if referral else "",
    )
    return meeting


def _agree(w: World, meeting: CaseMeeting, starts_on: dt.date, **extra) -> AttendanceContract:
    return attendance_contract_agree(
        actor=w.officer,
        case=w.case,
        meeting=meeting,
        starts_on=starts_on,
        target_pct=Decimal(95),
        school_support="A mentor every Monday; a daily check-in",
        la_support="Attendance officer visits fortnightly",
        parent_actions="Bring Ada to school by 8.45 every day; call on the first day of absence",
        pupil_actions="Meet the mentor every Monday",
        **extra,
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_no_contract_is_agreed_at_a_meeting_no_parent_came_to_in_any_profile(time_machine, profile):
    set_clock(time_machine, D(2025, 3, 17), 15)
    w = world(profile)
    meeting = _held(w, D(2025, 3, 10), came=[])
    with pytest.raises(ValidationError) as refusal:
        _agree(w, meeting, D(2025, 3, 10), period=Period.model_validate("6 weeks"))
    reason = " ".join(refusal.value.message_dict["meeting"])
    assert "no parent came to it" in reason
    assert "WTISA, August 2024" in reason
    assert not AttendanceContract.objects.exists()
    assert not w.case.events.filter(kind=CaseEvent.Kind.CONTRACT_AGREED).exists()


def test_the_contract_page_refuses_it_with_the_reason_and_agrees_one_a_parent_came_to(
    client, time_machine
):
    set_clock(time_machine, D(2025, 3, 17), 15)
    w = world("sefton")
    absent = _held(w, D(2025, 3, 10), came=[])
    present = _held(w, D(2025, 3, 17), came=[w.mother.pk])
    browser = signed_in(client, "officer")
    form = {
        "meeting": str(absent.pk),
        **_date("starts_on", D(2025, 3, 17)),
        "target_pct": "95",
        "school_support": "A mentor every Monday",
        "parent_actions": "Bring Ada to school by 8.45",
    }
    page = _text(browser.get(f"/cases/{w.case.pk}/contracts/new"))
    assert "Attendance contract target review (target period usually 12 weeks)" in page
    refused = _text(browser.post(f"/cases/{w.case.pk}/contracts/new", form))
    assert "There is a problem" in refused
    assert "no parent came to it" in refused
    assert "WTISA, August 2024" in refused
    # Sefton's own procedure posted the contract to an absent parent: the page says it changed.
    assert "Sefton Council's procedure (SEF §6.15) said otherwise; that changed in 2024" in refused
    assert not AttendanceContract.objects.exists()

    done = browser.post(f"/cases/{w.case.pk}/contracts/new", form | {"meeting": str(present.pk)})
    assert done.status_code == 302
    contract = AttendanceContract.objects.get()
    # Sefton: targets over 12 weeks, reviewed at the target date (SEF §6.13, §6.17).
    assert (contract.starts_on, contract.ends_on, contract.period) == (
        D(2025, 3, 17),
        D(2025, 6, 9),
        "12 weeks",
    )
    assert [p["name"] for p in contract.parents] == ["Jo Stone"]
    task = CaseTask.objects.get(key=f"contract_review:{contract.pk}")
    assert task.due_on == D(2025, 6, 9)
    shown = _text(browser.get(f"/cases/{w.case.pk}"))
    assert "Attendance contract from 17 March 2025" in shown
    assert "17 March 2025 to 9 June 2025 (12 weeks)" in shown
    assert (
        "Agreed at LA School Attendance Panel (first sitting) on 17 March 2025: "
        "Jo Stone (mother) came" in shown
    )


def test_each_party_signs_and_a_parent_who_was_not_there_cannot(client, time_machine):
    set_clock(time_machine, D(2025, 3, 18), 15)
    w = world("sefton")
    contract = _agree(w, _held(w, D(2025, 3, 17), came=[w.mother.pk]), D(2025, 3, 17))
    browser = signed_in(client, "officer")
    url = f"/cases/{w.case.pk}/contracts/{contract.pk}/sign"
    for party, name in (
        (f"parent:{w.mother.pk}", ""),
        ("pupil", ""),
        ("school", "Mrs Ola, attendance officer"),
        ("local_authority", "Mr Dee, School Attendance Support Service"),
    ):
        done = browser.post(
            url, {"party": party, "name": name, **_date("signed_on", D(2025, 3, 17))}
        )
        assert done.status_code == 302
    refused = _text(
        browser.post(url, {"party": "school", "name": "", **_date("signed_on", D(2025, 3, 17))})
    )
    assert "Give the name and role of the person who signed" in refused
    with pytest.raises(ValidationError) as refusal:
        contract_sign(
            actor=w.officer,
            contract=contract,
            party="parent",
            carer_id=w.father.pk,
            signed_on=D(2025, 3, 18),
        )
    assert "a contract is not sent for signature to a parent who was not there" in str(
        refusal.value
    )
    assert list(contract.signatures.values_list("party", "name")) == [
        ("parent", "Jo Stone"),
        ("pupil", "Ada Stone"),
        ("school", "Mrs Ola, attendance officer"),
        ("local_authority", "Mr Dee, School Attendance Support Service"),
    ]
    shown = _text(browser.get(f"/cases/{w.case.pk}"))
    assert "Jo Stone (parent or carer), 17 March 2025; Ada Stone (pupil), 17 March 2025" in shown
    assert w.case.events.filter(kind=CaseEvent.Kind.CONTRACT_SIGNED).count() == 4


def test_a_review_shows_the_figures_over_the_contract_period_against_its_target(
    client, time_machine
):
    set_clock(time_machine, D(2025, 6, 16), 15)
    w = world("sefton")
    contract = _agree(w, _held(w, D(2025, 3, 17), came=[w.mother.pk]), D(2025, 3, 17))
    # Absent all the week before the contract and the week after it ended: neither counts.
    record(w.school, w.pupil.upn, D(2025, 3, 10), " ".join(["O"] * 10))
    record(w.school, w.pupil.upn, D(2025, 3, 17), "O . . . . . . . . . " + ". " * 10)
    record(w.school, w.pupil.upn, D(2025, 6, 9), ". . " + " ".join(["O"] * 8))
    browser = signed_in(client, "officer")
    url = f"/cases/{w.case.pk}/contracts/{contract.pk}/review"
    page = _text(browser.get(url))
    assert "over the contract period, 17 March 2025 to 9 June 2025" in page
    # 21 of 22 sessions in the period: 17-28 March (20), and 9 June (2).
    assert "From 17 March 2025 to 9 June 2025, from the registers: 95.5% attendance" in page
    assert "(21 of 22 sessions; 1 unauthorised) against a target of 95%: met" in page
    done = browser.post(
        url,
        {
            **_date("reviewed_on", D(2025, 6, 16)),
            "outcome": "improved",
            "note": "Target met; the mentor continues informally.",
        },
    )
    assert done.status_code == 302
    review = TargetReview.objects.get()
    assert (review.period_from, review.period_to, review.target_met) == (
        D(2025, 3, 17),
        D(2025, 6, 9),
        True,
    )
    assert review.figures["possible"] == 22
    assert CaseTask.objects.get(key=f"contract_review:{contract.pk}").status == "done"
    event = w.case.events.get(kind=CaseEvent.Kind.TARGET_REVIEWED)
    assert "from 17 March 2025 to 9 June 2025, 95.5% attendance" in event.summary
    assert "Outcome: enough improvement" in event.summary
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"case.contract_agree", "case.target_review"} <= verbs


def test_the_trust_contract_runs_for_its_six_weeks(time_machine):
    set_clock(time_machine, D(2025, 3, 17), 15)
    w = world("peterborough-diocese-trust")
    contract = _agree(w, _held(w, D(2025, 3, 10), came=[w.father.pk]), D(2025, 3, 10))
    # The trust's academy contract: 6 weeks (MAT App. B1).
    assert (contract.ends_on, contract.period) == (D(2025, 4, 21), "6 weeks")
    assert "MAT App. B1" in contract.period_source


def test_where_the_profile_sets_no_period_the_officer_gives_one(time_machine):
    set_clock(time_machine, D(2025, 3, 17), 15)
    w = world("national")
    meeting = _held(w, D(2025, 3, 17), came=[w.mother.pk])
    with pytest.raises(ValidationError) as refusal:
        _agree(w, meeting, D(2025, 3, 17))
    assert "sets no contract period: give one" in str(refusal.value)
    given = _agree(w, meeting, D(2025, 3, 17), period=Period.model_validate("3 school weeks"))
    # Three school weeks from 17 March: the Easter holiday (5 to 21 April) does not count.
    assert (given.ends_on, given.period) == (D(2025, 4, 22), "3 school weeks")


def test_contracts_signatures_and_reviews_cannot_be_changed_or_deleted(time_machine):
    set_clock(time_machine, D(2025, 4, 1), 15)
    w = world("sefton")
    contract = _agree(w, _held(w, D(2025, 3, 17), came=[w.mother.pk]), D(2025, 3, 17))
    signature = contract_sign(
        actor=w.officer,
        contract=contract,
        party="parent",
        carer_id=w.mother.pk,
        signed_on=D(2025, 3, 17),
    )
    review = target_review(
        actor=w.officer, contract=contract, reviewed_on=D(2025, 4, 1), outcome="continue", note="-"
    )
    for model, row in (
        (AttendanceContract, contract),
        (ContractSignature, signature),
        (TargetReview, review),
    ):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(recorded_by_label="someone else")
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).delete()
