import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollcall.core.models import AuditEvent
from rollcall.registers.models import Mark
from rollcall.registers.services import mark_record
from tests.factories import make_school

MONDAY = dt.date(2025, 1, 13)


def test_it_records_a_mark_and_its_audit_event(pupil, school, officer):
    mark = mark_record(
        actor=officer, school=school, pupil=pupil, date=MONDAY, session="AM", code="/"
    )
    assert (mark.code, mark.original_code, mark.recorded_by) == ("/", "/", officer)
    event = AuditEvent.objects.get(verb="mark.record")
    assert event.actor == officer
    assert event.school_urn == school.urn
    assert pupil.upn in event.summary


def test_it_rejects_an_unknown_code_and_writes_nothing(pupil, school, officer):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="'Q9' is not an attendance code"):
        mark_record(actor=officer, school=school, pupil=pupil, date=MONDAY, session="AM", code="Q9")
    assert Mark.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_it_rejects_a_code_not_yet_in_force_on_the_date(pupil, school, officer):
    # J1 replaced J on 19 August 2024.
    with pytest.raises(ValidationError, match="J1"):
        mark_record(
            actor=officer,
            school=school,
            pupil=pupil,
            date=dt.date(2024, 1, 15),
            session="AM",
            code="J1",
        )
    mark = mark_record(
        actor=officer, school=school, pupil=pupil, date=dt.date(2024, 1, 15), session="AM", code="J"
    )
    assert mark.code == "J"


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (dt.date(2025, 1, 11), "weekend"),
        (dt.date(2024, 12, 25), "outside the school's term dates"),
        (dt.date(2025, 5, 5), "bank holiday"),  # early May bank holiday, inside the summer term
    ],
)
def test_it_rejects_a_present_or_absence_mark_when_the_school_is_closed(
    pupil, school, officer, day, why
):
    for code in ("/", "I", "O"):
        with pytest.raises(ValidationError, match=why):
            mark_record(
                actor=officer, school=school, pupil=pupil, date=day, session="AM", code=code
            )
    assert Mark.objects.count() == 0


def test_it_rejects_marks_on_an_inset_day_but_accepts_the_closure_code(db, officer):
    inset = dt.date(2025, 1, 6)
    school = make_school(name="Inset School", inset_days=(inset,))
    from tests.factories import enrol, make_pupil

    pupil = make_pupil()
    enrol(pupil, school)
    with pytest.raises(ValidationError, match="INSET"):
        mark_record(actor=None, school=school, pupil=pupil, date=inset, session="PM", code="\\")
    mark = mark_record(actor=None, school=school, pupil=pupil, date=inset, session="PM", code="#")
    assert mark.code == "#"


def test_it_rejects_the_closure_code_on_a_day_the_school_is_open(pupil, school):
    with pytest.raises(ValidationError, match="record the closure in the calendar"):
        mark_record(actor=None, school=school, pupil=pupil, date=MONDAY, session="AM", code="#")


def test_it_rejects_a_pupil_not_on_roll_that_day(db, school):
    from tests.factories import enrol, make_pupil

    pupil = make_pupil()
    enrol(pupil, school, admitted_on=dt.date(2025, 2, 3))
    with pytest.raises(ValidationError, match="not on roll"):
        mark_record(actor=None, school=school, pupil=pupil, date=MONDAY, session="AM", code="/")


def test_it_refuses_to_overwrite_an_existing_mark(pupil, school):
    mark_record(actor=None, school=school, pupil=pupil, date=MONDAY, session="AM", code="N")
    with pytest.raises(ValidationError, match="amend it with a reason"):
        mark_record(actor=None, school=school, pupil=pupil, date=MONDAY, session="AM", code="I")
    assert Mark.objects.get().code == "N"


def test_it_rejects_a_session_that_is_not_am_or_pm(pupil, school):
    with pytest.raises(ValidationError, match="AM or PM"):
        mark_record(actor=None, school=school, pupil=pupil, date=MONDAY, session="EV", code="/")
