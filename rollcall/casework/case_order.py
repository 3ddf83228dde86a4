"""The case list's order, read from the database a page at a time.

`case_rows_query` (rollcall.casework.selectors) orders the cases by annotating each with its
tasks' figures, which means grouping every task of every case the user may read on every page:
0.1-0.2 s of PostgreSQL time for an LA's 20,000 cases. Here the page's case ids are read
without that grouping, in the same order:

- ordered by the child, the school or the date opened, the cases need no task figures at all;
- ordered by what is due (`due`: most overdue tasks first, then the next task due, then the
  date opened), only the cases with an open task past its date (a few thousand at most) have
  their overdue tasks counted and sorted; every other case follows, in the order of its
  earliest open task, which the database keeps for each case (`CaseNextDue`,
  rollcall.casework.child_work) with an index in that order.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Min, Q, QuerySet

from rollcall.casework.models import Case, CaseTask
from rollcall.casework.selectors import CASE_ORDER, CaseRow


def case_ids_in_order(
    *, cases: QuerySet[Case], sort: str, today: dt.date, offset: int, limit: int
) -> list[int]:
    """The ids of `limit` cases from `offset` of `cases` (filtered, not ordered) in the order
    `case_rows_query` gives them for `sort`."""
    if sort != "due" and sort in CASE_ORDER:
        ordered = cases.order_by(*CASE_ORDER[sort], "id").values_list("id", flat=True)
        return list(ordered[offset : offset + limit])
    # A case has an open task past its date exactly when its earliest open task is past it.
    behind = (
        cases.filter(
            due_summary__next_due__lt=today,
            tasks__status=CaseTask.Status.OPEN,
            tasks__due_on__lt=today,
        )
        # Filtering on the tasks before counting them counts only the tasks the filter joined.
        .annotate(overdue=Count("tasks"), next_due=F("due_summary__next_due"))
        .order_by("-overdue", "next_due", "opened_at", "id")
        .values_list("id", flat=True)
    )
    # The first page reads the cases with overdue tasks straight away (there are usually more
    # than a page of them); a later page counts them first, to know where it falls.
    behind_count = None if offset == 0 else cases.filter(due_summary__next_due__lt=today).count()
    ids = (
        list(behind[offset : offset + limit])
        if behind_count is None or offset < behind_count
        else []
    )
    if len(ids) == limit:
        return ids
    if behind_count is None:
        behind_count = len(ids)
    start = max(0, offset - behind_count)
    ids += list(
        cases.filter(Q(due_summary__next_due__gte=today) | Q(due_summary__next_due__isnull=True))
        .order_by(F("due_summary__next_due").asc(nulls_last=True), "due_summary__opened_at", "id")
        .values_list("id", flat=True)[start : start + limit - len(ids)]
    )
    return ids


def case_rows_of_ids(*, cases: QuerySet[Case], ids: list[int], today: dt.date) -> list[CaseRow]:
    """The cases of `cases` with these ids, in the order of `ids`, with their task figures as
    `case_rows` gives them (read for these cases alone)."""
    found = {case.pk: case for case in cases.filter(pk__in=ids)}
    figures = {
        case_id: (next_due, open_tasks, overdue)
        for case_id, next_due, open_tasks, overdue in CaseTask.objects.filter(
            case_id__in=ids, status=CaseTask.Status.OPEN
        )
        .order_by()
        .values("case_id")
        .annotate(
            next_due=Min("due_on"),
            open_tasks=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today)),
        )
        .values_list("case_id", "next_due", "open_tasks", "overdue")
    }
    return [
        CaseRow(found[case_id], *figures.get(case_id, (None, 0, 0)))
        for case_id in ids
        if case_id in found
    ]
