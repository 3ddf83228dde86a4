"""Importing a long-format marks file: all or nothing, every problem named by row."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest

from rollcall.organisations.services import closure_create
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.transfers.models import ImportBatch
from rollcall.transfers.problems import ImportRefused
from rollcall.transfers.services import marks_file_import
from tests.factories import make_pupil
from tests.transfers.conftest import MONDAY, WEEK, marks_csv, row_counts, week_rows


def _problems(exc: ImportRefused) -> list[str]:
    return [str(problem) for problem in exc.problems]


def test_a_good_file_is_imported_and_recorded_as_a_batch(pupil, school):
    result = marks_file_import(
        actor=None, data=marks_csv(week_rows(school, pupil)), name="marks.csv"
    )
    assert (result.created, result.amended, result.unchanged) == (10, 0, 0)
    assert Mark.objects.filter(pupil=pupil, source="import").count() == 10
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.rows, batch.marks_created) == ("marks.csv", 10, 10)
    assert list(batch.schools.all()) == [school]
    assert len(batch.sha256) == 64


def test_every_bad_row_is_reported_with_its_row_and_line_and_nothing_is_saved(
    pupil, school, other_school
):
    stranger = make_pupil(forename="Never", surname="Here")
    rows = week_rows(school, pupil)
    rows[1] = (school.urn, pupil.upn, "2025-01-13", "Afternoon", "\\")  # row 2
    rows[2] = (school.urn, pupil.upn, "2025-02-30", "AM", "/")  # row 3
    bad_upn = ("B" if pupil.upn[0] != "B" else "C") + pupil.upn[1:]
    rows[3] = (school.urn, bad_upn, "2025-01-14", "PM", "\\")  # row 4: wrong check letter
    rows[4] = (school.urn, pupil.upn, "2025-01-15", "AM", "H")  # row 5: H ended in 2024
    rows[5] = ("999999", pupil.upn, "2025-01-15", "PM", "\\")  # row 6
    rows[6] = (school.urn, stranger.upn, "2025-01-16", "AM", "/")  # row 7
    rows.append((school.urn, pupil.upn, "2025-01-13", "AM", "I"))  # row 11: clashes with row 1
    rows.append((school.urn, pupil.upn, "2025-01-18", "AM", "/"))  # row 12: a Saturday
    before = row_counts()
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=None, data=marks_csv(rows), name="marks.csv")
    problems = _problems(caught.value)
    assert problems[0].startswith("marks.csv row 1 (line 2): ")
    assert "given 2 times with different codes (row 1 /, row 11 I)" in problems[0]
    assert problems[1:7] == [
        "marks.csv row 2 (line 3): session must be AM or PM, got 'Afternoon'",
        "marks.csv row 3 (line 4): date '2025-02-30' is not a real date in the form YYYY-MM-DD",
        f"marks.csv row 4 (line 5): UPN {bad_upn} has the wrong check letter: it starts "
        f"{bad_upn[0]}, but the rest of the number needs {pupil.upn[0]}",
        "marks.csv row 5 (line 6): " + problems[4].split(": ", 1)[1],
        "marks.csv row 6 (line 7): no school in rollcall has URN 999999",
        f"marks.csv row 7 (line 8): {stranger.upn} has never been on roll at Test Primary School",
    ]
    assert "'H'" in problems[4] and "2025" in problems[4]
    assert problems[7].startswith("marks.csv row 11 (line 12): ")
    assert problems[8].startswith("marks.csv row 12 (line 13): cannot record / for AM:")
    assert "weekend" in problems[8]
    assert caught.value.headline == "marks.csv has 9 problems. Nothing from marks.csv was saved."
    assert row_counts() == before


def test_closed_sessions_and_days_off_roll_are_refused(pupil, school):
    closure_create(actor=None, school=school, starts_on=WEEK[2], ends_on=WEEK[2], reason="inset")
    leaver = make_pupil(forename="Left", surname="Early")
    from tests.factories import enrol

    enrol(leaver, school, left_on=dt.date(2024, 12, 20))
    rows = [
        (school.urn, pupil.upn, WEEK[2].isoformat(), "AM", "/"),
        (school.urn, leaver.upn, WEEK[0].isoformat(), "AM", "/"),
    ]
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=None, data=marks_csv(rows), name="m.csv")
    problems = _problems(caught.value)
    assert problems[0].startswith(
        "m.csv row 1 (line 2): cannot record / for AM: the school is closed"
    )
    assert problems[1] == (
        f"m.csv row 2 (line 3): {leaver.upn} is not on roll at Test Primary School on "
        "13 January 2025"
    )
    assert Mark.objects.count() == 0


def test_a_run_of_rows_with_the_same_problem_is_named_as_one_run(pupil, school):
    rows = [(school.urn, pupil.upn, day.isoformat(), "AM", "ZZ") for day in WEEK]
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=None, data=marks_csv(rows), name="m.csv")
    assert _problems(caught.value) == [
        "m.csv rows 1\u20135 (lines 2\u20136): 'ZZ' is not an attendance code"
    ]


def test_the_header_must_be_exactly_the_five_columns(pupil, school):
    data = marks_csv(week_rows(school, pupil), header="school_urn,upn,day,session,code")
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=None, data=data, name="m.csv")
    assert _problems(caught.value) == [
        "m.csv header (line 1): the columns must be exactly school_urn,upn,date,session,code "
        "(missing date; unexpected 'day')"
    ]


def test_importing_the_same_file_again_changes_nothing(pupil, school):
    data = marks_csv(week_rows(school, pupil))
    marks_file_import(actor=None, data=data, name="marks.csv")
    marks = list(Mark.objects.values_list("id", "code", "original_code", "recorded_at"))
    again = marks_file_import(actor=None, data=data, name="marks.csv")
    assert (again.created, again.amended, again.unchanged) == (0, 0, 10)
    assert list(Mark.objects.values_list("id", "code", "original_code", "recorded_at")) == marks
    assert MarkAmendment.objects.count() == 0


def test_a_changed_code_needs_a_reason_and_then_becomes_an_amendment(pupil, school, officer):
    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="marks.csv")
    changed = week_rows(school, pupil)
    changed[0] = (school.urn, pupil.upn, MONDAY.isoformat(), "AM", "M")
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=officer, data=marks_csv(changed), name="fix.csv", today=WEEK[4])
    assert "fix.csv row 1 (line 2): " in str(caught.value.problems[0])
    assert "amend it with a reason" in str(caught.value.problems[0])
    assert "give the reason" in caught.value.hint
    assert Mark.objects.get(date=MONDAY, session="AM").code == "/"

    result = marks_file_import(
        actor=officer,
        data=marks_csv(changed),
        name="fix.csv",
        reason="Dental letter received",
        today=WEEK[4],
    )
    assert (result.created, result.amended, result.unchanged) == (0, 1, 9)
    mark = Mark.objects.get(date=MONDAY, session="AM")
    assert (mark.original_code, mark.code) == ("/", "M")
    amendment = MarkAmendment.objects.get()
    assert (amendment.previous_code, amendment.new_code) == ("/", "M")
    assert amendment.reason == "Dental letter received"
    assert amendment.amended_by == officer
    assert amendment.amended_by_role == "School attendance officer"


def test_a_file_across_two_schools_is_one_transaction(pupil, school, other_school, other_pupil):
    rows = week_rows(school, pupil) + week_rows(other_school, other_pupil)
    rows[-1] = (other_school.urn, other_pupil.upn, WEEK[4].isoformat(), "PM", "Q1")
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=None, data=marks_csv(rows), name="la.csv")
    assert [p.where for p in caught.value.problems] == ["la.csv row 20 (line 21)"]
    assert Mark.objects.count() == 0
    rows[-1] = (other_school.urn, other_pupil.upn, WEEK[4].isoformat(), "PM", "\\")
    result = marks_file_import(actor=None, data=marks_csv(rows), name="la.csv")
    assert result.created == 20
    assert set(ImportBatch.objects.get().schools.all()) == {school, other_school}


def test_parquet_files_are_read_and_numbered_by_row(pupil, school):
    rows = week_rows(school, pupil)
    frame = pl.DataFrame(
        {
            "school_urn": [r[0] for r in rows],
            "upn": [r[1] for r in rows],
            "date": [dt.date.fromisoformat(r[2]) for r in rows],
            "session": [r[3] for r in rows],
            "code": [r[4] for r in rows[:-1]] + ["ZZ"],
        }
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=None, data=buffer.getvalue(), name="marks.parquet")
    assert _problems(caught.value) == ["marks.parquet row 10: 'ZZ' is not an attendance code"]
    frame = frame.with_columns(pl.Series("code", [r[4] for r in rows]))
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    assert marks_file_import(actor=None, data=buffer.getvalue(), name="m.parquet").created == 10


def test_an_officer_cannot_import_marks_for_another_school(
    pupil, school, officer, other_school, other_pupil
):
    rows = week_rows(other_school, other_pupil)
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=officer, data=marks_csv(rows), name="m.csv")
    assert _problems(caught.value) == [
        f"m.csv rows 1\u201310 (lines 2\u201311): school_urn {other_school.urn} is not a school "
        "you can import marks for"
    ]
    assert Mark.objects.count() == 0


def test_an_la_officer_never_writes_a_schools_register(
    pupil, school, la_officer, other_school, other_pupil
):
    rows = week_rows(school, pupil) + week_rows(other_school, other_pupil)
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=la_officer, data=marks_csv(rows), name="la.csv", today=WEEK[4])
    why = (
        "that writes its registers: only the school's staff and its MIS integration record "
        "marks (trust and local authority roles read registers)"
    )
    assert _problems(caught.value) == [
        f"la.csv rows 1\N{EN DASH}10 (lines 2\N{EN DASH}11): laofficer has no role at "
        f"{school.name} {why}",
        f"la.csv rows 11\N{EN DASH}20 (lines 12\N{EN DASH}21): laofficer has no role at "
        f"{other_school.name} {why}",
    ]
    assert not Mark.objects.exists() and not ImportBatch.objects.exists()


def test_blank_lines_are_skipped_but_still_counted_in_row_numbers(pupil, school):
    rows = week_rows(school, pupil)
    data = marks_csv(rows[:2]) + b"\n" + marks_csv(rows[2:4], header="").lstrip(b"\n")
    data = data.replace(b"2025-01-14,PM,\\", b"2025-01-14,PM,ZZ") + b"\n\n"
    with pytest.raises(ImportRefused) as caught:
        marks_file_import(actor=None, data=data, name="m.csv")
    assert _problems(caught.value) == ["m.csv row 5 (line 6): 'ZZ' is not an attendance code"]
    fixed = data.replace(b"ZZ", b"\\")
    assert marks_file_import(actor=None, data=fixed, name="m.csv").created == 4


def test_an_import_record_cannot_be_changed_even_by_sql(pupil, school):
    from django.db import DatabaseError, connection, transaction

    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="marks.csv")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE transfers_importbatch SET marks_created = 0")
    assert ImportBatch.objects.get().marks_created == 10


def test_the_import_tells_its_progress_school_by_school(pupil, school):
    told: list[tuple[int, int]] = []
    marks_file_import(
        actor=None,
        data=marks_csv(week_rows(school, pupil)),
        name="marks.csv",
        progress=lambda done, total: told.append((done, total)),
    )
    assert told == [(0, 10), (10, 10)]
