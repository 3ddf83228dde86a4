"""A leaver's CTF from rollcall can be read back by rollcall's importer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.pupils.services import carer_create, carer_link_create
from rollcall.registers.models import Mark
from rollcall.registers.services import MarkInput, mark_amend, marks_bulk_record
from rollcall.transfers.ctf.reader import ctf_read
from rollcall.transfers.models import EarlierSchoolAttendance, EarlierSchoolMark
from rollcall.transfers.services import ctf_export, ctf_import
from tests.factories import enrol, make_pupil, make_school

SEPTEMBER = [dt.date(2024, 9, 2) + dt.timedelta(days=n) for n in range(12)]
JULY = [dt.date(2024, 7, 15) + dt.timedelta(days=n) for n in range(5)]
INSET = (dt.date(2024, 9, 16), dt.date(2024, 9, 17))  # planned closure: '#' both sessions
CODES = ["/", "N", "C1", "Y1", "J1", "M", "L", "G"]


class Rollback(Exception):
    """Raised to undo the source school, so the import starts from an empty database."""


def _marks(pupil: Pupil) -> list[MarkInput]:
    inputs = []
    for index, day in enumerate(d for d in SEPTEMBER if d.weekday() < 5):
        inputs.append(MarkInput(upn=pupil.upn, date=day, session="AM", code=CODES[index % 8]))
        inputs.append(MarkInput(upn=pupil.upn, date=day, session="PM", code="\\"))
    for day in JULY:  # before 19 August 2024: the 2006 codes, H among them
        inputs.append(MarkInput(upn=pupil.upn, date=day, session="AM", code="H"))
        inputs.append(MarkInput(upn=pupil.upn, date=day, session="PM", code="J"))
    return inputs


def _closures(pupil: Pupil) -> list[MarkInput]:
    return [
        MarkInput(upn=pupil.upn, date=day, session=session, code="#")
        for day in INSET
        for session in ("AM", "PM")
    ]


def _leaver_with_history() -> tuple[School, Pupil]:
    school = make_school(name="Source Primary School", inset_days=INSET)
    pupil = make_pupil(forename="Robin", surname="Leaver", preferred_forename="Rob")
    enrol(pupil, school, left_on=dt.date(2024, 9, 30))
    carer = carer_create(
        actor=None,
        title="Ms",
        forename="Alex",
        surname="Leaver",
        mobile_phone="07700 900777",
        email="alex.leaver@example.org",
    )
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=carer,
        relationship="grandparent",
        parental_responsibility=False,
        lives_with_pupil=True,
    )
    marks = _marks(pupil) + _closures(pupil)
    marks_bulk_record(actor=None, school=school, marks=marks, source="register")
    n_mark = Mark.objects.get(pupil=pupil, date=SEPTEMBER[1], session="AM")
    mark_amend(actor=None, mark=n_mark, new_code="I", reason="Parent phoned: ill")
    return school, pupil


def test_a_leavers_ctf_imports_back_with_the_same_pupil_contacts_and_marks(db):
    """The marks come back as the pupil's attendance at an earlier school, closures too."""
    with pytest.raises(Rollback), transaction.atomic():
        school, pupil = _leaver_with_history()
        exported = set(Mark.objects.filter(pupil=pupil).values_list("date", "session", "code"))
        source_urn, source_laestab = school.urn, school.laestab
        name, data = ctf_export(
            actor=None,
            school=school,
            pupil=pupil,
            destination=None,
            generated_at=dt.datetime(2024, 10, 1, 9, 0, tzinfo=dt.UTC),
        )
        raise Rollback
    assert not Pupil.objects.exists()
    assert name == f"{source_laestab}_CTF_MMMMMMM_001.xml"

    destination = make_school(name="Destination Primary School")
    result = ctf_import(
        actor=None,
        data=data,
        name=name,
        school=destination,
        today=dt.date(2024, 10, 7),
        admitted_on=dt.date(2024, 10, 7),
    )
    assert (result.pupils_created, result.contacts_created) == (1, 1)
    pupil = Pupil.objects.get()
    assert (pupil.legal_forename, pupil.preferred_forename, pupil.legal_surname) == (
        "Robin",
        "Rob",
        "Leaver",
    )
    link = pupil.carer_links.select_related("carer").get()
    assert (link.relationship, link.parental_responsibility, link.lives_with_pupil) == (
        "grandparent",
        False,
        True,
    )
    assert (link.carer.mobile_phone, link.carer.email) == (
        "07700 900777",
        "alex.leaver@example.org",
    )
    assert not School.objects.filter(urn=source_urn).exists()  # history, not a register
    histories = EarlierSchoolAttendance.objects.filter(pupil=pupil).order_by("year")
    assert [(h.laestab, h.urn, h.year) for h in histories] == [
        (source_laestab, source_urn, 2023),
        (source_laestab, source_urn, 2024),
    ]
    imported = set(
        EarlierSchoolMark.objects.filter(attendance__pupil=pupil).values_list(
            "date", "session", "code"
        )
    )
    assert imported == exported
    assert (SEPTEMBER[1], "AM", "I") in imported  # the code in force, after amendment
    assert {(day, "AM", "#") for day in INSET} <= imported  # the planned closure survives
    assert len(imported) == 34


