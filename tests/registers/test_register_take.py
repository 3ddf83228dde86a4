"""Taking a group's register: defaults, late arrivals, all-or-nothing saving and resaving."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollcall.core.models import AuditEvent
from rollcall.pupils.models import Enrolment
from rollcall.registers.models import Mark, MarkAmendment, TakenRegister
from rollcall.registers.selectors import register_roster
from rollcall.registers.services import (
    MarksRejected,
    RegisterEntry,
    other_school_sessions_set,
    part_time_timetable_save,
)
from tests.factories import make_pupil
from tests.registers.conftest import MONDAY, TODAY, codes_saved, enrol_in, take


def test_everyone_is_present_by_default_and_the_taking_is_recorded(group, pupils, teacher):
    saved = take(group, pupils, teacher)
    assert codes_saved(pupils) == ["/", "/", "/"]
    assert (saved.created, saved.amended, saved.unchanged) == (3, 0, 0)
    taken = TakenRegister.objects.get()
    assert (taken.group, taken.date, taken.session, taken.taken_by) == (
        group,
        MONDAY,
        "AM",
        teacher,
    )
    assert taken.taken_by_label == "Sam Teacher (teacher)"
    assert AuditEvent.objects.filter(verb="register.take").count() == 1
    take(group, pupils, teacher, session="PM")
    assert codes_saved(pupils, session="PM") == ["\\", "\\", "\\"]


def test_arriving_after_the_register_closes_is_u(group, pupils, teacher, school):
    # The register opens at 08:40 and closes at 09:10 (WTISA: at most 30 minutes).
    late, on_the_close, early = pupils
    take(
        group,
        pupils,
        teacher,
        arrivals={late: dt.time(9, 11), on_the_close: dt.time(9, 10), early: dt.time(8, 30)},
    )
    assert codes_saved(pupils) == ["U", "L", "/"]
    minutes = {m.pupil_id: m.minutes_late for m in Mark.objects.all()}
    assert minutes[late.pk] == 31
    assert minutes[on_the_close.pk] == 30
    assert minutes[early.pk] is None


def test_an_arrival_time_uses_the_afternoon_register_times_in_the_afternoon(group, pupils, teacher):
    # PM register: 13:15 to 13:45.
    take(group, pupils, teacher, session="PM", arrivals={pupils[0]: dt.time(13, 40)})
    take(
        group,
        pupils,
        teacher,
        day=MONDAY + dt.timedelta(days=1),
        session="PM",
        arrivals={pupils[0]: dt.time(13, 50)},
    )
    assert codes_saved(pupils[:1], session="PM") == ["L"]
    assert codes_saved(pupils[:1], day=MONDAY + dt.timedelta(days=1), session="PM") == ["U"]


def test_an_arrival_time_does_not_override_another_chosen_code(group, pupils, teacher):
    # A pupil back from a medical appointment keeps M (WTISA: U unless another code applies).
    take(group, pupils, teacher, {pupils[0]: "M"}, arrivals={pupils[0]: dt.time(10, 30)})
    assert codes_saved(pupils[:1]) == ["M"]


def test_a_pupil_on_a_part_time_timetable_defaults_to_c2(group, pupils, teacher):
    enrolment = pupils[1].enrolments.get()
    part_time_timetable_save(
        actor=None,
        enrolment=enrolment,
        starts_on=dt.date(2025, 1, 6),
        ends_on=dt.date(2025, 2, 14),
        excluded_sessions={"monday_am", "wednesday_pm"},
        note="Agreed with mother; review at half-term",
    )
    roster = register_roster(group=group, day=MONDAY, session="AM")
    assert [row.default_code for row in roster] == ["", "C2", ""]  # others start unmarked
    take(group, pupils, teacher)
    assert codes_saved(pupils) == ["/", "C2", "/"]
    # Monday afternoon is not excluded, and the timetable has ended by March.
    take(group, pupils, teacher, session="PM")
    assert codes_saved(pupils, session="PM") == ["\\", "\\", "\\"]
    roster = register_roster(group=group, day=dt.date(2025, 3, 3), session="AM")
    assert [row.default_code for row in roster] == ["", "", ""]


def test_a_part_time_timetable_must_exclude_something_and_end_after_it_starts(pupils):
    enrolment = pupils[0].enrolments.get()
    with pytest.raises(ValidationError, match="Tick at least one session"):
        part_time_timetable_save(
            actor=None,
            enrolment=enrolment,
            starts_on=dt.date(2025, 1, 6),
            ends_on=dt.date(2025, 2, 14),
            excluded_sessions=set(),
        )
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        part_time_timetable_save(
            actor=None,
            enrolment=enrolment,
            starts_on=dt.date(2025, 2, 14),
            ends_on=dt.date(2025, 1, 6),
            excluded_sessions={"friday_pm"},
        )
    assert not enrolment.part_time_timetables.exists()


def test_a_dual_registered_pupil_shows_d_on_sessions_at_the_other_school(
    group, pupils, teacher, school
):
    dual = make_pupil(forename="Dev", surname="Dual")
    enrolment = enrol_in(dual, group, registration=Enrolment.Registration.DUAL_MAIN)
    other_school_sessions_set(
        actor=None,
        enrolment=enrolment,
        other_school="Hillside Learning Centre",
        sessions={"monday_am", "thursday_am"},
    )
    everyone = [*pupils, dual]
    take(group, everyone, teacher)
    assert codes_saved(everyone) == ["/", "/", "/", "D"]
    take(group, everyone, teacher, session="PM")
    assert codes_saved(everyone, session="PM") == ["\\", "\\", "\\", "\\"]


def test_d_is_refused_for_a_pupil_who_is_not_dual_registered(group, pupils, teacher):
    with pytest.raises(MarksRejected, match="D is only for a pupil dual-registered"):
        take(group, pupils, teacher, {pupils[0]: "D"})
    assert not Mark.objects.exists()


def test_sessions_at_another_school_need_dual_registration(pupils):
    with pytest.raises(ValidationError, match="singly registered"):
        other_school_sessions_set(
            actor=None,
            enrolment=pupils[0].enrolments.get(),
            other_school="Hillside Learning Centre",
            sessions={"monday_am"},
        )


def test_one_bad_line_saves_nothing_at_all(group, pupils, teacher):
    events_before = AuditEvent.objects.count()
    with pytest.raises(MarksRejected) as refused:
        take(group, pupils, teacher, {pupils[0]: "N", pupils[2]: "Q9"})
    assert "Cara Cole: 'Q9' is not a register code on 13 January 2025" in str(refused.value)
    assert not Mark.objects.exists()
    assert not TakenRegister.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_every_pupil_on_roll_needs_a_mark(group, pupils, teacher):
    with pytest.raises(MarksRejected, match="Cara Cole: has no mark"):
        take(group, pupils[:2], teacher)
    assert not Mark.objects.exists()


def test_a_pupil_not_on_roll_in_the_group_is_refused(group, pupils, teacher):
    leaver = make_pupil(forename="Lee", surname="Left")
    enrol_in(leaver, group, left_on=dt.date(2024, 12, 20))
    with pytest.raises(MarksRejected, match="is not on roll in 3B on 13 January 2025"):
        take(group, [*pupils, leaver], teacher)
    # The leaver is not on the register at all.
    assert len(register_roster(group=group, day=MONDAY, session="AM")) == 3


def test_no_register_is_taken_on_a_closed_session(group, pupils, teacher):
    saturday = dt.date(2025, 1, 18)
    with pytest.raises(ValidationError, match="is a weekend"):
        take(group, pupils, teacher, day=saturday)


def test_resaving_an_unchanged_register_creates_nothing(group, pupils, teacher):
    take(group, pupils, teacher, {pupils[1]: "N"})
    counts = (
        Mark.objects.count(),
        MarkAmendment.objects.count(),
        TakenRegister.objects.count(),
        AuditEvent.objects.count(),
    )
    saved = take(group, pupils, teacher, {pupils[1]: "N"})
    assert (saved.created, saved.amended, saved.unchanged) == (0, 0, 3)
    assert counts == (
        Mark.objects.count(),
        MarkAmendment.objects.count(),
        TakenRegister.objects.count(),
        AuditEvent.objects.count(),
    )


def test_changing_a_saved_mark_needs_a_reason_and_becomes_an_amendment(group, pupils, teacher):
    take(group, pupils, teacher, {pupils[1]: "N"})
    with pytest.raises(MarksRejected, match="Ben Brook: already has N saved; give a reason"):
        take(group, pupils, teacher, {pupils[1]: "I"})
    assert codes_saved(pupils) == ["/", "N", "/"]
    saved = take(group, pupils, teacher, {pupils[1]: "I"}, reason="Father rang: temperature")
    assert (saved.created, saved.amended, saved.unchanged) == (0, 1, 2)
    mark = Mark.objects.get(pupil=pupils[1])
    assert (mark.original_code, mark.code) == ("N", "I")
    amendment = mark.amendments.get()
    assert (amendment.previous_code, amendment.new_code) == ("N", "I")
    assert amendment.reason == "Father rang: temperature"
    assert amendment.amended_by == teacher
    assert TakenRegister.objects.count() == 1


def test_a_second_saver_cannot_silently_overwrite_the_first(group, pupils, teacher, head):
    take(group, pupils, teacher, {pupils[0]: "N"})
    with pytest.raises(MarksRejected, match="Amara Adams: already has N saved"):
        take(group, pupils, head)
    assert codes_saved(pupils) == ["N", "/", "/"]


def test_the_present_mark_must_match_the_session(group, pupils, teacher):
    with pytest.raises(MarksRejected) as refused:
        take(group, pupils, teacher, {pupils[0]: "/"}, session="PM")
    [problem] = refused.value.problems
    assert str(problem) == "Amara Adams: / is the morning present mark; use \\ for this session"
    assert not Mark.objects.exists()


def test_a_save_that_crosses_another_is_refused_and_writes_nothing(group, pupils, teacher, head):
    # Two people press Save at once: the checks pass for both, the writes take turns.
    from rollcall.registers.services.register_taking import _register_plan, _register_record

    entries = [RegisterEntry(upn=p.upn, code="/") for p in pupils]
    arguments = {"group": group, "date": MONDAY, "session": "AM"}
    plan = _register_plan(
        actor=head, entries=entries, today=TODAY, amendment_reason="", **arguments
    )
    take(group, pupils, teacher, {pupils[0]: "N"})
    with pytest.raises(ValidationError, match="Someone else saved this register"):
        _register_record(actor=head, plan=plan, amendment_reason="", **arguments)
    assert codes_saved(pupils) == ["N", "/", "/"]
    assert TakenRegister.objects.get().taken_by == teacher
