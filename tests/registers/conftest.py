"""A small school with one registration group of three pupils, its staff, and helpers to take
its register."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from rollcall.accounts.services import membership_add, user_create
from rollcall.organisations.services import registration_group_create
from rollcall.pupils.models import Enrolment
from rollcall.pupils.services import enrolment_create
from rollcall.registers.models import Mark
from rollcall.registers.selectors import present_code, register_roster
from rollcall.registers.services import RegisterEntry, register_take
from tests.factories import make_pupil, make_school

MONDAY = dt.date(2025, 1, 13)  # spring term 2025 in tests.factories


def staff(username: str, role: str, school, first: str = "Test", last: str = "User") -> User:
    user = user_create(
        actor=None,
        username=username,
        password="a-long-test-password",
        first_name=first,
        last_name=last,
    )
    membership_add(actor=None, user=user, role=role, school=school)
    return user


def enrol_in(pupil, group, *, registration: str = Enrolment.Registration.SINGLE, **dates):
    return enrolment_create(
        actor=None,
        pupil=pupil,
        school=group.school,
        admitted_on=dates.get("admitted_on", dt.date(2023, 9, 1)),
        left_on=dates.get("left_on"),
        year_group="3",
        registration=registration,
        registration_group=group,
    )


@pytest.fixture
def group(school):
    return registration_group_create(actor=None, school=school, name="3B", year_group="3")


@pytest.fixture
def pupils(group):
    made = []
    for forename, surname in (("Amara", "Adams"), ("Ben", "Brook"), ("Cara", "Cole")):
        pupil = make_pupil(forename=forename, surname=surname)
        enrol_in(pupil, group)
        made.append(pupil)
    return made


@pytest.fixture
def teacher(school):
    return staff("teacher", "teacher", school, "Sam", "Teacher")


@pytest.fixture
def head(school):
    return staff("head", "headteacher", school, "Helen", "Head")


TODAY = MONDAY  # registers are usually taken on the day


def take(
    group,
    pupils,
    actor,
    codes=None,
    *,
    day=MONDAY,
    session="AM",
    reason="",
    arrivals=None,
    today=TODAY,
):
    """Take the register as a teacher who gives `codes` and then marks the rest present (a
    pupil on a part-time timetable or at another school keeps the C2 or D it starts with)."""
    codes = codes or {}
    arrivals = arrivals or {}
    arranged = {
        row.pupil.pk: row.default_code
        for row in register_roster(group=group, day=day, session=session)
    }
    return register_take(
        actor=actor,
        group=group,
        date=day,
        session=session,
        entries=[
            RegisterEntry(
                upn=p.upn,
                code=codes.get(p) or arranged.get(p.pk) or present_code(session),
                arrived_at=arrivals.get(p),
            )
            for p in pupils
        ],
        today=today,
        amendment_reason=reason,
    )


def codes_saved(pupils, day=MONDAY, session="AM"):
    marks = {m.pupil_id: m.code for m in Mark.objects.filter(date=day, session=session)}
    return [marks.get(p.pk) for p in pupils]


# Pages read today's date from the clock, so page tests set the clock: to a Wednesday in term,
# mid-morning, whatever day the suite runs on.

SCHOOL_DAY = dt.date(2025, 1, 15)
LONDON = ZoneInfo("Europe/London")


def clock_at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def day(time_machine) -> dt.date:
    """A school day on which the pages are used: the clock stands at 09:30 that morning."""
    time_machine.move_to(clock_at(SCHOOL_DAY), tick=False)
    return SCHOOL_DAY


@pytest.fixture
def here(db, day):
    """A school in term on `day`, with group 4C of three pupils and its staff."""
    school = make_school(
        name="Larkspur Primary School",
        terms=((day - dt.timedelta(days=120), day + dt.timedelta(days=120)),),
    )
    group = registration_group_create(actor=None, school=school, name="4C", year_group="4")
    pupils = []
    for forename, surname in (("Ada", "Ash"), ("Bilal", "Birch"), ("Cleo", "Cedar")):
        pupil = make_pupil(forename=forename, surname=surname)
        enrol_in(pupil, group, admitted_on=day - dt.timedelta(days=200))
        pupils.append(pupil)
    return {
        "school": school,
        "group": group,
        "pupils": pupils,
        "teacher": staff("tina", "teacher", school, "Tina", "Teach"),
        "officer": staff("omar", "attendance_officer", school, "Omar", "Office"),
    }


def url(here, day, session="AM"):
    return f"/registers/{here['group'].pk}/{day.isoformat()}/{session}"


def form_data(here, codes=None, arrivals=None, reason="", session="AM"):
    codes, arrivals = codes or {}, arrivals or {}
    data = {"reason": reason}
    for pupil in here["pupils"]:
        data[f"code-{pupil.pk}"] = codes.get(pupil.upn, "/" if session == "AM" else "\\")
        data[f"arrived-{pupil.pk}"] = arrivals.get(pupil.upn, "")
    return data
