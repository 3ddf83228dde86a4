"""The N-code deadline counts from the day after the mark, or from the mark's own day when
the school's policy profile says so (registers.n_code_deadline)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rollcall.organisations.selectors import school_calendar
from rollcall.organisations.services import local_authority_create, registration_group_create
from rollcall.policies import PolicyProfile, load_profile_file
from rollcall.registers.models import Mark
from rollcall.registers.selectors import n_codes_outstanding
from rollcall.registers.services import RegisterEntry, register_take
from tests.factories import make_pupil, make_school
from tests.registers.conftest import MONDAY, enrol_in, staff

FRIDAY = dt.date(2025, 1, 17)
NEXT_MONDAY = dt.date(2025, 1, 20)

COUNTS_MARK_DAY = """\
key: marks-own-day
name: An LA that counts the day of the mark
kind: local_authority
based_on: national
sources:
  - title: Test code of conduct
    tag: TST
registers:
  n_code_deadline:
    counted_from: mark_day
    source: TST §3
"""


def an_n_on_monday(school) -> Mark:
    group = registration_group_create(actor=None, school=school, name="3B", year_group="3")
    pupil = make_pupil(forename="Amara", surname="Adams")
    enrol_in(pupil, group)
    teacher = staff("teacher", "teacher", school)
    register_take(
        actor=teacher,
        group=group,
        date=MONDAY,
        session="AM",
        entries=[RegisterEntry(upn=pupil.upn, code="N")],
        today=MONDAY,
    )
    return Mark.objects.get(pupil=pupil)


@pytest.fixture
def marks_own_day(tmp_path: Path) -> PolicyProfile:
    path = tmp_path / "marks-own-day.yaml"
    path.write_text(COUNTS_MARK_DAY, encoding="utf-8")
    return load_profile_file(path)


def test_a_profile_counting_the_marks_day_brings_the_deadline_a_school_day_earlier(
    db, marks_own_day
):
    school = make_school()
    mark = an_n_on_monday(school)
    calendar = school_calendar(school=school)

    [row] = n_codes_outstanding(
        school=school, calendar=calendar, today=FRIDAY, profile=marks_own_day
    )
    # Monday 13th is school day 1, so Friday 17th is the fifth and last.
    assert (row.mark, row.deadline, row.days_left, row.overdue) == (mark, FRIDAY, 0, False)

    [row] = n_codes_outstanding(
        school=school, calendar=calendar, today=NEXT_MONDAY, profile=marks_own_day
    )
    assert row.overdue


def test_the_schools_own_profile_counts_from_the_day_after_the_mark(db):
    school = make_school(
        la=local_authority_create(actor=None, code="204", name="Hackney", policy_profile="hackney")
    )
    an_n_on_monday(school)
    calendar = school_calendar(school=school)

    [row] = n_codes_outstanding(school=school, calendar=calendar, today=NEXT_MONDAY)

    # Tuesday 14th is school day 1, so Monday 20th is the fifth: not yet overdue.
    assert (row.deadline, row.overdue) == (NEXT_MONDAY, False)
