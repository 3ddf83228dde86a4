"""Turn records into what the home page shows, so templates hold no logic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from rollcall.accounts.selectors import User, memberships_of, schools_visible_to
from rollcall.pupils.selectors import SEARCH_LIMIT, PupilFound, on_roll, pupils_matching
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
class HomePage:
    greeting: str
    roles: list[str]
    heading: str
    schools: list[SchoolRow]
    total_on_roll: int


def home_page(*, user: AbstractBaseUser, today: dt.date) -> HomePage:
    memberships = list(memberships_of(user=user))
    roles = [f"{m.get_role_display()}, {m.organisation}" for m in memberships]
    on_roll = Q(enrolments__admitted_on__lte=today) & (
        Q(enrolments__left_on__isnull=True) | Q(enrolments__left_on__gte=today)
    )
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
