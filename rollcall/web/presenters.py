"""Turn records into what the home page shows, so templates hold no logic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from rollcall.accounts.selectors import memberships_of, schools_visible_to


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
