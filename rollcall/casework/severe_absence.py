"""The local authority's termly list of severely absent pupils: who they are, the services
involved and each plan to improve their attendance.

Hackney asks its schools at the end of each term for "all severely absent children ... with
details of which services are involved and a summary of the plan to improve their attendance"
(HAC "Severely absent children"); rollcall makes the list for the LA from the registers.
Severe absence is the DfE's (DFE-STATS): at least half of possible sessions missed, counted here
by `rollcall.engine.sessions` over the chosen period at each school the pupil is on roll at.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Min

from rollcall.accounts.models import Role
from rollcall.accounts.selectors import User, memberships_of
from rollcall.casework.models import Case, CaseTask
from rollcall.casework.selectors import cases_visible_to
from rollcall.engine.sessions import SessionFigures, session_figures, session_figures_by_code
from rollcall.organisations.models import LocalAuthority, School
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.selectors import WelfareFlags, on_roll_on, welfare_flags
from rollcall.registers.models import Mark
from rollcall.statutory.years import school_year_start, statistics_term

# Those who work cases for the LA and may take the list away.
LIST_ROLES = frozenset({Role.LA_OFFICER, Role.LA_BUSINESS_SUPPORT})


@dataclass(frozen=True)
class Period:
    name: str
    first: dt.date
    last: dt.date  # the last day counted: today while the period is still running


def severe_absence_period(kind: str, today: dt.date) -> Period:
    """'term' (this term so far), 'last_term' or 'year' (this school year so far)."""
    if kind == "year":
        first = school_year_start(today)
        return Period(f"School year {first.year} to {first.year + 1} so far", first, today)
    term = statistics_term(today)
    if kind == "last_term":
        previous = statistics_term(term.first - dt.timedelta(days=1))
        return Period(previous.name, previous.first, previous.last)
    return Period(f"{term.name} so far", term.first, min(today, term.last))


def list_authorities(*, user: User) -> list[LocalAuthority]:
    """The local authorities whose list the user may download."""
    found = {
        membership.local_authority_id: membership.local_authority
        for membership in memberships_of(user=user)
        if membership.local_authority is not None and membership.role in LIST_ROLES
    }
    return sorted(found.values(), key=lambda la: la.name)


@dataclass(frozen=True)
class SeverelyAbsent:
    pupil: Pupil
    school: School
    year_group: str
    figures: SessionFigures
    welfare: WelfareFlags
    cases: list[Case]  # active, the user may read them
    open_tasks: dict[int, list[CaseTask]]  # by case id, soonest due first


def _figures(
    groups: list[tuple[str, int, dt.date, dt.date]], pupil_id: int, school_id: int, period: Period
) -> SessionFigures:
    counted = session_figures_by_code(groups)
    if counted is not None:
        return counted
    marks = Mark.objects.filter(
        pupil_id=pupil_id, school_id=school_id, date__gte=period.first, date__lte=period.last
    ).values_list("date", "code")
    return session_figures(marks)


def severely_absent(
    *, user: User, local_authority: LocalAuthority, period: Period, today: dt.date
) -> list[SeverelyAbsent]:
    """Pupils on roll at the LA's schools on the period's last day whose attendance there over
    the period is severe absence, by school and name, with their welfare flags, active cases
    and each case's open tasks."""
    enrolments = {
        (enrolment.pupil_id, enrolment.school_id): enrolment
        for enrolment in Enrolment.objects.filter(
            on_roll_on(period.last), school__local_authority=local_authority
        ).only("pupil_id", "school_id", "year_group")
    }
    counted: dict[tuple[int, int], list[tuple[str, int, dt.date, dt.date]]] = defaultdict(list)
    rows = (
        Mark.objects.filter(
            school__local_authority=local_authority,
            date__gte=period.first,
            date__lte=period.last,
        )
        .values("pupil_id", "school_id", "code")
        .annotate(number=Count("id"), first=Min("date"), last=Max("date"))
        .values_list("pupil_id", "school_id", "code", "number", "first", "last")
        .order_by()
    )
    for pupil_id, school_id, code, number, first, last in rows:
        if (pupil_id, school_id) in enrolments:
            counted[(pupil_id, school_id)].append((code, number, first, last))
    severe = {
        key: figures
        for key, groups in counted.items()
        if (figures := _figures(groups, *key, period)).severe
    }
    if not severe:
        return []
    pupil_ids = {pupil_id for pupil_id, _ in severe}
    pupils = Pupil.objects.in_bulk(pupil_ids)
    schools = School.objects.in_bulk({school_id for _, school_id in severe})
    cases: dict[tuple[int, int], list[Case]] = defaultdict(list)
    for case in (
        cases_visible_to(user=user, on=today)
        .filter(pupil_id__in=pupil_ids)
        .exclude(status=Case.Status.CLOSED)
        .order_by("opened_at", "id")
    ):
        cases[(case.pupil_id, case.school_id)].append(case)
    tasks: dict[int, list[CaseTask]] = defaultdict(list)
    case_ids = [case.pk for found in cases.values() for case in found]
    for task in CaseTask.objects.filter(case_id__in=case_ids, status=CaseTask.Status.OPEN):
        tasks[task.case_id].append(task)
    lines = [
        SeverelyAbsent(
            pupil=pupils[pupil_id],
            school=schools[school_id],
            year_group=enrolments[(pupil_id, school_id)].year_group,
            figures=figures,
            welfare=welfare_flags(pupils[pupil_id]),
            cases=cases.get((pupil_id, school_id), []),
            open_tasks={
                case.pk: tasks.get(case.pk, []) for case in cases.get((pupil_id, school_id), [])
            },
        )
        for (pupil_id, school_id), figures in severe.items()
    ]
    lines.sort(
        key=lambda line: (line.school.name, line.pupil.legal_surname, line.pupil.legal_forename)
    )
    return lines
