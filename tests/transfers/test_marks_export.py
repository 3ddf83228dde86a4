"""Exporting a school's marks as CSV in the import format, and the commands."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from rollcall.pupils.services import enrolment_end
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.services import mark_amend
from rollcall.transfers.services import marks_export, marks_file_import
from tests.transfers.conftest import WEEK, marks_csv, week_rows


def _export(school, first=None, last=None, actor=None) -> str:
    return b"".join(marks_export(actor=actor, school=school, first=first, last=last)).decode()


def test_the_export_is_the_import_format_with_the_code_now_in_force(pupil, school):
    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="m.csv")
    mark = Mark.objects.get(date=WEEK[0], session="AM")
    mark_amend(actor=None, mark=mark, new_code="M", reason="Dentist")
    lines = _export(school).splitlines()
    assert lines[0] == "school_urn,upn,date,session,code"
    assert lines[1] == f"{school.urn},{pupil.upn},2025-01-13,AM,M"
    assert lines[2] == f"{school.urn},{pupil.upn},2025-01-13,PM,\\"
    assert len(lines) == 11


def test_exported_marks_import_back_unchanged(pupil, school):
    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="m.csv")
    again = marks_file_import(actor=None, data=_export(school).encode(), name="export.csv")
    assert (again.created, again.amended, again.unchanged) == (0, 0, 10)
    assert MarkAmendment.objects.count() == 0


def test_the_export_can_be_limited_to_dates(pupil, school):
    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="m.csv")
    lines = _export(school, first=WEEK[1], last=WEEK[2]).splitlines()
    assert [line.split(",")[2] for line in lines[1:]] == ["2025-01-14"] * 2 + ["2025-01-15"] * 2


def test_an_officer_cannot_export_another_schools_marks(school, other_school, officer):
    with pytest.raises(PermissionDenied):
        marks_export(actor=officer, school=other_school, first=None, last=None)


def test_the_commands_export_and_import_marks(pupil, school, officer, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(marks_csv(week_rows(school, pupil)))
    out = StringIO()
    call_command("import-marks", str(source), "--by", "officer", stdout=out)
    assert "Imported in.csv: 10 marks recorded, 0 amended, 0 already recorded" in out.getvalue()
    exported = tmp_path / "out.csv"
    call_command(
        "export-marks",
        "--school",
        school.urn,
        "--from",
        "2025-01-13",
        "--output",
        str(exported),
        stderr=StringIO(),
    )
    assert exported.read_text().count("\n") == 11
    out = StringIO()
    call_command("import-marks", str(exported), "--by", "officer", stdout=out)
    assert "0 marks recorded, 0 amended, 10 already recorded" in out.getvalue()


def test_the_import_command_lists_every_problem_and_fails(pupil, school, officer, tmp_path):
    rows = week_rows(school, pupil)
    rows[3] = (school.urn, pupil.upn, "2025-01-14", "PM", "ZZ")
    rows[7] = (school.urn, pupil.upn, "14/01/2025", "PM", "\\")
    source = tmp_path / "bad.csv"
    source.write_bytes(marks_csv(rows))
    errors = StringIO()
    with pytest.raises(
        CommandError, match=r"bad\.csv has 2 problems\. Nothing from bad\.csv was saved"
    ):
        call_command("import-marks", str(source), "--by", "officer", stderr=errors)
    assert errors.getvalue().splitlines() == [
        "bad.csv row 4 (line 5): 'ZZ' is not an attendance code",
        "bad.csv row 8 (line 9): date '14/01/2025' is not a real date in the form YYYY-MM-DD",
    ]
    assert not Mark.objects.exists()


def test_the_ctf_commands_export_and_import(pupil, school, other_school, other_officer, tmp_path):
    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="m.csv")
    enrolment_end(
        actor=None,
        enrolment=pupil.enrolments.get(),
        left_on=dt.date(2025, 2, 14),
        leaving_reason="Moved to Other Primary School",
    )
    path = tmp_path / "leaver.xml"
    call_command(
        "export-ctf",
        "--upn",
        pupil.upn,
        "--school",
        school.urn,
        "--dest-urn",
        other_school.urn,
        "--output",
        str(path),
        stderr=StringIO(),
    )
    assert b"<AttendanceMarks>" in path.read_bytes()
    out = StringIO()
    call_command(
        "import-ctf", str(path), "--by", "otherofficer", "--admit-on", "2025-02-24", stdout=out
    )
    assert "0 new pupil(s), 1 already known" in out.getvalue()
    assert "rollcall keeps that school's registers itself" in out.getvalue()
    assert pupil.enrolments.filter(school=other_school, admitted_on=dt.date(2025, 2, 24)).exists()
