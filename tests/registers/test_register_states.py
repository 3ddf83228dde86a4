"""Which registers are taken: what the office's 'not yet taken' list is made from."""

import datetime as dt

from rollcall.organisations.selectors import school_calendar
from rollcall.organisations.services import registration_group_create
from rollcall.registers.selectors import register_states
from rollcall.registers.services import MarkInput, marks_bulk_record
from tests.factories import make_pupil
from tests.registers.conftest import MONDAY, enrol_in, take


def states(school, day=MONDAY):
    found = register_states(school=school, calendar=school_calendar(school=school), day=day)
    return {
        (g.group.name, session): state.kind for g in found for session, state in g.states.items()
    }


def test_taken_partly_marked_and_missing_registers_are_told_apart(school, group, pupils, teacher):
    other = registration_group_create(actor=None, school=school, name="4A")
    newcomers = [make_pupil(forename=f"New{n}", surname="Comer") for n in range(2)]
    for pupil in newcomers:
        enrol_in(pupil, other)
    registration_group_create(actor=None, school=school, name="Empty")
    take(group, pupils, teacher)
    # An import brought in one of 4A's two afternoon marks.
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[MarkInput(upn=newcomers[0].upn, date=MONDAY, session="PM", code="\\")],
        source="import",
    )
    assert states(school) == {
        ("3B", "AM"): "taken",
        ("3B", "PM"): "not_taken",
        ("4A", "AM"): "not_taken",
        ("4A", "PM"): "partly",
        ("Empty", "AM"): "empty",
        ("Empty", "PM"): "empty",
    }
    missing = [
        g.group.name
        for g in register_states(school=school, calendar=school_calendar(school=school), day=MONDAY)
        if g.missing
    ]
    assert missing == ["3B", "4A"]


def test_no_register_is_missing_on_a_closed_day(school, group, pupils):
    saturday = dt.date(2025, 1, 18)
    assert set(states(school, saturday).values()) == {"closed"}
