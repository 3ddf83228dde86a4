"""The morning worklist: children, not triggers.

One line per child at a school, with every open trigger the sweep found for them, their case
(stage and next task) if they have one, ranked so the officer starts at the top: severely
absent children first (HAC 'Severely absent children'; MAT App. B1), then overdue tasks, tasks
due today, new triggers with no case yet, then the rest by date. Looked-after children, children
in need and those on a protection plan are flagged beside their names (WTISA: they are followed
up first).

The database ranks the children and counts them, from its summary of each child's open work
(`rollcall.casework.child_work`) or, for users who read cases beyond whole schools, one query
grouping the open trigger items and the active cases' open tasks; it returns one page, and
only the page shown is read in detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import Count, Max, Min, Model, Q, QuerySet, Value, When
from django.urls import reverse

from rollcall.accounts.selectors import User, schools_visible_to
from rollcall.analytics.models import WorklistItem, kind_label
from rollcall.casework.child_work import children_ranked
from rollcall.casework.models import Case, CaseTask
from rollcall.casework.selectors import case_schools_of, cases_visible_to, opening_organisations
from rollcall.organisations.models import School
from rollcall.policies import load_profile
from rollcall.pupils.models import Pupil
from rollcall.pupils.selectors import pupils_with_visible_welfare, welfare_flags

PER_PAGE = 50
SEVERE = "severe_absence"
VIEWS = (
    ("all", "Every child"),
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("new", "No case yet"),
    ("severe", "Severely absent"),
)


@dataclass
class ChildWork:
    pupil_id: int
    school_id: int
    kinds: list[tuple[str, dt.date, int, bool]] = field(default_factory=list)
    case_id: int | None = None
    next_due: dt.date | None = None
    overdue: int = 0
    due_today: int = 0

    @property
    def severe(self) -> bool:
        return any(kind in (SEVERE, f"attendance:{SEVERE}") for kind, *_ in self.kinds)

    @property
    def first_date(self) -> dt.date:
        dates = [met_on for _, met_on, _, _ in self.kinds]
        if self.next_due is not None:
            dates.append(self.next_due)
        return min(dates) if dates else dt.date.max

    def rank(self) -> tuple[int, int, int, int, dt.date, int]:
        return (
            0 if self.severe else 1,
            0 if self.overdue else 1,
            0 if self.due_today else 1,
            0 if self.kinds and self.case_id is None else 1,
            self.first_date,
            self.pupil_id,
        )


def children_to_act_on(*, user: User, today: dt.date, urn: str | None = None) -> list[ChildWork]:
    """Every child at the user's schools with an open trigger or an active case, ranked."""
    items, cases = _open_items_and_cases(user=user, urn=urn)
    return sorted(_merged(items, cases, today).values(), key=ChildWork.rank)


def _open_items_and_cases(
    *, user: User, urn: str | None
) -> tuple[QuerySet[WorklistItem], QuerySet[Case]]:
    items = WorklistItem.objects.filter(
        school__in=schools_visible_to(user=user), status=WorklistItem.Status.OPEN
    )
    cases = cases_visible_to(user=user).exclude(status=Case.Status.CLOSED)
    if urn:
        items = items.filter(school__urn=urn)
        cases = cases.filter(school__urn=urn)
    return items, cases


