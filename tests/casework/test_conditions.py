"""Conditions on recording a child's absence (medical evidence for illness): set on a case,
shown to whoever codes the absence while in force, lifted by a new record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rollcall.casework.selectors import follow_up_list
from rollcall.casework.services.cases import case_condition_set, case_open
from rollcall.pupils.models import Condition
from rollcall.pupils.selectors import conditions_in_force
from rollcall.pupils.services import condition_lift
from rollcall.registers.services import MarkInput, marks_bulk_record
from tests.analytics.conftest import signed_in
from tests.conftest import set_clock

DAY = dt.date(2025, 1, 15)


@pytest.fixture
def case(time_machine, school, pupil, officer):
    set_clock(time_machine, DAY, 15)
    return case_open(
        actor=officer, pupil=pupil, school=school, owner=school, on=DAY, rationale="Fast Track"
    )


def test_a_condition_shows_while_in_force_and_lifting_it_is_a_new_record(
    case, officer, school, pupil
):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        case_condition_set(
            actor=officer,
            case=case,
            kind="medical_evidence",
            starts_on=DAY,
            ends_on=DAY - dt.timedelta(days=1),
            reason="Fast Track",
        )
    condition = case_condition_set(
        actor=officer,
        case=case,
        kind="medical_evidence",
        starts_on=DAY,
        ends_on=dt.date(2025, 2, 14),
        reason="Agreed at the Fast Track meeting",
    )
    assert case.events.filter(summary__startswith="Condition set: Medical evidence").exists()
    assert conditions_in_force(school=school, pupil_ids=[pupil.pk], on=DAY)[pupil.pk] == [condition]
    assert conditions_in_force(school=school, pupil_ids=[pupil.pk], on=dt.date(2025, 2, 17)) == {}
    condition_lift(
        actor=officer,
        condition=condition,
        on=dt.date(2025, 1, 20),
        reason="GP letter received; attendance recovered",
    )
    assert conditions_in_force(school=school, pupil_ids=[pupil.pk], on=dt.date(2025, 1, 21)) == {}
    assert conditions_in_force(school=school, pupil_ids=[pupil.pk], on=DAY)[pupil.pk] == [condition]
    with pytest.raises(DatabaseError), transaction.atomic():
        Condition.objects.filter(pk=condition.pk).update(ends_on=None)


def test_the_follow_up_shows_the_condition_to_whoever_codes_the_absence(
    client, case, officer, school, pupil
):
    case_condition_set(
        actor=officer,
        case=case,
        kind="medical_evidence",
        starts_on=DAY,
        reason="Illness absence every Monday",
    )
    marks_bulk_record(
        actor=None,
        school=school,
        source="import",
        marks=[MarkInput(upn=pupil.upn, date=DAY, session="AM", code="N")],
    )
    [row] = follow_up_list(school=school, day=DAY, today=DAY)
    assert [c.label for c in row.conditions] == ["Medical evidence required for illness absence"]
    page = signed_in(client, "officer").get(f"/registers/follow-up?date={DAY.isoformat()}")
    assert "Medical evidence required for illness absence" in page.content.decode()
    shown = signed_in(client, "officer").get(f"/cases/{case.pk}").content.decode()
    assert "Conditions on recording absence, in force" in shown
