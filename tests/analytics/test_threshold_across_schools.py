"""The national threshold counts a pupil's previous school, known from a CTF (WTISA).

A pupil leaves Riverside Primary School (another LA, not in rollcall) after a week with 6
unauthorised sessions (Mon 6 to Wed 8 January 2025, N twice a day), and is admitted here on
Monday 13 January: 4 more sessions of unauthorised absence here (O on Monday and Tuesday) make
10 within 10 school weeks, met on Tuesday 14 January 2025 PM. Only the threshold crosses
schools: the figures of the school the pupil is at now are its own registers'.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command

from rollcall.analytics.models import WorklistItem
from rollcall.analytics.selectors import on_roll_pairs
from rollcall.analytics.source import analysis_matrix, history_from_database, store_reading
from rollcall.analytics.sweep import sweep_candidates
from rollcall.engine import analyse
from rollcall.engine.triggers import NATIONAL_THRESHOLD, PERSISTENT
from rollcall.transfers.services import ctf_import
from tests.analytics.conftest import person, prepare_figures, record, signed_in, week
from tests.analytics.test_figures_in_the_background import refreshes_queued
from tests.analytics.test_prepared_figures import forget_prepared
from tests.transfers import ctf_sample

pytestmark = pytest.mark.django_db

D = dt.date
ADMITTED = D(2025, 1, 13)
UPN = ctf_sample.FIRST_UPN
# Mon to Wed: N twice a day; Thu, Fri present; the weekend.
LAST_WEEK_THERE = "NN" * 3 + "/\\" * 2 + "####"
THERE = {"possible": 10, "attended": 4, "authorised": 0, "unauthorised": 6}


def _import_the_ctf(school, *, with_attendance: bool = True, number: int = 1):
    years = ctf_sample.year_data(LAST_WEEK_THERE, "2025-01-06", totals=THERE)
    ctf_import(
        actor=None,
        data=ctf_sample.ctf(
            school, pupils=ctf_sample.pupil_xml(years=years if with_attendance else "")
        ),
        name=f"8882001_CTF_test_00{number}.xml",
        school=school,
        today=ADMITTED,
        admitted_on=ADMITTED,
    )


def _sweep(on: str) -> None:
    call_command("sweep", "--on", on, stdout=StringIO())


def test_six_sessions_at_the_previous_school_and_four_here_are_work_for_this_school(school):
    _import_the_ctf(school)
    record(school, UPN, ADMITTED, week("O O O O . . . . . ."))
    _sweep("2025-01-17")
    item = WorklistItem.objects.get(kind=NATIONAL_THRESHOLD)
    assert (item.school, item.pupil.upn, item.met_on) == (school, UPN, D(2025, 1, 14))
    assert "to 14 January 2025 PM" in item.detail


def test_without_the_previous_school_four_sessions_here_are_not_the_threshold(school):
    _import_the_ctf(school)
    record(school, UPN, ADMITTED, week("O O O . . . . . . ."))  # 6 + 3 = 9
    _sweep("2025-01-17")
    assert not WorklistItem.objects.filter(kind=NATIONAL_THRESHOLD).exists()


def test_the_previous_schools_marks_change_no_figure_of_this_school(school):
    _import_the_ctf(school)
    record(school, UPN, ADMITTED, week())  # present all week here
    matrix, history = analysis_matrix(), history_from_database()
    assert history is not None
    plain = analyse(matrix, as_of=D(2025, 1, 17))
    counted = analyse(matrix, as_of=D(2025, 1, 17), history=history)
    row = counted.filter(pl.col("upn") == UPN).row(0, named=True)
    assert (row["possible_sessions"], row["unauthorised_sessions"]) == (10, 0)
    assert (row["attendance_pct"], row["persistent_absence"]) == (100.0, False)
    assert row["threshold_sessions_in_window"] == 6  # the threshold alone sees Riverside
    threshold = ["threshold_met_on", "threshold_met_session", "threshold_sessions_in_window"]
    assert counted.drop(threshold).equals(plain.drop(threshold))
    findings = sweep_candidates(
        matrix,
        on=D(2025, 1, 17),
        profile_of={},
        on_roll=on_roll_pairs(on=D(2025, 1, 17)),
        history=history,
    )
    assert PERSISTENT not in {c.kind for c in findings.candidates}


def _pages(client, school) -> tuple[str, str]:
    pupil = client.get(f"/analytics/pupils/{UPN}?as_of=2025-01-17").content.decode()
    listed = client.get(f"/analytics/schools/{school.urn}?as_of=2025-01-17&flag=all")
    return _without_tokens(pupil), _without_tokens(listed.content.decode())


def _without_tokens(page: str) -> str:
    # Each response has its own script nonce and form token; the rest is the figures.
    return re.sub(r'(nonce|value)="[A-Za-z0-9_-]{20,}"', "", page)


def test_the_pages_count_the_previous_school_from_the_store_as_from_the_database(client, school):
    _import_the_ctf(school)
    record(school, UPN, ADMITTED, week("O O O O . . . . . ."))
    prepare_figures()
    saved = store_reading().saved_law
    assert saved is not None and saved.history is not None
    assert saved.history.schools.tolist() == ["8882001"]
    person("officer", "attendance_officer", school=school)
    signed_in(client, "officer")
    pupil, listed = _pages(client, school)
    assert "Met on Tuesday 14 January 2025, afternoon session" in pupil
    assert "14 Jan 2025" in listed
    # The LA's dashboard for a date other than the store's is worked out in the request.
    person("laofficer", "la_officer", local_authority=school.local_authority)
    signed_in(client, "laofficer")
    dashboard = client.get("/analytics/schools.csv?as_of=2025-01-16").content.decode()
    (line,) = csv.DictReader(io.StringIO(dashboard))
    assert line["met_national_threshold"] == "1"  # 6 sessions there and 4 here
    forget_prepared()  # every earlier-school mark read from the database instead
    assert client.get("/analytics/schools.csv?as_of=2025-01-16").content.decode() == dashboard
    signed_in(client, "officer")
    assert _pages(client, school) == (pupil, listed)


def test_a_ctf_imported_after_the_store_was_saved_is_counted_once_the_store_catches_up(
    client, school
):
    _import_the_ctf(school, with_attendance=False)
    record(school, UPN, ADMITTED, week("O O O O . . . . . ."))
    prepare_figures()
    person("officer", "attendance_officer", school=school)
    signed_in(client, "officer")
    pupil, _ = _pages(client, school)
    assert "Not met" in pupil and "Figures are as at" not in pupil
    _import_the_ctf(school, number=2)
    assert "Figures are as at" in _pages(client, school)[0]  # the store is behind the CTF
    prepare_figures()
    pupil, _ = _pages(client, school)
    assert "Met on Tuesday 14 January 2025, afternoon session" in pupil
    assert "Figures are as at" not in pupil


def test_a_ctf_with_attendance_queues_a_refresh_of_the_store(
    school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _import_the_ctf(school, with_attendance=False)
    assert refreshes_queued() == 0  # nothing the threshold counts came with it
    with django_capture_on_commit_callbacks(execute=True):
        _import_the_ctf(school, number=2)
    assert refreshes_queued() == 1
