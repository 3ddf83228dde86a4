"""Home visits: recorded on the case, and made as the policy says (the trust: a risk
assessment first, never one member of staff alone)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rollcall.casework.models import CaseEvent, HomeVisit
from rollcall.casework.services.cases import case_open
from rollcall.casework.services.visits import home_visit_record
from rollcall.organisations.models import School
from tests.analytics.conftest import signed_in
from tests.conftest import set_clock

DAY = dt.date(2025, 1, 15)


@pytest.fixture
def case(time_machine, school, pupil, officer):
    set_clock(time_machine, DAY, 15)
    School.objects.filter(pk=school.pk).update(policy_profile="peterborough-diocese-trust")
    school.refresh_from_db()
    return case_open(
        actor=officer, pupil=pupil, school=school, owner=school, on=DAY, rationale="Below 90 %"
    )


def test_the_trust_refuses_a_lone_visit_or_one_without_a_risk_assessment(case, officer):
    with pytest.raises(ValidationError) as refused:
        home_visit_record(
            actor=officer, case=case, visited_on=DAY, staff=["Olu Officer"], notes="No answer"
        )
    messages = refused.value.message_dict
    assert "never made by one member of staff alone" in messages["staff"][0]
    assert "MAT §6.3" in messages["staff"][0]
    assert "Record the risk assessment made before the visit" in messages["risk_assessment"][0]
    with pytest.raises(ValidationError, match="before the visit, not after it"):
        home_visit_record(
            actor=officer,
            case=case,
            visited_on=DAY - dt.timedelta(days=2),
            staff=["Olu Officer", "Sam Lee"],
            notes="No answer",
            risk_assessed_on=DAY,
            risk_assessment="Dog at the address",
        )
    assert not HomeVisit.objects.exists()

    visit = home_visit_record(
        actor=officer,
        case=case,
        visited_on=DAY,
        staff=["Olu Officer", "Sam Lee"],
        notes="Mother says the child is anxious",
        seen="mother and child",
        child_seen=True,
        risk_assessed_on=DAY - dt.timedelta(days=1),
        risk_assessment="Known dog; go in pairs",
    )
    event = case.events.get(kind=CaseEvent.Kind.HOME_VISIT)
    assert event.summary == "Home visit by Olu Officer, Sam Lee; saw mother and child"
    with pytest.raises(DatabaseError), transaction.atomic():
        HomeVisit.objects.filter(pk=visit.pk).update(notes="Rewritten")


def test_nationally_one_member_of_staff_may_visit(time_machine, school, pupil, officer):
    set_clock(time_machine, DAY, 15)
    case = case_open(
        actor=officer, pupil=pupil, school=school, owner=school, on=DAY, rationale="Concern"
    )
    home_visit_record(
        actor=officer,
        case=case,
        visited_on=DAY,
        staff=["Olu Officer"],
        notes="Spoke to father at the door",
    )
    assert HomeVisit.objects.count() == 1


def test_the_visit_page_shows_the_policy_and_its_refusals(client, case, officer):
    browser = signed_in(client, "officer")
    form = browser.get(f"/cases/{case.pk}/home-visit").content.decode()
    assert "Your policy asks for a risk assessment before every home visit" in form
    refused = browser.post(
        f"/cases/{case.pk}/home-visit",
        {
            "visited_on-day": "15",
            "visited_on-month": "1",
            "visited_on-year": "2025",
            "staff": "Olu Officer",
            "notes": "No answer",
        },
    ).content.decode()
    assert "never made by one member of staff alone" in refused
    assert "There is a problem" in refused