def _merged(
    items: QuerySet[WorklistItem], cases: QuerySet[Case], today: dt.date
) -> dict[tuple[int, int], ChildWork]:
    """The open items and active cases, one ChildWork per child at a school."""
    children: dict[tuple[int, int], ChildWork] = {}
    for pupil_id, school_id, kind, met_on, item_id, provisional in items.values_list(
        "pupil_id", "school_id", "kind", "met_on", "id", "provisional"
    ).order_by("met_on", "id"):
        child = children.setdefault((pupil_id, school_id), ChildWork(pupil_id, school_id))
        child.kinds.append((kind, met_on, item_id, provisional))
    open_task = Q(tasks__status=CaseTask.Status.OPEN)
    for case_id, pupil_id, school_id, next_due, overdue, due_today in (
        cases.order_by()
        .annotate(
            next_due=Min("tasks__due_on", filter=open_task),
            overdue=Count("tasks", filter=open_task & Q(tasks__due_on__lt=today)),
            due_today=Count("tasks", filter=open_task & Q(tasks__due_on=today)),
        )
        .values_list("id", "pupil_id", "school_id", "next_due", "overdue", "due_today")
    ):
        child = children.setdefault((pupil_id, school_id), ChildWork(pupil_id, school_id))
        if child.case_id is None or (
            next_due and (not child.next_due or next_due < child.next_due)
        ):
            child.case_id, child.next_due = case_id, next_due
        child.overdue += overdue
        child.due_today += due_today
    return children


# The ranking of ChildWork.rank in SQL, over one row per child at a school: the database
# groups the open items and the active cases' open tasks and returns one page, so a
# local authority's tens of thousands of children are never read into memory. `severe`,
# `overdue`, `due_today` and `has_case` as ChildWork has them; `first_date` the earliest of the
# child's triggers and next task due (NULL, last, when there is neither).
_CHILDREN_SQL = """
WITH items AS ({items}),
cases AS ({cases}),
children AS (
  SELECT COALESCE(items.pupil_id, cases.pupil_id) AS pupil_id,
         COALESCE(items.school_id, cases.school_id) AS school_id,
         COALESCE(items.severe, 0) AS severe,
         COALESCE(cases.overdue, 0) AS overdue,
         COALESCE(cases.due_today, 0) AS due_today,
         CASE WHEN cases.pupil_id IS NULL THEN 0 ELSE 1 END AS has_case,
         CASE WHEN items.first_met IS NULL THEN cases.next_due
              WHEN cases.next_due IS NULL OR items.first_met < cases.next_due THEN items.first_met
              ELSE cases.next_due END AS first_date
  FROM items FULL OUTER JOIN cases
    ON items.pupil_id = cases.pupil_id AND items.school_id = cases.school_id
)
SELECT * FROM (
  SELECT 0 AS part, pupil_id, school_id, 0, 0, 0, 0, 0 FROM children WHERE {keep}
  ORDER BY severe DESC, CASE WHEN overdue > 0 THEN 0 ELSE 1 END,
    CASE WHEN due_today > 0 THEN 0 ELSE 1 END, has_case,
    CASE WHEN first_date IS NULL THEN 1 ELSE 0 END, first_date, pupil_id, school_id
  LIMIT %s OFFSET %s
) AS page
UNION ALL
SELECT 1, 0, school_id, COUNT(*), SUM(CASE WHEN overdue > 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN due_today > 0 THEN 1 ELSE 0 END), SUM(1 - has_case), SUM(severe)
FROM children GROUP BY school_id
"""
_KEEP_SQL = {
    "all": "1 = 1",
    "overdue": "overdue > 0",
    "today": "due_today > 0",
    "new": "has_case = 0",
    "severe": "severe = 1",
}
SEVERE_KINDS = (SEVERE, f"attendance:{SEVERE}")


@dataclass
class _Ranked:
    """One page of the ranked children and every school's counts, from one query."""

    keys: list[tuple[int, int]]
    per_school: dict[int, dict[str, int]]


