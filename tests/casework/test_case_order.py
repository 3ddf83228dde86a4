"""The case list reads each page's cases in the order `case_rows` gives them, for every sort and
filter, and counts them as it finds them, without grouping every case's tasks."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import User

from rollcall.casework.case_order import case_ids_in_order
from rollcall.casework.models import Case, CaseNextDue, CaseTask
from rollcall.casework.selectors import case_list_summary, case_rows, case_rows_filtered
from rollcall.casework.services.cases import case_close, case_task_done
from tests.casework.test_long_lists import TODAY, many_children

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(time_machine):
    schools = many_children(time_machine)
    officer = User.objects.get(username="laofficer")
    rng = random.Random(8)
    for case in rng.sample(list(Case.objects.order_by("id")), 10):
        case_close(actor=officer, case=case, outcome="improved", on=TODAY, rationale="Better")
    for task in rng.sample(list(CaseTask.objects.filter(status="open").order_by("id")), 10):
        case_task_done(actor=officer, task=task, on=TODAY, note="Done")
    return schools


def test_each_cases_earliest_open_task_is_kept_as_its_tasks_change(world):
    for case in Case.objects.all():
        dates = [
            task.due_on for task in case.tasks.filter(status="open") if task.due_on is not None
        ]
        assert CaseNextDue.objects.get(case=case).next_due == (min(dates) if dates else None)
        assert CaseNextDue.objects.get(case=case).opened_at == case.opened_at


FILTERS = [
    {},
    {"status": "closed"},
    {"status": "all"},
    {"status": "referred"},
    {"overdue_only": True},
    {"flag": "severe"},
    {"stage": "enforce"},
    {"profile": "national", "status": "open"},
]


@pytest.mark.parametrize("sort", ["due", "opened", "child", "school"])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "-".join(map(str, f.values())) or "-")
def test_every_page_of_cases_comes_in_the_order_case_rows_gives(world, sort, filters):
    officer = User.objects.get(username="laofficer")
    expected = [row.case.pk for row in case_rows(user=officer, today=TODAY, sort=sort, **filters)]
    cases = case_rows_filtered(user=officer, today=TODAY, **filters)
    for size in (7, 50):
        pages = [
            case_ids_in_order(cases=cases, sort=sort, today=TODAY, offset=offset, limit=size)
            for offset in range(0, len(expected) + size, size)
        ]
        assert [case_id for page in pages for case_id in page] == expected
    assert (
        case_ids_in_order(cases=cases, sort=sort, today=TODAY, offset=3, limit=11)
        == (expected[3:14])
    )


@pytest.mark.parametrize(
    "filters", [f for f in FILTERS if "flag" not in f and "overdue_only" not in f]
)
def test_the_list_counts_the_cases_it_finds(world, filters):
    officer = User.objects.get(username="laofficer")
    summary = case_list_summary(user=officer, today=TODAY)
    found = case_rows_filtered(user=officer, today=TODAY, **filters).count()
    assert (
        summary.total(
            status=filters.get("status", "active"),
            stage=filters.get("stage", ""),
            urn="",
            profile=filters.get("profile", ""),
        )
        == found
    )
    urn = world[1].urn
    assert summary.total(status="all", stage="", urn=urn, profile="") == (
        Case.objects.filter(school__urn=urn).count()
    )
    assert summary.overdue == sum(1 for row in case_rows(user=officer, today=TODAY) if row.overdue)


def test_the_severely_absent_are_the_children_with_an_open_severe_absence_trigger(world):
    from rollcall.analytics.models import WorklistItem

    officer = User.objects.get(username="laofficer")
    severe = set(
        WorklistItem.objects.filter(status="open", kind="severe_absence").values_list(
            "pupil_id", flat=True
        )
    )
    flagged = case_rows_filtered(user=officer, today=TODAY, status="all", flag="severe")
    assert severe
    assert set(flagged.values_list("pk", flat=True)) == set(
        Case.objects.filter(pupil_id__in=severe).values_list("pk", flat=True)
    )


def test_a_pages_cases_carry_the_task_figures_case_rows_gives(world):
    from rollcall.casework.case_order import case_rows_of_ids

    officer = User.objects.get(username="laofficer")
    rows = case_rows(user=officer, today=TODAY, status="all")
    ids = [row.case.pk for row in rows][::3]
    shown = case_rows_of_ids(
        cases=case_rows_filtered(user=officer, today=TODAY, status="all"), ids=ids, today=TODAY
    )
    by_id = {row.case.pk: row for row in rows}
    assert [(row.case.pk, row.next_due, row.open_tasks, row.overdue) for row in shown] == [
        (i, by_id[i].next_due, by_id[i].open_tasks, by_id[i].overdue) for i in ids
    ]
    assert any(row.overdue for row in shown) and any(row.open_tasks == 0 for row in shown)
