"""Turn records into what the home page shows, so templates hold no logic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from rollcall.accounts.selectors import User, memberships_of, schools_visible_to
from rollcall.analytics.selectors import worklist_items
from rollcall.casework.selectors import case_tasks_due, follow_up_list, follow_up_schools
from rollcall.organisations.calendar import SchoolCalendar
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.selectors import (
    SEARCH_LIMIT,
    PupilFound,
    on_roll,
    on_roll_on,
    pupils_matching,
)
from rollcall.registers.selectors import (
    OFFICE_ROLES,
    n_codes_outstanding,
    register_states,
    schools_staffed_by,
)
from rollcall.web.pupil_links import RecordLink, pupil_record_links


@dataclass(frozen=True)
class SchoolRow:
    name: str
    urn: str
    phase: str
    kind: str
    trust: str
    on_roll: int


@dataclass(frozen=True)
class ToDo:
    """One kind of work waiting, with how much and where to do it."""

    count: int
    text: str
    href: str
    urgent: str = ""  # e.g. "12 overdue"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _on(day: dt.date, today: dt.date) -> str:
    return "today" if day == today else f"on {day:%A} {day.day} {day:%B}"


def _at(school: School, several: bool) -> str:
    return f" at {school.name}" if several else ""


def things_to_do(*, user: User, now: dt.datetime) -> list[ToDo]:
    """What is waiting for the user now: registers not yet taken at their schools (sessions
    whose register has opened), N codes to replace, today's absences not yet followed up, case
    tasks due, and open worklist items."""
    today = now.date()
    items: list[ToDo] = []
    calendars: dict[int, SchoolCalendar] = {}

    def calendar_of(school: School) -> SchoolCalendar:
        # Each school's calendar is read once, whichever kinds of work ask for it.
        if school.pk not in calendars:
            calendars[school.pk] = school_calendar(school=school)
        return calendars[school.pk]

    staffed = list(schools_staffed_by(user=user))
    for school in staffed:
        calendar = calendar_of(school)
        # On a day the school does not meet, the latest school day's registers are the ones
        # still to finish.
        day = calendar.latest_school_day(today) or today
        times = (("AM", school.am_register_opens), ("PM", school.pm_register_opens))
        opened = [s for s, opens in times if day < today or now.time() >= opens]
        states = register_states(school=school, calendar=calendar, day=day)
        missing = sum(1 for g in states for s in opened if g.states[s].missing)
        if missing:
            items.append(
                ToDo(
                    missing,
                    f"{_plural(missing, 'register', 'registers')} not taken {_on(day, today)}"
                    + _at(school, len(staffed) > 1),
                    reverse("registers:missing") + f"?date={day.isoformat()}",
                )
            )
    office = list(schools_staffed_by(user=user, roles=OFFICE_ROLES))
    for school in office:
        calendar = calendar_of(school)
        outstanding = n_codes_outstanding(school=school, calendar=calendar, today=today)
        if outstanding:
            overdue = sum(1 for row in outstanding if row.overdue)
            items.append(
                ToDo(
                    len(outstanding),
                    f"{_plural(len(outstanding), 'N code', 'N codes')} to replace"
                    + _at(school, len(office) > 1),
                    reverse("registers:n_codes") + f"?school={school.urn}",
                    urgent=f"{overdue:,} overdue" if overdue else "",
                )
            )
    chasing = list(follow_up_schools(user=user))
    for school in chasing:
        day = calendar_of(school).latest_school_day(today) or today
        waiting = [
            row for row in follow_up_list(school=school, day=day, today=today) if not row.contacts
        ]
        if waiting:
            first = sum(1 for row in waiting if row.chase_first)
            items.append(
                ToDo(
                    len(waiting),
                    f"{_plural(len(waiting), 'pupil', 'pupils')} absent {_on(day, today)} with "
                    "no contact recorded" + _at(school, len(chasing) > 1),
                    reverse("casework:follow_up") + f"?date={day.isoformat()}",
                    urgent=f"{first:,} to chase first" if first else "",
                )
            )
    due = case_tasks_due(user=user, today=today)
    if due.due:
        items.append(
            ToDo(
                due.due,
                f"{_plural(due.due, 'case task', 'case tasks')} due by today",
                reverse("cases:index") + ("?overdue=1" if due.overdue else ""),
                urgent=f"{due.overdue:,} overdue" if due.overdue else "",
            )
        )
    open_items = worklist_items(user=user).count()
    if open_items:
        items.append(
            ToDo(
                open_items,
                f"{_plural(open_items, 'worklist item', 'worklist items')} waiting for action",
                reverse("analytics:worklist"),
            )
        )
    return items


@dataclass(frozen=True)
class HomePage:
    greeting: str
    roles: list[str]
    heading: str
    schools: list[SchoolRow]
    total_on_roll: int
    to_do: list[ToDo] = field(default_factory=list)


def home_page(*, user: User, now: dt.datetime) -> HomePage:
    today = now.date()
    memberships = list(memberships_of(user=user))
    roles = [f"{m.get_role_display()}, {m.organisation}" for m in memberships]
    on_roll = on_roll_on(today, through="enrolments__")
    schools = (
        schools_visible_to(user=user)
        .annotate(on_roll=Count("enrolments", filter=on_roll))
        .order_by("name")
    )
    rows = [
        SchoolRow(
            name=s.name,
            urn=s.urn,
            phase=s.get_phase_display(),
            kind=s.get_kind_display(),
            trust=s.trust.name if s.trust else "",
            on_roll=s.on_roll,
        )
        for s in schools
    ]
    if len(rows) == 1:
        heading = rows[0].name
    elif memberships and memberships[0].trust_id:
        heading = f"{memberships[0].organisation}: {len(rows)} academies"
    elif memberships and memberships[0].local_authority_id:
        heading = f"{memberships[0].organisation}: {len(rows)} schools"
    else:
        heading = "Your schools"
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return HomePage(
        greeting=name or user.get_username(),
        roles=roles,
        heading=heading,
        schools=rows,
        total_on_roll=sum(r.on_roll for r in rows),
        to_do=things_to_do(user=user, now=now),
    )


@dataclass(frozen=True)
class FoundRow:
    name: str
    upn: str
    date_of_birth: str
    school: str
    links: list[RecordLink]


@dataclass(frozen=True)
class SearchPage:
    query: str
    caption: str
    rows: list[FoundRow]


def _school_line(found: PupilFound, today: dt.date) -> str:
    if not found.enrolments:
        return ""
    latest = found.enrolments[0]
    if on_roll(latest, today):
        group = latest.registration_group.name if latest.registration_group else ""
        return f"{latest.school.name}" + (f", {group}" if group else "")
    left = f", left {latest.left_on:%-d %B %Y}" if latest.left_on else ""
    return f"{latest.school.name}{left}"


def search_page(*, user: User, query: str, today: dt.date) -> SearchPage:
    query = " ".join(query.split())[:100]
    found = pupils_matching(user=user, query=query)
    rows = [
        FoundRow(
            name=f.pupil.display_name,
            upn=f.pupil.upn,
            date_of_birth=f"{f.pupil.date_of_birth:%-d %B %Y}",
            school=_school_line(f, today),
            links=pupil_record_links(
                user=user, pupil=f.pupil, school=f.enrolments[0].school if f.enrolments else None
            ),
        )
        for f in found
    ]
    count = len(rows)
    quoted = f"\N{LEFT SINGLE QUOTATION MARK}{query}\N{RIGHT SINGLE QUOTATION MARK}"
    caption = f"{count} pupil{'s' if count != 1 else ''} matching {quoted}"
    if count >= SEARCH_LIMIT:
        caption = f"The first {SEARCH_LIMIT} pupils matching {quoted}: add to the name to narrow it"
    return SearchPage(query=query, caption=caption, rows=rows)
