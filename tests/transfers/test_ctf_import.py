"""Importing a Common Transfer File: pupils, contacts and the previous school's marks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.registers.models import Mark
from rollcall.transfers.models import EarlierSchoolAttendance, ImportBatch
from rollcall.transfers.problems import ImportRefused
from rollcall.transfers.services import ctf_import
from tests.transfers import ctf_sample
from tests.transfers.conftest import row_counts

TODAY = dt.date(2025, 1, 6)


def _import(school, data, **options):
    options.setdefault("admitted_on", TODAY)
    return ctf_import(actor=None, data=data, name="in.xml", school=school, today=TODAY, **options)


def test_a_hand_written_ctf_brings_in_pupils_contacts_and_earlier_attendance(school):
    result = _import(school, ctf_sample.ctf(school))
    assert (result.pupils_created, result.contacts_created, result.marks_created) == (2, 4, 40)

    pupil = Pupil.objects.get(upn=ctf_sample.FIRST_UPN)
    assert (pupil.legal_forename, pupil.preferred_forename, pupil.legal_surname) == (
        "Maisie",
        "Mai",
        "Ashdown",
    )
    assert (pupil.date_of_birth, pupil.sex) == (dt.date(2016, 3, 10), "F")
    links = list(pupil.carer_links.select_related("carer").order_by("contact_priority"))
    mother, father = links[0], links[1]
    assert (mother.carer.full_name, mother.relationship, mother.lives_with_pupil) == (
        "Mrs Jane Ashdown",
        "mother",
        True,
    )
    assert (mother.carer.mobile_phone, mother.carer.home_phone) == ("07700 900123", "01632 960123")
    assert mother.carer.email == "jane.ashdown@example.org"
    assert (father.relationship, father.lives_with_pupil, father.carer.work_phone) == (
        "father",
        False,
        "01632 960999",
    )

    # The previous school's attendance is the pupil's history, naming the school...
    history = EarlierSchoolAttendance.objects.get(pupil=pupil)
    assert (history.la_code, history.establishment_number, history.urn) == ("888", "2001", "888001")
    assert (history.school_name, history.year) == ("Riverside Primary School", 2024)
    assert (
        history.sessions_possible,
        history.sessions_attended,
        history.sessions_authorised,
        history.sessions_unauthorised,
    ) == (20, 14, 4, 2)
    assert history.attend_sessions == [[ctf_sample.START, ctf_sample.MARKS]]
    assert (history.first_date, history.last_date) == (dt.date(2024, 9, 2), dt.date(2024, 9, 13))
    assert history.batch == result.batch
    marks = {(m.date, m.session): m.code for m in history.marks.all()}
    assert len(marks) == 20
    assert marks[(dt.date(2024, 9, 4), "AM")] == "N"
    assert marks[(dt.date(2024, 9, 5), "PM")] == "C1"
    assert marks[(dt.date(2024, 9, 9), "AM")] == "I"
    assert (dt.date(2024, 9, 7), "AM") not in marks  # ## on a Saturday: no session

    # ... and is not a register of a school rollcall runs: no school, calendar, enrolment or
    # register mark is made for it.
    assert not School.objects.filter(urn=ctf_sample.SOURCE_URN).exists()
    assert not Mark.objects.exists()
    assert [e.school for e in pupil.enrolments.all()] == [school]
    joined = pupil.enrolments.get()
    assert (joined.admitted_on, joined.left_on, joined.year_group) == (TODAY, None, "4")
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.rows, batch.pupils_created, batch.marks_created) == ("ctf", 2, 2, 40)


def test_importing_the_same_ctf_again_changes_nothing(school):
    _import(school, ctf_sample.ctf(school))
    before = row_counts()
    again = _import(school, ctf_sample.ctf(school))
    assert (again.pupils_created, again.pupils_matched, again.contacts_created) == (0, 2, 0)
    assert (again.marks_created, again.marks_unchanged, again.history_created) == (0, 40, 0)
    after = row_counts()
    # Only the record of the second import itself (and its audit events) is new.
    assert {k: v for k, v in after.items() if v != before[k]}.keys() <= {
        "ImportBatch",
        "AuditEvent",
    }


BAD_ELEMENTS = {
    "a UPN with the wrong check letter": (
        dict(
            pupils=ctf_sample.pupil_xml()
            + ctf_sample.second_pupil(upn="A" + ctf_sample.SECOND_UPN[1:])
        ),
        "CTfile/CTFpupilData/Pupil[2]/UPN (line ",
        "has the wrong check letter",
    ),
    "a malformed date of birth": (
        dict(pupils=ctf_sample.pupil_xml(dob="2016-13-10")),
        "CTfile/CTFpupilData/Pupil[1]/DOB (line ",
        "'2016-13-10' is not a date in the form YYYY-MM-DD",
    ),
    "an unknown code in AttendanceMarks": (
        dict(
            pupils=ctf_sample.pupil_xml()
            + ctf_sample.second_pupil(
                years=ctf_sample.year_data(marks=ctf_sample.MARKS.replace("NN", "N@"))
            )
        ),
        "CTfile/CTFpupilData/Pupil[2]/Attendance/YearData[1]/AttendSessions/AttendanceMarks (line ",
        "session 6 (character 6, Wednesday 4 September 2024 PM): '@' is not an attendance code",
    ),
    "a marks string of odd length": (
        dict(pupils=ctf_sample.pupil_xml(years=ctf_sample.year_data(marks=ctf_sample.MARKS[:-1]))),
        "CTfile/CTFpupilData/Pupil[1]/Attendance/YearData[1]/AttendSessions/AttendanceMarks",
        "holds 27 sessions, an odd number",
    ),
    "a code not yet in force": (
        dict(pupils=ctf_sample.pupil_xml(years=ctf_sample.year_data(start="2024-08-12"))),
        "AttendanceMarks (line ",
        "session 7 (character 7, Thursday 15 August 2024 AM): 'C1' is not an attendance code in "
        "force on 2024-08-15",
    ),
    "a malformed start date": (
        dict(pupils=ctf_sample.pupil_xml(years=ctf_sample.year_data(start="02/09/2024"))),
        "CTfile/CTFpupilData/Pupil[1]/Attendance/YearData[1]/AttendSessions/AttendanceStartDate",
        "is not a date in the form YYYY-MM-DD",
    ),
    "totals that disagree with the marks": (
        dict(pupils=ctf_sample.pupil_xml(years=ctf_sample.year_data(possible=19))),
        "CTfile/CTFpupilData/Pupil[1]/Attendance/YearData[1]/SessionsPossible (line ",
        "says 19 but AttendanceMarks holds 20",
    ),
    "a missing surname": (
        dict(pupils=ctf_sample.pupil_xml(surname="")),
        "CTfile/CTFpupilData/Pupil[1]/Surname (line ",
        "is empty",
    ),
    "a contact's bad email": (
        dict(pupils=ctf_sample.pupil_xml(email="jane at example")),
        "CTfile/CTFpupilData/Pupil[1]/Contacts/Contact[1]/Email (line ",
        "'jane at example' is not an email address",
    ),
}


@pytest.mark.parametrize("case", BAD_ELEMENTS, ids=list(BAD_ELEMENTS))
def test_one_bad_element_refuses_the_file_naming_it_and_nothing_changes(school, case):
    options, where, reason = BAD_ELEMENTS[case]
    before = row_counts()
    with pytest.raises(ImportRefused) as caught:
        _import(school, ctf_sample.ctf(school, **options))
    problems = [str(problem) for problem in caught.value.problems]
    assert all(where in problem for problem in problems), problems
    assert reason in problems[0]
    assert row_counts() == before


def test_a_file_with_a_doctype_is_refused_so_no_entity_can_read_files(school):
    doctype = '\n<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    data = ctf_sample.ctf(school, doctype=doctype).replace(
        b"<Surname>Ashdown", b"<Surname>&secret;"
    )
    before = row_counts()
    with pytest.raises(ImportRefused) as caught:
        _import(school, data)
    assert "DOCTYPE" in str(caught.value.problems[0])
    assert "root:" not in str(caught.value.problems[0])
    assert row_counts() == before


def test_xml_that_is_not_well_formed_is_refused(school):
    with pytest.raises(ImportRefused, match="is not well-formed XML"):
        _import(school, ctf_sample.ctf(school)[:-20])


def test_a_ctf_for_another_school_is_refused(school, other_school):
    with pytest.raises(ImportRefused) as caught:
        _import(other_school, ctf_sample.ctf(school))
    assert caught.value.problems[0].where == "CTfile/Header/DestSchool"
    assert "import it at that school" in caught.value.problems[0].reason


def test_a_known_upn_with_another_date_of_birth_is_refused(school):
    _import(school, ctf_sample.ctf(school, pupils=ctf_sample.pupil_xml()))
    before = row_counts()
    with pytest.raises(ImportRefused, match="already in rollcall with date of birth 10 March 2016"):
        _import(school, ctf_sample.ctf(school, pupils=ctf_sample.pupil_xml(dob="2016-03-11")))
    assert row_counts() == before


def test_marks_for_a_school_whose_registers_rollcall_keeps_are_not_imported(school, other_school):
    years = (
        ctf_sample.year_data()
        .replace(
            f"<LEA>{ctf_sample.SOURCE_LEA}</LEA>", f"<LEA>{other_school.local_authority.code}</LEA>"
        )
        .replace(
            f"<Estab>{ctf_sample.SOURCE_ESTAB}</Estab>",
            f"<Estab>{other_school.establishment_number}</Estab>",
        )
    )
    result = _import(school, ctf_sample.ctf(school, pupils=ctf_sample.pupil_xml(years=years)))
    assert result.marks_created == 0
    assert "rollcall keeps that school's registers itself" in result.notes[0]
    assert not Mark.objects.exists()
    assert not EarlierSchoolAttendance.objects.exists()


def test_a_source_school_without_a_urn_is_named_by_la_and_establishment_number(school):
    data = ctf_sample.ctf(school, source_urn="").replace(b"<URN></URN>", b"")
    assert b"<URN>" not in data.split(b"<DestSchool>")[0]
    _import(school, data)
    history = EarlierSchoolAttendance.objects.filter(pupil__upn=ctf_sample.FIRST_UPN).get()
    assert (history.laestab, history.urn, history.school_name) == (
        "8882001",
        "",
        "Riverside Primary School",
    )


def test_an_admission_date_inside_the_earlier_schools_sessions_is_refused(school):
    before = row_counts()
    with pytest.raises(ImportRefused) as caught:
        _import(school, ctf_sample.ctf(school), admitted_on=dt.date(2024, 9, 10))
    assert caught.value.problems[0].where.startswith("CTfile/CTFpupilData/Pupil[1] (line ")
    assert "needs dual registration" in caught.value.problems[0].reason
    assert row_counts() == before


def test_an_officer_cannot_import_a_ctf_for_another_school(school, other_school, other_officer):
    with pytest.raises(PermissionDenied):
        ctf_import(
            actor=other_officer,
            data=ctf_sample.ctf(school),
            name="in.xml",
            school=school,
            today=TODAY,
        )
    assert not Pupil.objects.filter(upn=ctf_sample.FIRST_UPN).exists()


def test_a_ctf_for_an_unknown_destination_can_be_imported_by_the_receiving_school(school):
    data = ctf_sample.ctf(school)
    data = data.replace(
        f"<LEA>{school.local_authority.code}</LEA>\n      <Estab>{school.establishment_number}"
        f"</Estab>\n      <URN>{school.urn}</URN>".encode(),
        b"<LEA>MMM</LEA>\n      <Estab>MMMM</Estab>",
    )
    assert b"<LEA>MMM</LEA>" in data
    assert _import(school, data).pupils_created == 2
