"""A CTF's previous schools: which rollcall knows, which it creates, and their calendars.

Worked out before anything is written (`ctf_plan`), so problems such as an unknown school or a
UPN with another date of birth refuse the file before any write. Decisions: docs/ctf.md and
docs/adr/0005-ctf-attendance-marks.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rollcall.core import clock
from rollcall.core.types import Actor
from rollcall.organisations.models import LocalAuthority, School
from rollcall.organisations.services import local_authority_create, school_create, term_create
from rollcall.pupils.models import Pupil
from rollcall.transfers.ctf.reader import CtfDocument, PupilData
from rollcall.transfers.inferred import session_runs, year_group_on
from rollcall.transfers.models import CtfSchool
from rollcall.transfers.problems import Problem

NOT_IMPORTED_OWN_REGISTERS = (
    "{where}: marks for {school} were not imported, because rollcall keeps that school's "
    "registers itself"
)


@dataclass
class CtfPlan:
    """What the import will do, worked out before anything is written."""

    document: CtfDocument
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Previous schools by LAESTAB: an existing School, or None when the header's source
    # school is to be created.
    previous: dict[str, School | None] = field(default_factory=dict)
    ctf_schools: set[str] = field(default_factory=set)  # LAESTABs whose marks are imported
    existing_pupils: dict[str, Pupil] = field(default_factory=dict)


def ctf_plan(document: CtfDocument, school: School) -> CtfPlan:
    plan = CtfPlan(document)
    destination = document.destination
    if destination is not None and (
        destination.laestab != school.laestab or (destination.urn and destination.urn != school.urn)
    ):
        plan.problems.append(
            Problem(
                "CTfile/Header/DestSchool",
                f"the CTF is addressed to LAESTAB {destination.laestab}"
                + (f" (URN {destination.urn})" if destination.urn else "")
                + f", not to {school.name} ({school.laestab}); import it at that school",
            )
        )
    ctf_school_ids = set(CtfSchool.objects.values_list("school_id", flat=True))
    source = document.source
    for pupil in document.pupils:
        for year in pupil.years:
            if year.laestab in plan.previous or not year.marks:
                continue
            known = School.objects.filter(
                local_authority__code=year.lea, establishment_number=year.estab
            ).first()
            if known is not None:
                plan.previous[year.laestab] = known
                if known.pk in ctf_school_ids:
                    plan.ctf_schools.add(year.laestab)
            elif year.laestab == source.laestab and source.urn:
                if School.objects.filter(urn=source.urn).exists():
                    plan.problems.append(
                        Problem(
                            "CTfile/Header/SourceSchool/URN",
                            f"URN {source.urn} belongs to a school rollcall holds with another "
                            f"LAESTAB than {source.laestab}",
                        )
                    )
                plan.previous[year.laestab] = None
                plan.ctf_schools.add(year.laestab)
            else:
                plan.problems.append(
                    Problem(
                        year.where,
                        f"is for LAESTAB {year.laestab}, a school rollcall does not know, and the "
                        "CTF header gives no URN for it; add the school in administration, "
                        "then import the file again",
                    )
                )
    for pupil in document.pupils:
        existing = Pupil.objects.filter(upn=pupil.upn).first()
        if existing is None:
            continue
        plan.existing_pupils[pupil.upn] = existing
        if existing.date_of_birth != pupil.date_of_birth:
            plan.problems.append(
                Problem(
                    pupil.where,
                    f"UPN {pupil.upn} is already in rollcall with date of birth "
                    f"{existing.date_of_birth:%-d %B %Y}, but the CTF gives "
                    f"{pupil.date_of_birth:%-d %B %Y}; check the UPN",
                )
            )
    for pupil in document.pupils:
        for year in pupil.years:
            known = plan.previous.get(year.laestab)
            if year.marks and known is not None and year.laestab not in plan.ctf_schools:
                plan.notes.append(NOT_IMPORTED_OWN_REGISTERS.format(where=year.where, school=known))
    return plan


def _phase_for(pupil: PupilData, day: dt.date) -> str:
    group = year_group_on(pupil.date_of_birth, day)
    primary = group in {"N1", "N2", "R", "1", "2", "3", "4", "5", "6"}
    return School.Phase.PRIMARY if primary else School.Phase.SECONDARY


def previous_schools_create(
    *, actor: Actor, plan: CtfPlan, name: str, today: dt.date, created: list[School]
) -> None:
    source = plan.document.source
    if source.laestab not in plan.previous or plan.previous[source.laestab] is not None:
        return  # the source school is already known, or none of its marks are imported
    first_pupil = next(
        p for p in plan.document.pupils if any(y.laestab == source.laestab for y in p.years)
    )
    first_day = min(
        m.date for y in first_pupil.years if y.laestab == source.laestab for _, m in y.marks
    )
    la = LocalAuthority.objects.filter(code=source.lea).first() or local_authority_create(
        actor=actor, code=source.lea, name=f"Local authority {source.lea}"
    )
    school = school_create(
        actor=actor,
        urn=source.urn,
        name=source.name or f"School {source.laestab}",
        local_authority=la,
        establishment_number=source.estab,
        phase=_phase_for(first_pupil, first_day),
        on=today,
    )
    CtfSchool.objects.create(school=school, first_file_name=name[:255], created_at=clock.now())
    plan.previous[source.laestab] = school
    created.append(school)


def previous_calendars_extend(*, actor: Actor, plan: CtfPlan) -> None:
    days: dict[str, set[dt.date]] = defaultdict(set)
    for pupil in plan.document.pupils:
        for year in pupil.years:
            if year.laestab in plan.ctf_schools:
                days[year.laestab].update(mark.date for _, mark in year.marks)
    for laestab, session_days in days.items():
        school = plan.previous[laestab]
        assert school is not None
        terms = list(school.terms.values_list("starts_on", "ends_on"))
        for start, end in session_runs(session_days, terms):
            term_create(
                actor=actor,
                school=school,
                name=f"Sessions from a CTF, {start:%-d %b %Y} to {end:%-d %b %Y}",
                starts_on=start,
                ends_on=end,
            )