def test_the_export_carries_one_year_of_marks_per_academic_year(pupil, school):
    marks_bulk_record(actor=None, school=school, marks=_marks(pupil), source="register")
    _, data = ctf_export(
        actor=None,
        school=school,
        pupil=pupil,
        destination=None,
        generated_at=dt.datetime(2024, 10, 1, 9, 0, tzinfo=dt.UTC),
    )
    document = ctf_read(data, "out.xml")
    years = document.pupils[0].years
    assert [len(year.marks) for year in years] == [10, 20]
    assert b"<Year>2023</Year>" in data and b"<Year>2024</Year>" in data
    assert b"<SessionsPossible>19</SessionsPossible>" in data  # Y1 is not a possible session


def test_a_ctf_can_be_addressed_to_a_known_school(pupil, school, other_school):
    name, data = ctf_export(
        actor=None,
        school=school,
        pupil=pupil,
        destination=other_school,
        generated_at=dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC),
    )
    assert name == f"{school.laestab}_CTF_{other_school.laestab}_001.xml"
    destination = ctf_read(data, name).destination
    assert destination is not None and destination.laestab == other_school.laestab
    # DestSchool carries LEA and Estab only (docs/ctf.md, "What rollcall writes").
    assert b"<DestSchool>\n      <LEA>" in data and other_school.name.encode() not in data


def test_an_officer_cannot_export_another_schools_pupil(pupil, school, other_officer):
    with pytest.raises(PermissionDenied):
        ctf_export(
            actor=other_officer,
            school=school,
            pupil=pupil,
            destination=None,
            generated_at=dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC),
        )


def test_a_session_held_without_a_mark_is_written_as_no_mark_not_as_a_closure(pupil, school):
    monday, wednesday = dt.date(2024, 9, 2), dt.date(2024, 9, 4)
    marks = [
        MarkInput(upn=pupil.upn, date=day, session=session, code=code)
        for day in (monday, wednesday)
        for session, code in (("AM", "/"), ("PM", "\\"))
    ]
    marks_bulk_record(actor=None, school=school, marks=marks, source="register")
    _, data = ctf_export(
        actor=None,
        school=school,
        pupil=pupil,
        destination=None,
        generated_at=dt.datetime(2024, 10, 1, 9, 0, tzinfo=dt.UTC),
    )
    assert b"<AttendanceMarks>/\\--/\\</AttendanceMarks>" in data
    year = ctf_read(data, "out.xml").pupils[0].years[0]
    assert [m.date for _, m in year.marks] == [monday, monday, wednesday, wednesday]