def _ranked(
    *, user: User, today: dt.date, urn: str | None, view: str, offset: int, limit: int
) -> _Ranked:
    items, cases = _open_items_and_cases(user=user, urn=urn)

    def grouped_items(found: QuerySet[WorklistItem]) -> QuerySet[Any, Any]:
        return (
            found.order_by()
            .values("pupil_id", "school_id")
            .annotate(
                severe=Max(DbCase(When(kind__in=SEVERE_KINDS, then=Value(1)), default=Value(0))),
                first_met=Min("met_on"),
            )
            .values_list("pupil_id", "school_id", "severe", "first_met")
        )

    open_task = Q(tasks__status=CaseTask.Status.OPEN)

    def grouped_cases(found: QuerySet[Case]) -> QuerySet[Any, Any]:
        return (
            found.order_by()
            .values("pupil_id", "school_id")
            .annotate(
                next_due=Min("tasks__due_on", filter=open_task),
                overdue=Count("tasks", filter=open_task & Q(tasks__due_on__lt=today)),
                due_today=Count("tasks", filter=open_task & Q(tasks__due_on=today)),
            )
            .values_list("pupil_id", "school_id", "next_due", "overdue", "due_today")
        )

    items_sql, items_params = _sql_of(grouped_items, items, WorklistItem)
    cases_sql, cases_params = _sql_of(grouped_cases, cases, Case)
    sql = _CHILDREN_SQL.format(
        items=_named(items_sql, ("pupil_id", "school_id", "severe", "first_met")),
        cases=_named(cases_sql, ("pupil_id", "school_id", "next_due", "overdue", "due_today")),
        keep=_KEEP_SQL[view],
    )
    keys: list[tuple[int, int]] = []
    per_school: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*items_params, *cases_params, limit, offset])
        for part, pupil_id, school_id, children, overdue, today_, new, severe in cursor:
            if part == 0:
                keys.append((pupil_id, school_id))
            else:
                per_school[school_id] = {
                    "children": int(children),
                    "overdue": int(overdue),
                    "today": int(today_),
                    "new": int(new),
                    "severe": int(severe),
                }
    return _Ranked(keys, per_school)


def _sql_of(
    grouped: Callable[[Any], QuerySet[Any, Any]], found: QuerySet[Any], model: type[Model]
) -> tuple[str, tuple[Any, ...]]:
    """The grouped query's SQL; for a user who reads none of them (a teacher reads no cases),
    the same query over no rows."""
    try:
        return grouped(found).query.sql_with_params()
    except EmptyResultSet:
        return grouped(model._default_manager.filter(pk=-1)).query.sql_with_params()


def _named(sql: str, names: tuple[str, ...]) -> str:
    """The grouped query's columns by name (the ORM selects each under its own name)."""
    return f"SELECT {', '.join(names)} FROM ({sql}) AS grouped"  # noqa: S608


@dataclass(frozen=True)
class Trigger:
    """One kind of trigger for the child: how many times it is open and the latest."""

    label: str
    met_on: dt.date  # the latest
    times: int
    href: str  # the latest item
    provisional: bool


@dataclass(frozen=True)
class WorklistLine:
    child: str
    upn: str
    pupil_href: str
    school: str
    flags: list[str]
    severe: bool
    triggers: list[Trigger]
    case_text: str
    case_href: str | None
    open_case_href: str | None
    next_task: str
    next_due: dt.date | None
    overdue: int
    due_today: int
    next_task_owner: str = ""


@dataclass(frozen=True)
class ChildrenPage:
    lines: list[WorklistLine]
    counts: dict[str, int]
    by_school: list[dict[str, object]]
    view: str
    school: str
    view_links: list[dict[str, object]]
    school_options: list[dict[str, object]]
    total: int
    pagination: dict[str, object]
    today: dt.date


def _flags(pupil: Pupil) -> list[str]:
    flags = welfare_flags(pupil)
    return [
        text
        for shown, text in (
            (flags.looked_after, "Looked after"),
            (flags.child_protection_plan, "Child protection plan"),
            (flags.child_in_need, "Child in need"),
            (flags.has_social_worker, "Social worker"),
            (flags.young_carer, "Young carer"),
        )
        if shown
    ]


class _RankedPage:
    """The ranked children for Paginator: the total is known, the page read when sliced."""

    def __init__(self, total: int, fetch: Callable[[int, int], list[ChildWork]]) -> None:
        self.total = total
        self.fetch = fetch

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[ChildWork]:
        start = index.start or 0
        return self.fetch(start, (index.stop or self.total) - start)


