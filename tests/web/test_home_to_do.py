"""The home page says what is waiting: registers not taken, N codes, follow-ups, the worklist."""

from __future__ import annotations

import datetime as dt

from rollcall.organisations.services import registration_group_create
from rollcall.registers.services import MarkInput, marks_bulk_record
from tests.conftest import set_clock
from tests.factories import make_pupil
from tests.registers.conftest import enrol_in, staff

DAY = dt.date(2025, 1, 15)  # a Wednesday in term


def _school_with_groups(school):
    groups = [
        registration_group_create(actor=None, school=school, name=name, year_group="3")
        for name in ("3A", "3B")
    ]
    pupils = []
    for number, group in enumerate(groups * 2):
        pupil = make_pupil(forename=f"Pupil{number}", surname="Home")
        enrol_in(pupil, group)
        pupils.append(pupil)
    return groups, pupils


def test_an_officer_sees_what_needs_doing_this_morning(client, school, time_machine):
    _, pupils = _school_with_groups(school)
    officer = staff("omar", "attendance_officer", school, "Omar", "Office")
    # Monday's N went unreplaced; this morning 3A's register is taken with one N, 3B's is not.
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[
            MarkInput(upn=pupils[0].upn, date=DAY - dt.timedelta(days=9), session="AM", code="N")
        ],
        source="register",
    )
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[
            MarkInput(upn=p.upn, date=DAY, session="AM", code="N" if i == 0 else "/")
            for i, p in enumerate(pupils)
            if i % 2 == 0
        ],
        source="register",
    )
    set_clock(time_machine, DAY, hour=9, minute=30)
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert "What needs doing" in html
    assert "1 register not taken today" in html  # 3B's morning; the afternoon has not opened
    assert "2 N codes to replace" in html and "1 overdue" in html
    assert "1 pupil absent today with no contact recorded" in html
    set_clock(time_machine, DAY, hour=14)
    assert "3 registers not taken today" in client.get("/").content.decode()


def test_a_teacher_with_nothing_waiting_is_told_so(client, school, time_machine):
    _school_with_groups(school)
    teacher = staff("tina", "teacher", school, "Tina", "Teach")
    set_clock(time_machine, DAY, hour=8)  # before the morning register opens
    client.force_login(teacher)
    html = client.get("/").content.decode()
    assert "Nothing is waiting" in html
    assert "to replace" not in html  # N codes are the office's work


def test_on_a_saturday_the_latest_school_days_unfinished_work_is_shown(
    client, school, time_machine
):
    _, pupils = _school_with_groups(school)
    officer = staff("omar", "attendance_officer", school, "Omar", "Office")
    friday = DAY + dt.timedelta(days=2)
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[MarkInput(upn=pupils[0].upn, date=friday, session="AM", code="N")],
        source="register",
    )
    set_clock(time_machine, friday + dt.timedelta(days=1), hour=10)
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert "4 registers not taken on Friday 17 January" in html
    assert "/registers/missing?date=2025-01-17" in html
    assert "1 pupil absent on Friday 17 January with no contact recorded" in html
