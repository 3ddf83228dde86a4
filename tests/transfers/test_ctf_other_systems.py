"""CTFs written by other schools' systems: what real files hold that rollcall's own do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from rollcall.core.models import AppendOnlyError
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.transfers.models import EarlierSchoolAttendance, EarlierSchoolMark
from rollcall.transfers.problems import ImportRefused
from rollcall.transfers.services import ctf_import
from tests.transfers import ctf_sample
from tests.transfers.conftest import row_counts

TODAY = dt.date(2025, 1, 6)
# Riverside's two weeks again, with Tuesday 3 September afternoon and Thursday 12 September
# unmarked ('-'): 17 possible, 11 attended.
WITH_GAPS = ctf_sample.MARKS[:3] + "-" + ctf_sample.MARKS[4:22] + "--" + ctf_sample.MARKS[24:]
GAP_TOTALS = {"possible": 17, "attended": 11, "authorised": 4, "unauthorised": 2}


def _import(school, data):
    return ctf_import(
        actor=None, data=data, name="in.xml", school=school, today=TODAY, admitted_on=TODAY
    )


def _one_pupil(school, years: str, **pupil: str) -> bytes:
    return ctf_sample.ctf(school, pupils=ctf_sample.pupil_xml(years=years, **pupil))


def test_an_earlier_school_rollcall_does_not_know_is_kept_with_its_name(school):
    earlier = ctf_sample.year_data(
        "/\\" * 5 + "####",
        "2023-09-04",
        totals={"possible": 10, "attended": 10, "authorised": 0, "unauthorised": 0},
        lea="999",
        estab="3001",
        school_name="Hilltop Infant School",
        year="2023",
    )
    result = _import(school, _one_pupil(school, earlier + ctf_sample.year_data()))
    assert result.history_created == 2
    hilltop = EarlierSchoolAttendance.objects.get(la_code="999")
    assert (hilltop.establishment_number, hilltop.school_name, hilltop.urn) == (
        "3001",
        "Hilltop Infant School",
        "",  # a YearData names no URN, and rollcall does not know the school
    )
    assert (hilltop.year, hilltop.sessions_possible, hilltop.marks.count()) == (2023, 10, 10)
    assert not School.objects.filter(establishment_number="3001").exists()


def test_a_year_of_totals_alone_is_kept(school):
    totals_only = """
        <YearData>
          <Year>2022</Year><LEA>999</LEA><Estab>3001</Estab>
          <SessionsPossible>380</SessionsPossible><SessionsAttended>361</SessionsAttended>
          <SessionsAuthorised>15</SessionsAuthorised><SessionsUnauthorised>4</SessionsUnauthorised>
        </YearData>"""
    _import(school, _one_pupil(school, totals_only))
    kept = EarlierSchoolAttendance.objects.get()
    assert (kept.year, kept.sessions_possible, kept.sessions_unauthorised) == (2022, 380, 4)
    assert (kept.attend_sessions, kept.first_date, kept.marks.count()) == ([], None, 0)


def test_a_dash_is_a_session_with_no_mark_recorded(school):
    years = ctf_sample.year_data(WITH_GAPS, totals=GAP_TOTALS)
    result = _import(school, _one_pupil(school, years))
    kept = EarlierSchoolAttendance.objects.get()
    assert kept.attend_sessions == [[ctf_sample.START, WITH_GAPS]]  # as received
    sessions = {(m.date, m.session) for m in kept.marks.all()}
    assert len(sessions) == 17
    assert (dt.date(2024, 9, 3), "PM") not in sessions
    assert (dt.date(2024, 9, 12), "AM") not in sessions
    assert any("3 session(s) written '-' (no mark recorded)" in note for note in result.notes)


def test_a_fax_number_is_left_out_with_a_note_and_the_other_numbers_kept(school):
    data = _one_pupil(school, ctf_sample.year_data()).replace(
        b"<Phone><TelephoneType>H</TelephoneType>",
        b"<Phone><TelephoneType>F</TelephoneType><PhoneNo>01632 960555</PhoneNo></Phone>"
        b"<Phone><TelephoneType>H</TelephoneType>",
        1,
    )
    result = _import(school, data)
    mother = Pupil.objects.get().carer_links.get(contact_priority=1).carer
    assert (mother.mobile_phone, mother.home_phone, mother.work_phone) == (
        "07700 900123",
        "01632 960123",
        "",
    )
    assert "01632 960555" not in {mother.mobile_phone, mother.home_phone, mother.work_phone}
    [note] = [n for n in result.notes if "TelephoneType" in n]
    assert note.startswith(
        "CTfile/CTFpupilData/Pupil[1]/Contacts/Contact[1]/Phones/Phone[2]/TelephoneType (line "
    )
    assert "a fax number of type 'F' was not kept" in note


def test_the_same_session_given_twice_with_different_codes_refuses_the_file(school):
    second = ctf_sample.year_data(
        "II" + "/\\" * 4 + "####",
        "2024-09-02",
        totals={"possible": 10, "attended": 8, "authorised": 2, "unauthorised": 0},
    )
    before = row_counts()
    with pytest.raises(ImportRefused) as caught:
        _import(school, _one_pupil(school, ctf_sample.year_data() + second))
    problem = str(caught.value.problems[0])
    assert "Pupil[1]/Attendance/YearData[2]/AttendSessions/AttendanceMarks" in problem
    assert "gives 'I' for Monday 2 September 2024 AM at LAESTAB 8882001" in problem
    assert row_counts() == before


def test_attendance_at_an_earlier_school_cannot_be_changed(school):
    _import(school, _one_pupil(school, ctf_sample.year_data()))
    kept = EarlierSchoolAttendance.objects.get()
    kept.school_name = "Another name"
    with pytest.raises(AppendOnlyError):
        kept.save()
    with pytest.raises(AppendOnlyError):
        EarlierSchoolMark.objects.first().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        EarlierSchoolMark.objects.update(code="O")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            EarlierSchoolAttendance.objects.all().delete()
    assert set(EarlierSchoolMark.objects.values_list("code", flat=True)) >= {"N", "C1", "I"}
