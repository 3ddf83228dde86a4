"""A child with two parents and an open case, for the meeting, plan and contract tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rollcall.casework.models import Case
from rollcall.casework.services.cases import case_open
from rollcall.organisations.models import School
from rollcall.pupils.models import Carer, Pupil
from rollcall.pupils.services import carer_create, carer_link_create
from tests.analytics.conftest import person
from tests.factories import enrol, make_pupil, make_school

OPENED = dt.date(2025, 3, 3)


@dataclass
class World:
    school: School
    pupil: Pupil
    mother: Carer
    father: Carer
    officer: object
    case: Case


def world(profile: str) -> World:
    school = make_school(name="Riverside Primary School")
    School.objects.filter(pk=school.pk).update(policy_profile=profile)
    school.refresh_from_db()
    pupil = make_pupil(forename="Ada", surname="Stone", date_of_birth=dt.date(2015, 1, 10))
    enrol(pupil, school, admitted_on=dt.date(2024, 9, 2))
    mother = carer_create(actor=None, forename="Jo", surname="Stone")
    father = carer_create(actor=None, forename="Sam", surname="Reed")
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=mother,
        relationship="mother",
        parental_responsibility=True,
        lives_with_pupil=True,
    )
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=father,
        relationship="father",
        parental_responsibility=True,
        lives_with_pupil=False,
        contact_priority=2,
    )
    officer = person("officer", "attendance_officer", school=school)
    case = case_open(
        actor=officer,
        pupil=pupil,
        school=school,
        owner=school,
        on=OPENED,
        rationale="Attendance below 90% this term",
    )
    return World(school, pupil, mother, father, officer, case)
