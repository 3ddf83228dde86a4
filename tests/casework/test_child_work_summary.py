"""The database's summary of each child's open work agrees with the careful computation as the
work changes (triggers done, cases closed and reopened, tasks done, cases opened), and a user
who reads cases beyond whole schools is ranked by the grouped query instead."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from rollcall.analytics.models import WorklistItem
from rollcall.analytics.services import worklist_item_complete
from rollcall.casework.child_work import child_work_rebuild
from rollcall.casework.models import Case, CaseTask, ChildWorkSummary
from rollcall.casework.selectors import case_schools_of, cases_visible_to
from rollcall.casework.services.cases import case_close, case_reopen, case_task_done
from rollcall.casework.worklist import children_page, children_to_act_on
from tests.analytics.conftest import person
from tests.casework.test_long_lists import KEEP, TODAY, many_children

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(time_machine):
    return many_children(time_machine)


def _summary() -> dict[tuple[int, int], tuple[bool, object, bool, object, object]]:
    return {
        (row.pupil_id, row.school_id): (
            row.severe,
            row.first_met,
            row.has_case,
            row.next_due,
            row.first_date,
        )
        for row in ChildWorkSummary.objects.all()
    }


def _careful(user: User) -> dict[tuple[int, int], tuple[bool, object, bool, object, object]]:
    found = {}
    for child in children_to_act_on(user=user, today=TODAY):
        first_met = min((met_on for _, met_on, _, _ in child.kinds), default=None)
        dates = [date for date in (first_met, child.next_due) if date is not None]
        found[child.pupil_id, child.school_id] = (
            child.severe,
            first_met,
            child.case_id is not None,
            child.next_due,
            min(dates) if dates else None,
        )
    return found


def _agrees(user: User) -> None:
    assert _summary() == _careful(user)


def test_the_summary_holds_each_childs_work_as_the_careful_computation_has_it(many):
    officer = User.objects.get(username="laofficer")
    _agrees(officer)
    rng = random.Random(5)
    items = list(WorklistItem.objects.filter(status="open").order_by("id"))
    for item in rng.sample(items, 25):
        worklist_item_complete(actor=officer, item=item, note="Letter sent")
    _agrees(officer)
    tasks = list(CaseTask.objects.filter(status="open").order_by("id"))
    for task in rng.sample(tasks, 15):
        case_task_done(actor=officer, task=task, on=TODAY, note="Done")
    _agrees(officer)
    cases = list(Case.objects.exclude(status="closed").order_by("id"))
    closed = rng.sample(cases, 12)
    for case in closed:
        case_close(actor=officer, case=case, outcome="improved", on=TODAY, rationale="Better")
    _agrees(officer)
    for case in closed[:6]:
        case_reopen(actor=officer, case=Case.objects.get(pk=case.pk), on=TODAY, rationale="Again")
    _agrees(officer)
    with transaction.atomic():
        ChildWorkSummary.objects.all().delete()
        child_work_rebuild()
    _agrees(officer)


@pytest.mark.parametrize("view", sorted(KEEP))
def test_the_summary_and_the_grouped_query_give_the_same_pages(many, view, monkeypatch):
    from rollcall.casework import worklist

    officer = User.objects.get(username="laofficer")
    summarised = [
        children_page(user=officer, query={"view": view, "page": str(page)}, today=TODAY)
        for page in (1, 2, 3)
    ]
    monkeypatch.setattr(worklist, "case_schools_of", lambda **kwargs: None)
    grouped = [
        children_page(user=officer, query={"view": view, "page": str(page)}, today=TODAY)
        for page in (1, 2, 3)
    ]
    assert [page.lines for page in summarised] == [page.lines for page in grouped]
    assert [page.counts for page in summarised] == [page.counts for page in grouped]
    assert [page.by_school for page in summarised] == [page.by_school for page in grouped]


def test_the_schools_whose_cases_a_user_reads_are_the_cases_they_read(many):
    la = many[0].local_authority
    person("teacher", "teacher", school=many[0])
    person("analyst", "la_analyst", local_authority=la)
    person("trustlead", "trust_lead", trust=_trust(many[0]))
    for username in ("laofficer", "officer", "teacher", "analyst"):
        user = User.objects.get(username=username)
        schools = case_schools_of(user=user)
        assert schools is not None
        assert set(cases_visible_to(user=user).values_list("pk", flat=True)) == set(
            Case.objects.filter(school_id__in=schools).values_list("pk", flat=True)
        )
    assert case_schools_of(user=User.objects.get(username="trustlead")) is None


def _trust(school):
    from rollcall.organisations.models import Trust

    trust = Trust.objects.create(name="Trust", policy_profile="national")
    school.trust = trust
    school.save()
    return trust


def test_a_teacher_sees_the_childrens_triggers_without_their_cases(many):
    """A teacher reads no cases: the worklist ranks their school's children by triggers alone,
    through the grouped query (the summary counts cases)."""
    person("teacher", "teacher", school=many[0])
    teacher = User.objects.get(username="teacher")
    page = children_page(user=teacher, query={}, today=TODAY)
    expected = children_to_act_on(user=teacher, today=TODAY)
    assert page.total == len(expected)
    assert all(line.case_text == "No case" for line in page.lines)


def test_the_worklist_reads_the_summary_for_an_la_officer(many, monkeypatch):
    from rollcall.casework import worklist

    def refuse(**kwargs):
        raise AssertionError("the grouped query ran")

    monkeypatch.setattr(worklist, "_ranked", refuse)
    officer = User.objects.get(username="laofficer")
    page = children_page(user=officer, query={"page": "2"}, today=TODAY)
    assert len(page.lines) == worklist.PER_PAGE


def test_the_summary_command_puts_right_a_summary_that_went_wrong(many):
    import io

    from django.core.management import call_command

    ChildWorkSummary.objects.filter(pk__in=ChildWorkSummary.objects.values("pk")[:3]).delete()
    ChildWorkSummary.objects.filter(has_case=True).update(next_due=None)
    out = io.StringIO()
    call_command("worklist_summary", stdout=out)
    assert "corrected" in out.getvalue() and " 0 children" not in out.getvalue()
    _agrees(User.objects.get(username="laofficer"))
    out = io.StringIO()
    call_command("worklist_summary", stdout=out)
    assert "; 0 children's rows corrected" in out.getvalue()
