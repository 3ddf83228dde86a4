"""Fixtures for imports, exports and certificates: two schools in one LA and their staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from rollcall.accounts.services import membership_add, user_create
from rollcall.core.models import AuditEvent
from rollcall.organisations.models import LocalAuthority, School, Term
from rollcall.pupils.models import Carer, CarerLink, Enrolment, Pupil
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.transfers.models import (
    CtfSchool,
    EarlierSchoolAttendance,
    EarlierSchoolMark,
    ImportBatch,
)
from tests.conftest import set_clock
from tests.factories import enrol, make_pupil, make_school

PASSWORD = "a-long-test-password"
MONDAY = dt.date(2025, 1, 13)  # a school week in the factories' calendar
WEEK = [MONDAY + dt.timedelta(days=n) for n in range(5)]


def make_user(username: str, role: str, **organisation) -> User:
    user = user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name="Tester",
    )
    membership_add(actor=None, user=user, role=role, **organisation)
    return user


@pytest.fixture(autouse=True)
def _on_the_friday_of_that_week(time_machine):
    """Files are imported on the Friday afternoon of the week they hold, while its registers
    are open (the register lock applies to imports)."""
    set_clock(time_machine, WEEK[-1])


@pytest.fixture
def other_school(db, school) -> School:
    return make_school(name="Other Primary School")


@pytest.fixture
def other_pupil(db, other_school) -> Pupil:
    pupil = make_pupil(forename="Other", surname="Child")
    enrol(pupil, other_school)
    return pupil


@pytest.fixture
def head(db, school) -> User:
    return make_user("head", "headteacher", school=school)


@pytest.fixture
def teacher(db, school) -> User:
    return make_user("teacher", "teacher", school=school)


@pytest.fixture
def other_officer(db, other_school) -> User:
    return make_user("otherofficer", "attendance_officer", school=other_school)


@pytest.fixture
def la_officer(db, school) -> User:
    return make_user("laofficer", "la_officer", local_authority=school.local_authority)


@pytest.fixture
def signed_in(client):
    def sign_in(user: User):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in


def row_counts() -> dict[str, int]:
    """Rows in every table an import may write, to show a refused file changed nothing."""
    models = (
        Pupil,
        Enrolment,
        Carer,
        CarerLink,
        Mark,
        MarkAmendment,
        School,
        LocalAuthority,
        Term,
        CtfSchool,
        EarlierSchoolAttendance,
        EarlierSchoolMark,
        ImportBatch,
        AuditEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


def marks_csv(
    rows: list[tuple[str, ...]], header: str = "school_urn,upn,date,session,code"
) -> bytes:
    return ("\n".join([header, *(",".join(row) for row in rows)]) + "\n").encode()


def week_rows(school: School, pupil: Pupil, code: str = "/") -> list[tuple[str, ...]]:
    return [
        (school.urn, pupil.upn, day.isoformat(), session, code if session == "AM" else "\\")
        for day in WEEK
        for session in ("AM", "PM")
    ]
