"""X is only for a pupil not of compulsory school age, C2 only for one who is (REG24 reg 10,
from 19 August 2024): the register, the bulk service and imports refuse the wrong one, naming
the pupil's date of birth and the session."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.registers.models import Mark
from rollcall.registers.services import MarkInput, MarksRejected, marks_bulk_record
from rollcall.statutory.code_age import code_age_problem
from tests.factories import enrol, make_pupil, make_school
from tests.registers.conftest import MONDAY, enrol_in, take

SEVEN = dt.date(2017, 10, 2)  # seven in January 2025: of compulsory school age
FOUR = dt.date(2020, 6, 1)  # four in January 2025: compulsory school age from 31 Aug 2025


def test_saving_x_for_a_seven_year_old_on_the_register_is_refused(group, teacher):
    child = make_pupil(forename="Sid", surname="Seven", date_of_birth=SEVEN)
    enrol_in(child, group)
    with pytest.raises(MarksRejected) as refused:
        take(group, [child], teacher, {child: "X"})
    reason = refused.value.problems[0].reason
    assert "X is only for a pupil not of compulsory school age" in reason
    assert "born on 2 October 2017" in reason and "13 January 2025 AM" in reason
    assert not Mark.objects.exists()


def test_x_for_a_four_year_old_is_saved(group, teacher):
    child = make_pupil(forename="Fran", surname="Four", date_of_birth=FOUR)
    enrol_in(child, group)
    take(group, [child], teacher, {child: "X"})
    assert Mark.objects.get().code == "X"


@pytest.mark.parametrize("count", [1, 40])  # one mark, and a batch big enough for columns
def test_c2_for_a_four_year_old_through_the_bulk_service_is_refused(db, count):
    school = make_school(name="Ages Primary School")
    young = make_pupil(forename="Fran", surname="Four", date_of_birth=FOUR)
    enrol(young, school)
    others = [make_pupil(date_of_birth=SEVEN) for _ in range(count - 1)]
    for other in others:
        enrol(other, school)
    marks = [MarkInput(upn=young.upn, date=MONDAY, session="PM", code="C2")]
    marks += [MarkInput(upn=o.upn, date=MONDAY, session="PM", code="C2") for o in others]
    with pytest.raises(MarksRejected) as refused:
        marks_bulk_record(actor=None, school=school, marks=marks, source="import")
    assert len(refused.value.problems) == 1  # the seven-year-olds' C2 is right
    reason = refused.value.problems[0].reason
    assert reason.startswith(young.upn)
    assert "C2 is only for a pupil of compulsory school age" in reason
    assert "born on 1 June 2020" in reason and "13 January 2025 PM" in reason
    assert not Mark.objects.exists()


def test_earlier_eras_keep_their_own_meanings():
    # The 2020-22 X (coronavirus) was for any age; before 19 August 2024 no age is checked.
    covid = code_age_problem(code="X", day=dt.date(2021, 1, 11), session="AM", date_of_birth=SEVEN)
    assert covid == ""
    now = code_age_problem(code="X", day=dt.date(2024, 9, 2), session="AM", date_of_birth=SEVEN)
    assert now.startswith("X is only for a pupil not of compulsory school age")
