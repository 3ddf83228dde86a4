"""The national threshold counts a pupil's previous school, known from a CTF (WTISA).

A pupil leaves Riverside Primary School (another LA, not in rollcall) after a week with 6
unauthorised sessions (Mon 6 to Wed 8 January 2025, N twice a day), and is admitted here on
Monday 13 January: 4 more sessions of unauthorised absence here (O on Monday and Tuesday) make
10 within 10 school weeks, met on Tuesday 14 January 2025 PM. Only the threshold crosses
schools: the figures of the school the pupil is at now are its own registers'.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command

from rollcall.analytics.models import WorklistItem
from rollcall.analytics.selectors import on_roll_pairs
from rollcall.analytics.source import analysis_matrix, history_from_database
from rollcall.analytics.sweep import sweep_candidates
from rollcall.engine import analyse
from rollcall.engine.triggers import NATIONAL_THRESHOLD, PERSISTENT
from rollcall.transfers.services import ctf_import
from tests.analytics.conftest import record, week
from tests.transfers import ctf_sample

pytestmark = pytest.mark.django_db

D = dt.date
ADMITTED = D(2025, 1, 13)
UPN = ctf_sample.FIRST_UPN
# Mon to Wed: N twice a day; Thu, Fri present; the weekend.
LAST_WEEK_THERE = "NN" * 3 + "/\\" * 2 + "####"
THERE = {"possible": 10, "attended": 4, "authorised": 0, "unauthorised": 6}


def _import_the_ctf(school):
    years = ctf_sample.year_data(LAST_WEEK_THERE, "2025-01-06", totals=THERE)
    ctf_import(
        actor=None,
        data=ctf_sample.ctf(school, pupils=ctf_sample.pupil_xml(years=years)),
        name="8882001_CTF_test_001.xml",
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
