"""Correcting marks: the register lock, single corrections and replacing N codes in bulk."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollcall.organisations.selectors import school_calendar
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.selectors import n_codes_outstanding, school_day_after
from rollcall.registers.services import (
    MarksRejected,
    RegisterEntry,
    mark_correct,
    n_codes_correct,
    register_take,
)
from tests.factories import make_school
from tests.registers.conftest import MONDAY, staff

# Ten school days after Monday 13 January 2025 is Monday 27 January: the last day the
# register can be amended by anyone; from the 28th only a headteacher may.
LAST_OPEN_DAY = dt.date(2025, 1, 27)
FIRST_LOCKED_DAY = dt.date(2025, 1, 28)


@pytest.fixture
def n_mark(group, pupils, teacher):
    register_take(
        actor=teacher,
        group=group,
        date=MONDAY,
        session="AM",
        entries=[RegisterEntry(upn=p.upn, code="N" if p == pupils[0] else "/") for p in pupils],
        today=MONDAY,
    )
    return Mark.objects.get(pupil=pupils[0], date=MONDAY, session="AM")


def test_an_officer_corrects_a_mark_and_the_history_keeps_both(n_mark, officer):
    mark_correct(
        actor=officer, mark=n_mark, new_code="I", reason="Mum rang at 9:30", today=LAST_OPEN_DAY
    )
    n_mark.refresh_from_db()
    assert (n_mark.original_code, n_mark.code) == ("N", "I")
    amendment = n_mark.amendments.get()
    assert (amendment.amended_by, amendment.reason) == (officer, "Mum rang at 9:30")


def test_a_correction_needs_a_reason(n_mark, officer):
    with pytest.raises(ValidationError, match="Give a reason"):
        mark_correct(actor=officer, mark=n_mark, new_code="I", reason=" ", today=MONDAY)
    assert not MarkAmendment.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "officer"])
def test_a_locked_register_refuses_teachers_and_officers(n_mark, who, teacher, officer):
    actor = {"teacher": teacher, "officer": officer}[who]
    with pytest.raises(ValidationError) as refused:
        mark_correct(
            actor=actor, mark=n_mark, new_code="I", reason="Late note", today=FIRST_LOCKED_DAY
        )
    assert "locked after Monday 27 January 2025 (10 school days)" in str(refused.value)
    assert "only a headteacher can amend it" in str(refused.value)
    assert Mark.objects.get(pk=n_mark.pk).code == "N"


def test_a_headteacher_may_amend_a_locked_register(n_mark, head):
    mark_correct(
        actor=head, mark=n_mark, new_code="I", reason="GP letter", today=dt.date(2025, 3, 3)
    )
    assert Mark.objects.get(pk=n_mark.pk).code == "I"


def test_the_lock_applies_to_resaving_a_register_too(n_mark, group, pupils, teacher, head):
    entries = [
        RegisterEntry(upn=p.upn, code="/") for p in pupils
    ]  # everyone present: changes the N
    with pytest.raises(MarksRejected, match="only a headteacher can amend it"):
        register_take(
            actor=teacher,
            group=group,
            date=MONDAY,
            session="AM",
            entries=entries,
            today=FIRST_LOCKED_DAY,
            amendment_reason="Was here after all",
        )
    register_take(
        actor=head,
        group=group,
        date=MONDAY,
        session="AM",
        entries=entries,
        today=FIRST_LOCKED_DAY,
        amendment_reason="Was here after all",
    )
    assert Mark.objects.get(pk=n_mark.pk).code == "/"


def test_staff_of_another_school_cannot_correct(n_mark):
    elsewhere = staff("elsewhere", "headteacher", make_school(name="Other School"))
    with pytest.raises(
        ValidationError, match="has no role at Test Primary School that writes its registers"
    ):
        mark_correct(actor=elsewhere, mark=n_mark, new_code="I", reason="x", today=MONDAY)


def test_n_deadlines_count_school_days_skipping_weekends_and_holidays(db):
    school = make_school(inset_days=(dt.date(2025, 1, 20),))
    calendar = school_calendar(school=school)
    # Friday 14 Feb 2025 ends the half-term; 24-28 Feb are the next five school days.
    assert school_day_after(calendar, dt.date(2025, 2, 14), 5) == dt.date(2025, 2, 28)
    # Thu 1 May: Fri 2, then Mon 5 May is a bank holiday, then Tue 6 … Fri 9.
    assert school_day_after(calendar, dt.date(2025, 5, 1), 5) == dt.date(2025, 5, 9)
    # Wed 15 Jan: Thu 16, Fri 17, (Mon 20 INSET), Tue 21, Wed 22, Thu 23.
    assert school_day_after(calendar, dt.date(2025, 1, 15), 5) == dt.date(2025, 1, 23)


def test_outstanding_ns_show_their_deadline_and_which_are_overdue(n_mark, group, pupils, school):
    calendar = school_calendar(school=school)
    [row] = n_codes_outstanding(school=school, calendar=calendar, today=dt.date(2025, 1, 17))
    # Monday 13th + 5 school days = Monday 20th; on Friday 17th one school day is left.
    assert (row.mark, row.deadline, row.overdue, row.days_left) == (
        n_mark,
        dt.date(2025, 1, 20),
        False,
        1,
    )
    [row] = n_codes_outstanding(school=school, calendar=calendar, today=dt.date(2025, 1, 21))
    assert row.overdue


def test_bulk_correcting_replaces_the_selected_ns_with_one_reason(
    group, pupils, teacher, officer, school
):
    register_take(
        actor=teacher,
        group=group,
        date=MONDAY,
        session="AM",
        entries=[RegisterEntry(upn=p.upn, code="N") for p in pupils],
        today=MONDAY,
    )
    first, second, third = Mark.objects.order_by("pupil__legal_surname")
    count = n_codes_correct(
        actor=officer,
        school=school,
        mark_ids=[first.pk, second.pk],
        new_code="O",
        reason="No reason given after three calls",
        today=dt.date(2025, 1, 20),
    )
    assert count == 2
    assert [m.code for m in Mark.objects.order_by("pupil__legal_surname")] == ["O", "O", "N"]
    assert set(MarkAmendment.objects.values_list("reason", flat=True)) == {
        "No reason given after three calls"
    }
    calendar = school_calendar(school=school)
    remaining = n_codes_outstanding(school=school, calendar=calendar, today=MONDAY)
    assert [row.mark for row in remaining] == [third]


def test_bulk_correcting_is_all_or_nothing(n_mark, group, pupils, officer, school, head):
    mark_correct(actor=head, mark=n_mark, new_code="I", reason="Illness", today=MONDAY)
    present = Mark.objects.get(pupil=pupils[1])
    with pytest.raises(ValidationError) as refused:
        n_codes_correct(
            actor=officer,
            school=school,
            mark_ids=[n_mark.pk, present.pk],
            new_code="O",
            reason="x",
            today=MONDAY,
        )
    assert "no longer N" in str(refused.value)
    assert Mark.objects.get(pk=n_mark.pk).code == "I"
    assert MarkAmendment.objects.count() == 1


def test_bulk_correcting_a_locked_n_needs_a_headteacher(n_mark, officer, head, school):
    with pytest.raises(ValidationError, match="only a headteacher"):
        n_codes_correct(
            actor=officer,
            school=school,
            mark_ids=[n_mark.pk],
            new_code="O",
            reason="Never explained",
            today=FIRST_LOCKED_DAY,
        )
    n_codes_correct(
        actor=head,
        school=school,
        mark_ids=[n_mark.pk],
        new_code="O",
        reason="Never explained",
        today=FIRST_LOCKED_DAY,
    )
    assert Mark.objects.get(pk=n_mark.pk).code == "O"


def test_bulk_correcting_refuses_n_as_the_new_code_and_a_missing_reason(n_mark, officer, school):
    with pytest.raises(ValidationError) as refused:
        n_codes_correct(
            actor=officer,
            school=school,
            mark_ids=[n_mark.pk],
            new_code="N",
            reason="",
            today=MONDAY,
        )
    assert "other than N" in str(refused.value)
    assert "Give a reason" in str(refused.value)
