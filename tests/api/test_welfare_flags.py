"""A school a pupil has left no longer sees their current welfare flags: not in the API, not
on the pupil's page, not in the first-day follow-up. The school they are on roll at does."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from rollcall.accounts.services import membership_add, user_create
from rollcall.casework.selectors import follow_up_list
from rollcall.pupils.services import enrolment_end
from rollcall.registers.services import MarkInput, marks_bulk_record
from tests.analytics.conftest import prepare_figures
from tests.api.conftest import ApiClient, token_for
from tests.factories import enrol, make_pupil, make_school

TODAY = dt.date(2025, 1, 13)
LEFT = dt.date(2024, 12, 20)
WELFARE = ("looked_after", "child_in_need", "child_protection_plan", "young_carer")
WELFARE_WORDS = (
    "Social worker",
    "Sol Worker",
    "Looked after",
    "Child protection plan",
    "Child in need",
    "Young carer",
)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(dt.datetime(2025, 1, 13, 10, 0, tzinfo=ZoneInfo("Europe/London")))


@pytest.fixture
def new_school(db):
    return make_school(name="New Academy")


@pytest.fixture
def mover(school, new_school):
    """On roll at `school` until 20 December 2024, at New Academy since 6 January 2025."""
    pupil = make_pupil(
        forename="Mo",
        surname="Ver",
        looked_after=True,
        child_in_need=True,
        child_protection_plan=True,
        young_carer=True,
        social_worker_name="Sol Worker",
        social_worker_contact="07700 900111",
        free_school_meals=True,
    )
    old = enrol(pupil, school)
    # A mark from before the move, so the old school still has the pupil in its records.
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[MarkInput(upn=pupil.upn, date=dt.date(2024, 12, 16), session="AM", code="N")],
        source="import",
    )
    enrolment_end(actor=None, enrolment=old, left_on=LEFT, leaving_reason="Moved school")
    enrol(pupil, new_school, admitted_on=dt.date(2025, 1, 6))
    return pupil


@pytest.fixture
def new_officer(new_school):
    user = user_create(actor=None, username="newofficer", password="a-long-test-password")
    membership_add(actor=None, user=user, role="attendance_officer", school=new_school)
    return user


def test_the_school_a_pupil_left_gets_no_welfare_flags_from_the_api(officer_api, mover):
    body = officer_api.get(f"/api/pupils/{mover.upn}").json()
    assert body["legal_forename"] == "Mo"
    flags = body["flags"]
    assert {name: flags[name] for name in (*WELFARE, "has_social_worker")} == dict.fromkeys(
        (*WELFARE, "has_social_worker")
    )
    # What the school recorded while the pupil was there stays readable.
    assert flags["free_school_meals"] is True
    assert [e["left_on"] for e in body["enrolments"]] == [LEFT.isoformat()]


def test_the_school_the_pupil_is_on_roll_at_gets_them(new_officer, mover):
    body = ApiClient(token_for(new_officer)).get(f"/api/pupils/{mover.upn}").json()
    assert all(body["flags"][name] is True for name in (*WELFARE, "has_social_worker"))


def test_a_pupil_still_on_roll_keeps_their_flags(officer_api, school):
    pupil = make_pupil(looked_after=True)
    enrol(pupil, school)
    assert officer_api.get(f"/api/pupils/{pupil.upn}").json()["flags"]["looked_after"] is True


def test_the_school_a_pupil_left_sees_no_welfare_flags_on_the_pupil_page(
    client, officer, new_officer, mover
):
    url = reverse("analytics:pupil", args=[mover.upn])
    prepare_figures()
    client.force_login(officer)
    old_page = client.get(url)
    assert old_page.status_code == 200
    html = old_page.content.decode()
    assert "Mo Ver" in html and "Free school meals" in html
    for words in WELFARE_WORDS:
        assert words not in html
    client.force_login(new_officer)
    html = client.get(url).content.decode()
    for words in WELFARE_WORDS:
        assert words in html


def test_the_follow_up_of_a_day_before_the_pupil_left_shows_no_welfare_flags(school, mover):
    [row] = follow_up_list(school=school, day=dt.date(2024, 12, 16), today=TODAY)
    assert row.welfare is None
    assert not row.chase_first
    [then] = follow_up_list(school=school, day=dt.date(2024, 12, 16), today=dt.date(2024, 12, 16))
    assert then.welfare is not None and then.chase_first
