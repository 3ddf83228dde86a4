"""Migration analytics 0003: items for 10 days' continuous absence made when they were dated on
the run's first day move to its 10th (REG24 reg 13), so the next sweep does not list the same
run twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rollcall.analytics.models import WorklistItem
from tests.analytics.conftest import record
from tests.factories import enrol, make_pupil, make_school

D = dt.date
BEFORE, AFTER = (
    ("analytics", "0002_worklist_withdrawn"),
    ("analytics", "0003_runs_dated_on_their_last_day"),
)


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_an_item_dated_on_the_runs_first_day_moves_to_its_tenth_and_is_not_listed_again():
    school = make_school()
    pupil = make_pupil(forename="Ola", date_of_birth=D(2015, 5, 1))
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    record(school, pupil.upn, D(2025, 3, 3), " ".join(["O"] * 20))  # 3 to 14 March
    call_command("sweep", "--on", "2025-03-14", stdout=StringIO())
    item = WorklistItem.objects.get(kind="continuous_absence")
    assert item.met_on == D(2025, 3, 14)
    try:
        # As the sweep dated it before: on the run's first day.
        migrate(BEFORE)
        WorklistItem.objects.filter(pk=item.pk).update(met_on=D(2025, 3, 3))
        migrate(AFTER)
    finally:
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        MigrationExecutor(connection).migrate(leaves)
    item.refresh_from_db()
    assert item.met_on == D(2025, 3, 14)
    call_command("sweep", "--on", "2025-03-14", stdout=StringIO())
    assert WorklistItem.objects.filter(kind="continuous_absence").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_run_not_yet_ten_days_long_in_the_marks_is_left_as_it_was():
    school = make_school()
    pupil = make_pupil(forename="Ben", date_of_birth=D(2015, 5, 1))
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    record(school, pupil.upn, D(2025, 3, 3), " ".join(["O"] * 20))
    call_command("sweep", "--on", "2025-03-14", stdout=StringIO())
    item = WorklistItem.objects.get(kind="continuous_absence")
    try:
        migrate(BEFORE)
        WorklistItem.objects.filter(pk=item.pk).update(met_on=D(2025, 3, 10))  # 5 days left
        migrate(AFTER)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    item.refresh_from_db()
    assert item.met_on == D(2025, 3, 10)
