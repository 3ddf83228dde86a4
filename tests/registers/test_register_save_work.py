"""What saving a register costs the database, and that the fast reads it uses agree with the
register page: a school's teachers all press Save within minutes of each other (ADR 0006)."""

import datetime as dt
import fcntl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollcall.core.models import AuditEvent
from rollcall.organisations.selectors import school_calendar
from rollcall.organisations.services import closure_create, registration_group_create
from rollcall.pupils.models import Enrolment
from rollcall.registers.models import Mark, TakenRegister
from rollcall.registers.selectors import register_roster
from rollcall.registers.services import (
    MarkInput,
    RegisterEntry,
    marks_bulk_record,
    other_school_sessions_set,
    part_time_timetable_save,
    register_take,
)
from rollcall.registers.services.register_reads import pupils_on_register, school_calendar_of
from rollcall.registers.services.writer_queue import queue_turn
from tests.factories import make_pupil
from tests.registers.conftest import MONDAY, codes_saved, enrol_in, take


def _queries_to_take(group, pupils, teacher, **options):
    entries = [RegisterEntry(upn=pupil.upn, code="/") for pupil in pupils]
    with CaptureQueriesContext(connection) as captured:
        register_take(
            actor=teacher,
            group=group,
            date=MONDAY,
            session="AM",
            entries=entries,
            today=MONDAY,
            **options,
        )
    return len(captured.captured_queries)


def test_a_register_of_30_takes_no_more_queries_than_a_register_of_3(school, teacher):
    small, large = (
        registration_group_create(actor=None, school=school, name=name) for name in ("S", "L")
    )
    three, thirty = [], []
    for number in range(33):
        pupil = make_pupil(forename=f"Pupil{number}", surname="Count")
        enrol_in(pupil, small if number < 3 else large)
        (three if number < 3 else thirty).append(pupil)
    queries_for_three = _queries_to_take(small, three, teacher)
    queries_for_thirty = _queries_to_take(large, thirty, teacher)
    # The calendar, the roster and the writer's roles, then in one transaction the marks, the
    # taken register and the audit event, whatever the size of the group.
    assert queries_for_thirty == queries_for_three <= 11
    assert codes_saved(thirty) == ["/"] * 30
    # Saving it again unchanged reads the saved marks once more and writes nothing.
    assert _queries_to_take(large, thirty, teacher) <= 10


def test_the_register_saves_what_the_register_page_proposes(school, group, pupils, teacher):
    _, part_timer, already_marked = pupils
    part_time_timetable_save(
        actor=None,
        enrolment=part_timer.enrolments.get(),
        starts_on=dt.date(2025, 1, 6),
        ends_on=dt.date(2025, 2, 14),
        excluded_sessions={"monday_am"},
    )
    dual = make_pupil(forename="Dev", surname="Dual", preferred_forename="Devi")
    other_school_sessions_set(
        actor=None,
        enrolment=enrol_in(dual, group, registration=Enrolment.Registration.DUAL_SUBSIDIARY),
        other_school="Hillside Learning Centre",
        sessions={"monday_am"},
    )
    enrol_in(make_pupil(forename="Lee", surname="Left"), group, left_on=dt.date(2024, 12, 20))
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[MarkInput(upn=already_marked.upn, date=MONDAY, session="AM", code="M")],
        source="import",
    )
    page = register_roster(group=group, day=MONDAY, session="AM")
    saving = pupils_on_register(school_id=school.pk, group_id=group.pk, day=MONDAY, session="AM")
    assert [(p.pupil_id, p.display_name, p.default_code, p.mark_code) for p in saving] == [
        (row.pupil.pk, row.pupil.display_name, row.default_code, row.mark and row.mark.code)
        for row in page
    ]
    assert [p.display_name for p in saving] == [
        "Amara Adams",
        "Ben Brook",
        "Cara Cole",
        "Devi Dual",
    ]
    everyone = [*pupils, dual]
    take(group, everyone, teacher, {already_marked: "M"})
    assert codes_saved(everyone) == ["/", "C2", "M", "D"]


def test_the_taking_is_recorded_once_at_the_time_of_the_save(group, pupils, teacher):
    saved = take(group, pupils, teacher)
    stored = TakenRegister.objects.get()
    assert stored.pk == saved.taken.pk
    assert stored.taken_at == saved.taken.taken_at == Mark.objects.first().recorded_at
    assert (stored.taken_by, stored.taken_by_label) == (teacher, "Sam Teacher (teacher)")
    again = take(group, pupils, teacher)
    assert again.taken.pk == stored.pk
    assert again.taken.taken_at == stored.taken_at
    assert TakenRegister.objects.count() == 1


def test_saving_reads_the_same_calendar_as_the_rest_of_rollcall(school):
    closure_create(
        actor=None,
        school=school,
        starts_on=dt.date(2025, 2, 3),
        ends_on=dt.date(2025, 2, 3),
        reason="inset",
    )
    closure_create(
        actor=None,
        school=school,
        starts_on=dt.date(2025, 1, 20),
        ends_on=dt.date(2025, 1, 20),
        reason="polling",
        sessions="PM",
    )
    assert school_calendar_of(school_id=school.pk) == school_calendar(school=school)


def test_only_one_saver_at_a_time_holds_the_sqlite_writers_queue(tmp_path):
    path = str(tmp_path / "rollcall.sqlite3-writers.lock")
    with queue_turn(path), open(path) as another_saver:
        try:
            fcntl.flock(another_saver, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            refused = True
        else:
            refused = False
    assert refused
    with open(path) as another_saver:
        fcntl.flock(another_saver, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once the turn ends


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL always returns ids")
def test_the_taking_is_recorded_the_same_where_sqlite_cannot_return_ids(
    group, pupils, teacher, monkeypatch
):
    # SQLite before 3.35 has no INSERT … RETURNING: the row is looked for, then created.
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    saved = take(group, pupils, teacher)
    again = take(group, pupils, teacher)
    assert saved.taken.pk == again.taken.pk == TakenRegister.objects.get().pk
    assert AuditEvent.objects.filter(verb="register.take").count() == 1
