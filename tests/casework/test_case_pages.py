"""The case pages as an officer uses them: open a case from a worklist item, move it with a
reason, mark a task done, close it; other schools see nothing; the LA sees everything."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command

from rollcall.analytics.models import WorklistItem
from rollcall.casework.models import Case, CaseEvent, CaseTask
from rollcall.casework.services.cases import case_open
from rollcall.organisations.models import School
from tests.analytics.conftest import person, record, signed_in
from tests.conftest import set_clock
from tests.factories import enrol, make_pupil, make_school

pytestmark = pytest.mark.django_db

D = dt.date
MONDAY = D(2025, 3, 3)
FRIDAY = D(2025, 3, 7)


def _world(time_machine, profile: str):
    set_clock(time_machine, D(2025, 3, 10), 9, 30)
    school = make_school(name="Riverside Primary School")
    School.objects.filter(pk=school.pk).update(policy_profile=profile)
    school.refresh_from_db()
    pupil = make_pupil(forename="Ada", surname="Stone", date_of_birth=D(2015, 1, 10))
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    record(school, pupil.upn, MONDAY, "O O / / O O / / G G")
    call_command("sweep", "--on", FRIDAY.isoformat(), stdout=StringIO())
    officer = person("officer", "attendance_officer", school=school)
    return school, pupil, officer


@pytest.fixture
def world(time_machine):
    return _world(time_machine, "national")


@pytest.fixture
def hackney(time_machine):
    return _world(time_machine, "hackney")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_an_officer_opens_a_case_from_a_worklist_item_and_works_it(client, world):
    school, pupil, officer = world
    browser = signed_in(client, "officer")
    item = WorklistItem.objects.get(pupil=pupil, kind="severe_absence")
    page = browser.get(f"/analytics/worklist/{item.pk}").content.decode()
    link = re.search(r'href="(/cases/new\?[^"]+)">Open a case', page).group(1).replace("&amp;", "&")
    assert f"item={item.pk}" in link

    form = browser.get(link)
    assert "Open a case for Ada Stone" in _text(form)
    assert "Listen and understand" in _text(form)  # the national stages
    refused = browser.post(link, {"stage": "listen_and_understand", "rationale": ""})
    assert refused.status_code == 200
    assert "There is a problem" in _text(refused)
    assert "Say why: the reason is part of the record a court may read" in _text(refused)
    assert not Case.objects.exists()

    done = browser.post(
        link,
        {
            "stage": "listen_and_understand",
            "rationale": "Severe absence; two Mondays off",
            "lead_is_me": "on",
        },
    )
    case = Case.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}"
    assert case.opened_from_item == item.pk
    assert case.lead_practitioner == officer

    shown = _text(browser.get(f"/cases/{case.pk}"))
    assert "Ada Stone: Listen and understand" in shown
    assert "Talk with the pupil and parents to understand the barriers" in shown
    assert "The profile sets no date for this" in shown
    assert "Severe absence; two Mondays off" in shown
    assert "Attendance each school week" in shown

    moved = browser.post(f"/cases/{case.pk}/move", {"stage": "enforce"})
    assert "Say why" in _text(moved)
    refused = _text(
        browser.post(f"/cases/{case.pk}/move", {"stage": "enforce", "rationale": "No change"})
    )
    assert "until the referral checklist is complete" in refused
    assert "A Notice to Improve was issued, or the reason for not using one" in refused
    checklist = _text(browser.get(f"/cases/{case.pk}/checklist"))
    assert "0 of 1 held" in checklist and "Missing" in checklist
    browser.post(
        f"/cases/{case.pk}/checklist",
        {"item": "notice_to_improve_or_reason", "note": "NTI issued 3 February; copy on file"},
    )
    assert "1 of 1 held" in _text(browser.get(f"/cases/{case.pk}/checklist"))
    browser.post(
        f"/cases/{case.pk}/move",
        {"stage": "enforce", "rationale": "No engagement after three letters"},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED
    assert case.owner == school.local_authority
    shown = _text(browser.get(f"/cases/{case.pk}"))
    assert "Moved on from Listen and understand to Enforce" in shown
    assert "Taken over by Testshire County Council" in shown

    # Nationally, schools stay involved after the LA takes a case over: the school writes.
    task = case.tasks.get(status="open")
    browser.post(f"/cases/{case.pk}/tasks/{task.pk}", {"note": "ESO discussed with the LA"})
    assert case.events.filter(kind=CaseEvent.Kind.TASK_DONE).count() == 1

    browser.post(
        f"/cases/{case.pk}/close",
        {"outcome": "enforcement", "rationale": "Handed to the LA's legal team"},
    )
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "enforcement")


def test_hackney_opens_the_case_that_night_with_its_review_four_weeks_on(client, hackney):
    _school, pupil, _officer = hackney
    case = Case.objects.get(pupil=pupil)
    assert case.opened_from_kind == "attendance:below_90"
    browser = signed_in(client, "officer")
    shown = _text(browser.get(f"/cases/{case.pk}"))
    assert "Ada Stone: Early help and support" in shown
    assert "Hold the review meeting with the family and professionals" in shown
    assert "4 April 2025" in shown  # 4 weeks from the sweep's day, Friday 7 March
    assert "4 weeks from 7 March 2025" in shown
    assert "rollcall (system)" in shown

    worklist = _text(browser.get("/analytics/worklist"))
    assert worklist.count("Ada Stone") == 1
    assert "Severely absent" in worklist
    assert "Early help and support" in worklist


def test_another_school_gets_a_404_and_the_la_reads_and_downloads(client, world):
    school, pupil, _officer = world
    other = make_school(name="Hill Top Primary")
    person("stranger", "attendance_officer", school=other)
    person("la", "la_officer", local_authority=school.local_authority)
    browser = signed_in(client, "officer")
    browser.post(
        f"/cases/new?school={school.urn}&pupil={pupil.pk}",
        {"stage": "listen_and_understand", "rationale": "Concern"},
    )
    case = Case.objects.get()
    client.logout()
    stranger = signed_in(client, "stranger")
    assert stranger.get(f"/cases/{case.pk}").status_code == 404
    assert (
        stranger.post(
            f"/cases/{case.pk}/close", {"outcome": "improved", "rationale": "x"}
        ).status_code
        == 404
    )
    assert "Ada Stone" not in _text(stranger.get("/cases/"))
    assert stranger.get(f"/cases/new?school={school.urn}&pupil={pupil.pk}").status_code == 404
    client.logout()

    la = signed_in(client, "la")
    listing = _text(la.get("/cases/"))
    assert "Ada Stone" in listing and "Riverside Primary School" in listing
    download = la.get("/cases/?format=csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert [(row["child"], row["stage"], row["run_by"]) for row in rows] == [
        ("Ada Stone", "Listen and understand", "Riverside Primary School")
    ]


def test_a_teacher_cannot_open_a_case(client, world):
    school, pupil, _ = world
    person("teacher", "teacher", school=school)
    browser = signed_in(client, "teacher")
    response = browser.get(f"/cases/new?school={school.urn}&pupil={pupil.pk}")
    assert response.status_code == 403


def test_the_worklist_ranks_severe_absence_then_overdue_then_new(client, world, time_machine):
    school, _ada, officer = world  # Ada: severely absent, no case yet
    bea = make_pupil(forename="Bea", surname="Lamb", date_of_birth=D(2015, 2, 1))
    enrol(bea, school, admitted_on=D(2024, 9, 2))
    cy = make_pupil(forename="Cy", surname="Moss", date_of_birth=D(2015, 3, 1))
    enrol(cy, school, admitted_on=D(2024, 9, 2))
    record(school, cy.upn, MONDAY, "O . . . . . . . . .")  # 90 %: persistent absence only
    call_command("sweep", "--on", FRIDAY.isoformat(), stdout=StringIO())
    # Bea has no trigger but a case whose task is overdue.
    case = case_open(
        actor=officer,
        pupil=bea,
        school=school,
        owner=school,
        on=D(2025, 1, 6),
        rationale="Concern raised by class teacher",
        stage_key="enforce",
    )
    CaseTask.objects.create(
        case=case,
        stage_key="enforce",
        key="letter",
        label="Send the letter",
        counted_from=D(2025, 1, 6),
        period="2 weeks",
        due_on=D(2025, 1, 20),
        source="WTISA",
        created_at=case.opened_at,
    )
    page = _text(signed_in(client, "officer").get("/analytics/worklist"))
    assert page.index("Ada Stone") < page.index("Bea Lamb") < page.index("Cy Moss")
    assert "3 children" in page
    assert "1 overdue" in page
    assert page.count("Open a case") == 2  # Ada and Cy


def test_the_case_list_filters_by_child_and_sorts_and_home_counts_tasks_due(client, world):
    school, ada, officer = world
    bea = make_pupil(
        forename="Bea", surname="Adams", date_of_birth=D(2015, 2, 1), looked_after=True
    )
    enrol(bea, school, admitted_on=D(2024, 9, 2))
    for pupil in (ada, bea):
        case_open(
            actor=officer,
            pupil=pupil,
            school=school,
            owner=school,
            on=D(2025, 3, 3),
            rationale="Concern",
            stage_key="enforce",
        )
    late = Case.objects.get(pupil=bea)
    CaseTask.objects.create(
        case=late,
        stage_key="enforce",
        key="letter",
        label="Send the letter",
        counted_from=D(2025, 3, 3),
        period="1 week",
        due_on=D(2025, 3, 7),
        source="WTISA",
        created_at=late.opened_at,
    )
    browser = signed_in(client, "officer")
    looked_after = _text(browser.get("/cases/?flag=looked_after"))
    assert "Bea Adams" in looked_after and "Ada Stone" not in looked_after
    severe = _text(browser.get("/cases/?flag=severe"))
    assert "Ada Stone" in severe and "Bea Adams" not in severe
    by_name = _text(browser.get("/cases/?sort=child"))
    assert by_name.index("Bea Adams") < by_name.index("Ada Stone")  # Adams before Stone
    home = _text(browser.get("/"))
    assert "1 case task due by today" in home
    assert "1 overdue" in home
