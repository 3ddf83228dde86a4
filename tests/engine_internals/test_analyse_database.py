"""`rollcall analyse` without a file reads rollcall's records, and agrees with the file."""

import datetime as dt
import subprocess
import sys
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command

from rollcall.analytics.source import analysis_matrix
from rollcall.engine import analyse, read_marks
from rollcall.registers.models import Mark
from rollcall.registers.services import mark_amend

DEMO_DATE = dt.date(2026, 3, 20)  # the day the demo is loaded for: its latest school day


@pytest.fixture
def demo(db, tmp_path, settings):
    settings.ROLLCALL_STORE_DIR = tmp_path / "store"
    day = ("--today", DEMO_DATE.isoformat())
    call_command("demo", "--pupils", "40", "--seed", "8", *day, stdout=StringIO())
    path = tmp_path / "marks.parquet"
    call_command(
        "demo", "--pupils", "40", "--seed", "8", *day, "--marks-file", str(path), stdout=StringIO()
    )
    return path


def test_figures_from_the_database_match_figures_from_the_same_marks_in_a_file(demo):
    from_database = analyse(analysis_matrix())
    from_file = analyse(read_marks(demo))
    assert from_database.height >= 40
    assert from_database.equals(from_file)


def test_the_store_follows_an_amendment(demo):
    before = analyse(analysis_matrix())
    mark = Mark.objects.filter(code="/").order_by("date").first()
    mark_amend(actor=None, mark=mark, new_code="O", reason="Left site without permission")
    after = analyse(analysis_matrix())
    row = lambda frame: frame.filter(pl.col("upn") == mark.pupil.upn).row(0, named=True)  # noqa: E731
    assert row(after)["unauthorised_sessions"] == row(before)["unauthorised_sessions"] + 1


def test_the_command_writes_csv_for_scripts(demo):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rollcall",
            "analyse",
            str(demo),
            "--format",
            "csv",
            "--as-of",
            "2025-07-22",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    header = result.stdout.splitlines()[0].split(",")
    assert header[:14] == [
        "upn",
        "possible_sessions",
        "present_sessions",
        "aea_sessions",
        "authorised_sessions",
        "unauthorised_sessions",
        "not_counted_sessions",
        "attendance_pct",
        "absence_pct",
        "persistent_absence",
        "severe_absence",
        "threshold_met_on",
        "threshold_met_session",
        "threshold_sessions_in_window",
    ]


def test_the_store_takes_new_marks_and_amendments_as_a_rebuild_would(demo):
    from rollcall.organisations.selectors import school_calendar
    from rollcall.registers.services import MarkInput, marks_bulk_record

    before = analyse(analysis_matrix())
    last = Mark.objects.filter(date=DEMO_DATE).select_related("pupil", "school").first()
    school, upn = last.school, last.pupil.upn
    sessions = list(
        school_calendar(school=school).sessions_between(
            DEMO_DATE + dt.timedelta(days=1), DEMO_DATE + dt.timedelta(days=30)
        )
    )[:2]
    assert sessions, "the demo school has sessions after the demo date"
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[
            MarkInput(upn=upn, date=day, session=session, code="G") for day, session in sessions
        ],
        source="test",
    )
    earlier = Mark.objects.filter(pupil=last.pupil, code="/").order_by("date").first()
    mark_amend(actor=None, mark=earlier, new_code="O", reason="Left site without permission")

    updated = analyse(analysis_matrix())
    row = lambda frame: frame.filter(pl.col("upn") == upn).row(0, named=True)  # noqa: E731
    assert row(updated)["unauthorised_sessions"] == row(before)["unauthorised_sessions"] + 3
    assert updated.equals(analyse(analysis_matrix(rebuild=True)))


def test_a_stored_date_that_is_not_a_date_is_named_not_guessed(demo):
    # Only SQLite can hold such a date (PostgreSQL refuses it), written around rollcall.
    from django.db import connection

    from rollcall.engine import MarksInputError

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL cannot store 30 February")
    mark = Mark.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registers_mark (school_id, pupil_id, date, session, code, "
            "original_code, recorded_at, source) VALUES (%s, %s, '2025-02-30', 'AM', '/', '/', "
            "'2025-02-28 09:00:00', 'import')",
            [mark.school_id, mark.pupil_id],
        )
    with pytest.raises(MarksInputError, match="date must be a real date"):
        analysis_matrix(rebuild=True)
