"""The API reads cases, stages and due tasks, scoped as the pages are."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.services import membership_add, user_create
from rollcall.casework.services.cases import case_move, case_open
from tests.api.conftest import ApiClient, token_for
from tests.conftest import set_clock

DAY = dt.date(2025, 1, 15)


@pytest.fixture
def case(time_machine, school, pupil, officer):
    set_clock(time_machine, DAY, 10)
    opened = case_open(
        actor=officer,
        pupil=pupil,
        school=school,
        owner=school,
        on=DAY,
        rationale="Monday absences since November",
    )
    return case_move(
        actor=officer,
        case=opened,
        to_stage="facilitate_support",
        on=DAY,
        rationale="Barriers found: transport",
    )


def test_the_school_and_its_la_read_the_case_with_its_tasks_and_chronology(
    case, officer_api, la_api, pupil, school
):
    listing = officer_api.get("/api/cases").json()
    assert listing["count"] == 1
    [item] = listing["items"]
    assert (item["upn"], item["school_urn"], item["status"]) == (pupil.upn, school.urn, "open")
    assert item["stage"] == {
        "key": "facilitate_support",
        "name": "Facilitate support",
        "entered_on": "2025-01-15",
    }
    detail = la_api.get(f"/api/cases/{case.pk}").json()
    assert detail["stages"][:3] == ["expect", "monitor", "listen_and_understand"]
    assert [e["kind"] for e in detail["events"]] == ["opened", "stage_changed"]
    assert detail["events"][1]["rationale"] == "Barriers found: transport"
    assert detail["events"][1]["figures"]["as_of"] == "2025-01-15"
    open_tasks = [t for t in detail["tasks"] if t["status"] == "open"]
    assert {t["key"] for t in open_tasks} == {"agree_support", "consider_early_help"}
    assert all(t["source"].startswith("WTISA") for t in open_tasks)


def test_another_school_cannot_read_it(case, other_school):
    user = user_create(actor=None, username="other", password="a-long-test-password")
    membership_add(actor=None, user=user, role="attendance_officer", school=other_school)
    api = ApiClient(token_for(user))
    assert api.get("/api/cases").json()["count"] == 0
    response = api.get(f"/api/cases/{case.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == f"No case {case.pk} that this token may see"


def test_a_bad_status_is_refused_in_the_api_error_shape(case, officer_api):
    response = officer_api.get("/api/cases", status="pending")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "status"]
