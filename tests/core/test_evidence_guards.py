"""The database itself refuses to change or delete evidence, on SQLite as on PostgreSQL, whatever
code or tool asks; only a deliberate reset of the whole database empties it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from rollcall.casework.models import ChronologyEntry
from rollcall.casework.services import chronology_entry_add
from rollcall.core.models import AuditEvent
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.services import mark_amend, mark_record

DAY = dt.date(2025, 1, 14)
REFUSED = (DatabaseError, IntegrityError)


@pytest.fixture
def amended(pupil, school, officer):
    mark = mark_record(actor=None, school=school, pupil=pupil, date=DAY, session="AM", code="N")
    mark_amend(actor=officer, mark=mark, new_code="I", reason="Illness confirmed by phone")
    chronology_entry_add(
        actor=officer,
        pupil=pupil,
        school=school,
        kind="phone_call",
        outcome="reached",
        occurred_at=dt.datetime(2025, 1, 14, 9, 15, tzinfo=dt.UTC),
        absence_date=DAY,
    )
    return mark


def _refused(sql: str) -> str:
    with pytest.raises(REFUSED) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(refusal.value)


@pytest.mark.parametrize(
    "table",
    [
        "core_auditevent",
        "registers_markamendment",
        "registers_mark",
        "casework_chronologyentry",
    ],
)
def test_delete_is_refused_on_every_evidence_table(amended, table):
    before = _count(table)
    assert before > 0
    assert "evidence" in _refused(f"DELETE FROM {table}")
    assert _count(table) == before


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("original_code", "'O'"),
        ("recorded_at", "'2020-01-01 00:00:00+00:00'"),
        ("date", "'2025-01-15'"),
        ("session", "'PM'"),
        ("source", "'demo'"),
    ],
)
def test_what_a_mark_first_recorded_cannot_be_rewritten(amended, column, value):
    assert "evidence" in _refused(f"UPDATE registers_mark SET {column} = {value}")
    mark = Mark.objects.get()
    assert (mark.original_code, mark.date, mark.session) == ("N", DAY, "AM")


def test_the_code_in_force_still_changes_through_an_amendment(amended, officer):
    mark_amend(actor=officer, mark=amended, new_code="M", reason="Appointment card seen")
    mark = Mark.objects.get()
    assert (mark.original_code, mark.code) == ("N", "M")
    assert MarkAmendment.objects.count() == 2


def test_audit_events_and_amendments_cannot_be_updated(amended):
    assert "evidence" in _refused("UPDATE core_auditevent SET summary = 'rewritten'")
    assert "evidence" in _refused("UPDATE registers_markamendment SET reason = 'rewritten'")
    assert MarkAmendment.objects.get().reason == "Illness confirmed by phone"


@pytest.mark.django_db(transaction=True)
def test_resetting_the_whole_database_still_empties_it(pupil, school, officer):
    mark = mark_record(actor=None, school=school, pupil=pupil, date=DAY, session="AM", code="N")
    mark_amend(actor=officer, mark=mark, new_code="I", reason="Illness confirmed by phone")
    assert AuditEvent.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert not Mark.objects.exists() and not MarkAmendment.objects.exists()
    assert not ChronologyEntry.objects.exists()


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]