def _requested_page(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def children_page(*, user: User, query: Mapping[str, str], today: dt.date) -> ChildrenPage:
    schools = {school.pk: school for school in schools_visible_to(user=user).order_by("name")}
    urns = {school.urn: school for school in schools.values()}
    school = query.get("school", "")
    school = school if school in urns else ""
    view = query.get("view", "all")
    view = view if view in dict(VIEWS) else "all"
    # One query ranks every child in the database and counts them by school, returning only
    # the page asked for; the page's children are then read in full.
    fetched: dict[tuple[int, int], _Ranked] = {}
    # Where the user reads every case at their schools and no other, the database's summary
    # of each child's work ranks them (rollcall.casework.child_work); otherwise the grouped
    # query over the items and the cases the user reads.
    summarised = case_schools_of(user=user) == set(schools)
    shown_schools = [urns[school].pk] if school else sorted(schools)

    def ranked(offset: int, limit: int) -> _Ranked:
        if (offset, limit) not in fetched:
            if summarised:
                fetched[offset, limit] = _Ranked(
                    *children_ranked(
                        school_ids=shown_schools,
                        today=today,
                        view=view,
                        offset=offset,
                        limit=limit,
                    )
                )
            else:
                fetched[offset, limit] = _ranked(
                    user=user,
                    today=today,
                    urn=school or None,
                    view=view,
                    offset=offset,
                    limit=limit,
                )
        return fetched[offset, limit]

    def children_at(offset: int, limit: int) -> list[ChildWork]:
        if limit <= 0:
            return []
        keys = ranked(offset, PER_PAGE).keys[:limit]
        items, cases = _open_items_and_cases(user=user, urn=school or None)
        pupil_ids = sorted({pupil_id for pupil_id, _ in keys})
        found = _merged(
            items.filter(pupil_id__in=pupil_ids), cases.filter(pupil_id__in=pupil_ids), today
        )
        return [found[key] for key in keys if key in found]

    first = ranked((_requested_page(query.get("page")) - 1) * PER_PAGE, PER_PAGE)
    per_school = first.per_school
    counts = {
        name: sum(found[name] for found in per_school.values())
        for name in ("children", "overdue", "today", "new", "severe")
    }
    shown = counts[{"all": "children"}.get(view, view)]
    paginator: Paginator[ChildWork] = Paginator(
        _RankedPage(shown, children_at),  # type: ignore[arg-type]
        PER_PAGE,
    )
    page = paginator.get_page(query.get("page"))
    rows: list[ChildWork] = list(page.object_list)
    pupils = Pupil.objects.in_bulk([row.pupil_id for row in rows])
    welfare_shown = pupils_with_visible_welfare(
        schools=list(schools.values()), pupil_ids=list(pupils), on=today
    )
    cases = {
        case.pk: case
        for case in Case.objects.filter(
            pk__in=[row.case_id for row in rows if row.case_id]
        ).select_related("owner_school", "owner_trust", "owner_local_authority")
    }
    next_tasks = _next_tasks([row.case_id for row in rows if row.case_id])
    openers = opening_organisations(
        user=user, schools={schools[row.school_id] for row in rows if row.case_id is None}
    )
    lines = [
        _line(
            openers.get(row.school_id) is not None,
            row,
            pupils[row.pupil_id],
            schools[row.school_id],
            cases.get(row.case_id) if row.case_id else None,
            next_tasks.get(row.case_id) if row.case_id else None,
            row.pupil_id in welfare_shown,
            today,
        )
        for row in rows
    ]
    base = {"school": school, "view": view}
    return ChildrenPage(
        lines=lines,
        counts=counts,
        by_school=[
            {
                "name": schools[school_id].name,
                "href": "?" + urlencode({"school": schools[school_id].urn}),
                "children": found["children"],
                "overdue": found["overdue"],
                "new": found["new"],
            }
            for school_id, found in sorted(
                per_school.items(), key=lambda pair: schools[pair[0]].name
            )
        ]
        if len(schools) > 1
        else [],
        view=view,
        school=school,
        view_links=[
            {
                "text": text,
                "href": "?" + urlencode(base | {"view": value}),
                "current": value == view,
            }
            for value, text in VIEWS
        ],
        school_options=[{"value": "", "text": "All schools", "selected": not school}]
        + [
            {"value": urn, "text": found.name, "selected": urn == school}
            for urn, found in sorted(urns.items(), key=lambda pair: pair[1].name)
        ],
        total=paginator.count,
        pagination=page_links(page.number, paginator.num_pages, base),
        today=today,
    )


def _next_tasks(case_ids: list[int]) -> dict[int, CaseTask]:
    found: dict[int, CaseTask] = {}
    tasks = CaseTask.objects.filter(case_id__in=case_ids, status=CaseTask.Status.OPEN).order_by(
        "due_on", "id"
    )
    for task in tasks:
        current = found.get(task.case_id)
        if current is None or (current.due_on is None and task.due_on is not None):
            found[task.case_id] = task
    return found


def _line(
    may_open: bool,
    row: ChildWork,
    pupil: Pupil,
    school: School,
    case: Case | None,
    task: CaseTask | None,
    show_welfare: bool,
    today: dt.date,
) -> WorklistLine:
    by_kind: dict[str, list[tuple[dt.date, int, bool]]] = {}
    for kind, met_on, item_id, provisional in row.kinds:
        by_kind.setdefault(kind, []).append((met_on, item_id, provisional))
    triggers = []
    profile = load_profile(school.effective_policy_profile)
    for kind, found in by_kind.items():
        met_on, item_id, provisional = max(found)
        own = profile.triggers.attendance.get(kind.partition(":")[2]) if ":" in kind else None
        triggers.append(
            Trigger(
                own.label if own is not None else kind_label(kind),
                met_on,
                len(found),
                reverse("analytics:worklist_item", args=[item_id]),
                provisional,
            )
        )
    triggers.sort(key=lambda trigger: trigger.met_on, reverse=True)
    if case is not None:
        stage = load_profile(case.profile_key).stage(case.stage_key).name
        case_text = f"{stage} ({case.owner.name})" if case.owner_school_id != school.pk else stage
        case_href: str | None = reverse("cases:detail", args=[case.pk])
        open_href = None
    else:
        case_text, case_href = "No case", None
        first_item = row.kinds[0][2] if row.kinds else None
        open_href = (
            reverse("cases:new")
            + "?"
            + urlencode({"school": school.urn, "pupil": pupil.pk, "item": first_item})
            if may_open and first_item
            else None
        )
    return WorklistLine(
        child=pupil.display_name,
        upn=pupil.upn,
        pupil_href=reverse("analytics:pupil", args=[pupil.upn]),
        school=school.name,
        flags=_flags(pupil) if show_welfare else [],
        severe=row.severe,
        triggers=triggers,
        case_text=case_text,
        case_href=case_href,
        open_case_href=open_href,
        next_task=task.label if task else "",
        next_due=task.due_on if task else None,
        overdue=row.overdue,
        due_today=row.due_today,
        next_task_owner=task.owner_label if task else "",
    )


def page_links(number: int, pages: int, base: Mapping[str, str]) -> dict[str, object]:
    result: dict[str, object] = {}

    def href(page: int) -> str:
        return "?" + urlencode(dict(base) | {"page": str(page)})

    if number > 1:
        result["previous"] = {"href": href(number - 1)}
    if number < pages:
        result["next"] = {"href": href(number + 1)}
    if pages > 1:
        result["items"] = [
            {"number": page, "href": href(page), "current": page == number}
            for page in range(max(1, number - 3), min(pages, number + 3) + 1)
        ]
    return result
