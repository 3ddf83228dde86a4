import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.services import mark_amend, mark_record

DAY = dt.date(2025, 1, 14)


@pytest.fixture
def n_mark(pupil, school):
    return mark_record(actor=None, school=school, pupil=pupil, date=DAY, session="AM", code="N")


def test_amending_keeps_the_original_and_records_who_when_and_why(n_mark, officer):
    mark_amend(actor=officer, mark=n_mark, new_code="I", reason="Mother phoned: sickness bug")
    mark = Mark.objects.get(pk=n_mark.pk)
    assert (mark.original_code, mark.code) == ("N", "I")
    amendment = mark.amendments.get()
    assert (amendment.previous_code, amendment.new_code) == ("N", "I")
    assert amendment.reason == "Mother phoned: sickness bug"
    assert amendment.amended_by == officer
    assert amendment.amended_by_label == "Olu Officer (officer)"
    assert amendment.amended_by_role == "School attendance officer"
    assert amendment.amended_at is not None
    assert AuditEvent.objects.filter(verb="mark.amend", object_id=str(mark.pk)).count() == 1


def test_every_change_stays_in_the_history(n_mark, officer):
    mark_amend(actor=officer, mark=n_mark, new_code="O", reason="No reason given")
    mark_amend(actor=officer, mark=n_mark, new_code="M", reason="Appointment letter brought in")
    history = [
        (a.previous_code, a.new_code) for a in n_mark.amendments.order_by("amended_at", "id")
    ]
    assert history == [("N", "O"), ("O", "M")]
    assert Mark.objects.get(pk=n_mark.pk).original_code == "N"


def test_it_refuses_an_amendment_without_a_reason(n_mark, officer):
    with pytest.raises(ValidationError, match="reason"):
        mark_amend(actor=officer, mark=n_mark, new_code="I", reason="   ")
    assert Mark.objects.get(pk=n_mark.pk).code == "N"
    assert not MarkAmendment.objects.exists()


def test_it_refuses_an_amendment_to_an_unknown_code(n_mark, officer):
    with pytest.raises(ValidationError, match="not an attendance code"):
        mark_amend(actor=officer, mark=n_mark, new_code="@", reason="typo")
    assert Mark.objects.get(pk=n_mark.pk).code == "N"


def test_marks_and_amendments_cannot_be_deleted_or_rewritten(n_mark, officer):
    mark_amend(actor=officer, mark=n_mark, new_code="I", reason="Illness confirmed")
    amendment = MarkAmendment.objects.get()
    with pytest.raises(AppendOnlyError):
        n_mark.delete()
    with pytest.raises(AppendOnlyError):
        amendment.delete()
    amendment.reason = "something else"
    with pytest.raises(AppendOnlyError):
        amendment.save()
    # Even a raw queryset update is refused by the database itself.
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        MarkAmendment.objects.filter(pk=amendment.pk).update(reason="rewritten")
    assert MarkAmendment.objects.get().reason == "Illness confirmed"


def test_audit_events_are_append_only_in_the_database(n_mark):
    event = AuditEvent.objects.filter(verb="mark.record").get()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="tampered")
    assert AuditEvent.objects.get(pk=event.pk).summary != "tampered"
