import datetime as dt

import pytest

from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.services import (
    AmendmentInput,
    MarkInput,
    MarksRejected,
    marks_bulk_amend,
    marks_bulk_record,
)

WEEK = [dt.date(2025, 1, 13) + dt.timedelta(days=n) for n in range(5)]


def _week(upn, code="/"):
    return [
        MarkInput(upn=upn, date=day, session=session, code=code, where=f"row {i}")
        for i, (day, session) in enumerate(((d, s) for d in WEEK for s in ("AM", "PM")), start=2)
    ]


def test_it_records_a_week_and_a_repeat_changes_nothing(pupil, school):
    first = marks_bulk_record(actor=None, school=school, marks=_week(pupil.upn), source="import")
    again = marks_bulk_record(actor=None, school=school, marks=_week(pupil.upn), source="import")
    assert (first.created, again.created, again.unchanged) == (10, 0, 10)
    assert Mark.objects.count() == 10


def test_one_bad_row_refuses_the_whole_batch_and_names_the_row(pupil, school):
    marks = _week(pupil.upn)
    marks[3] = MarkInput(upn=pupil.upn, date=WEEK[1], session="PM", code="ZZ", where="row 5")
    with pytest.raises(MarksRejected) as caught:
        marks_bulk_record(actor=None, school=school, marks=marks, source="import")
    assert [str(p) for p in caught.value.problems] == ["row 5: 'ZZ' is not an attendance code"]
    assert Mark.objects.count() == 0


def test_the_same_session_twice_with_different_codes_is_refused(pupil, school):
    repeat = MarkInput(upn=pupil.upn, date=WEEK[0], session="AM", code="I", where="row 12")
    marks = [*_week(pupil.upn), repeat]
    with pytest.raises(MarksRejected, match=r"row 12: .* given twice, as / and I"):
        marks_bulk_record(actor=None, school=school, marks=marks, source="import")
    assert Mark.objects.count() == 0


def test_a_changed_code_needs_a_reason_and_is_then_an_amendment(pupil, school):
    marks_bulk_record(actor=None, school=school, marks=_week(pupil.upn), source="import")
    changed = _week(pupil.upn)
    changed[0] = MarkInput(upn=pupil.upn, date=WEEK[0], session="AM", code="M", where="row 2")
    with pytest.raises(MarksRejected, match="amend it with a reason"):
        marks_bulk_record(actor=None, school=school, marks=changed, source="import")
    result = marks_bulk_record(
        actor=None, school=school, marks=changed, source="import", amendment_reason="MIS resend"
    )
    assert (result.created, result.amended, result.unchanged) == (0, 1, 9)
    mark = Mark.objects.get(date=WEEK[0], session="AM")
    assert (mark.original_code, mark.code) == ("/", "M")
    assert MarkAmendment.objects.get().reason == "MIS resend"


def test_bulk_correction_of_n_codes_records_each_amendment(pupil, school):
    marks_bulk_record(actor=None, school=school, marks=_week(pupil.upn, "N"), source="import")
    amendments = [
        AmendmentInput(upn=pupil.upn, date=day, session=s, new_code="I", reason="GP letter")
        for day in WEEK[:2]
        for s in ("AM", "PM")
    ]
    assert marks_bulk_amend(actor=None, school=school, amendments=amendments) == 4
    assert sorted(Mark.objects.values_list("code", flat=True)) == ["I"] * 4 + ["N"] * 6
    assert MarkAmendment.objects.filter(previous_code="N", new_code="I").count() == 4


def test_bulk_marks_read_back_with_the_time_they_were_recorded(pupil, school):
    recorded = dt.datetime(2025, 1, 13, 8, 50, tzinfo=dt.timezone(dt.timedelta(hours=0)))
    marks = [MarkInput(upn=pupil.upn, date=WEEK[0], session="AM", code="/", recorded_at=recorded)]
    marks_bulk_record(actor=None, school=school, marks=marks, source="import")
    mark = Mark.objects.get()
    assert mark.recorded_at == recorded
    assert Mark.objects.filter(recorded_at__gte=recorded, date=WEEK[0]).count() == 1
    assert Mark.objects.filter(recorded_at__gt=recorded).count() == 0
