"""Reads for the family on a case: the child's parents in the Education Act's sense, what each
school the user works with has recorded of its contacts with them, the consent each parent and
agency gave to share information, and the child's brothers and sisters, so that decisions about
one family stay consistent (ESX 'Pre-referral evidence/"Support First" - Revised
expectations': siblings on roll at another school; what is happening for them?).

A brother or sister at a school whose records the user may not read is only glimpsed
(`SiblingGlimpse`): that they exist, at which school, whether they have an open case and at
which stage, and whether they are persistently absent — no name, no figure, no link, no
contacts (UK GDPR Art. 5(1)(c), data minimisation). The glimpse is all this module returns for
them, so no page can show more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from rollcall import statutory
from rollcall.accounts.selectors import User, pupils_visible_to, schools_visible_to
from rollcall.casework.models import Case, CaseConsent, ChronologyEntry
from rollcall.casework.selectors import case_figures, cases_visible_to
from rollcall.organisations.models import LocalAuthority, School
from rollcall.policies import load_profile
from rollcall.pupils.models import CarerLink, Enrolment, Pupil
from rollcall.pupils.selectors import on_roll_on

# EA96 s576(1): "parent" includes any person who is not a parent of the child but has
# parental responsibility for, or care of, the child; natural parents are parents whether or
# not they have parental responsibility or live with the child (SEF §2.2; MAT §1).
NATURAL_PARENTS = (CarerLink.Relationship.MOTHER, CarerLink.Relationship.FATHER)
CONTACTS_SHOWN = 50


def parent_condition(through: str = "") -> Q:
    """The condition that a carer link makes the adult the child's parent (EA96 s576).
    `through` reaches the link from another model, e.g. "carer_links__" from a pupil."""
    return (
        Q(**{f"{through}relationship__in": NATURAL_PARENTS})
        | Q(**{f"{through}parental_responsibility": True})
        | Q(**{f"{through}lives_with_pupil": True})
    )


def parent_basis(link: CarerLink) -> list[str]:
    """Why the adult is the child's parent, in words; empty when they are not one."""
    basis = []
    if link.relationship in NATURAL_PARENTS:
        basis.append(f"{link.get_relationship_display()}")
    if link.parental_responsibility:
        basis.append("has parental responsibility")
    if link.lives_with_pupil:
        basis.append("has care of the child (lives with them)")
    return basis


def carer_links_of(*, pupil: Pupil) -> list[CarerLink]:
    return list(
        CarerLink.objects.filter(pupil=pupil)
        .select_related("carer")
        .order_by("contact_priority", "id")
    )


def parent_links(*, pupil: Pupil) -> list[CarerLink]:
    """The child's parents (EA96 s576), first contact first."""
    return [link for link in carer_links_of(pupil=pupil) if parent_basis(link)]


def parent_link_for(*, pupil: Pupil, carer_id: int) -> CarerLink | None:
    return next((link for link in parent_links(pupil=pupil) if link.carer_id == carer_id), None)


def carer_contacts(*, user: User, carer_ids: Iterable[int]) -> dict[int, list[ChronologyEntry]]:
    """Each carer's contacts recorded by the schools the user may see (a school its own, a
    trust its academies', the LA every school's in its area), about any child, newest first,
    at most `CONTACTS_SHOWN` each."""
    found: dict[int, list[ChronologyEntry]] = {pk: [] for pk in carer_ids}
    entries = (
        ChronologyEntry.objects.filter(
            carer_id__in=list(found), school__in=schools_visible_to(user=user)
        )
        .select_related("school", "pupil")
        .order_by("-occurred_at", "-id")
    )
    for entry in entries:
        shown = found[entry.carer_id]  # type: ignore[index]
        if len(shown) < CONTACTS_SHOWN:
            shown.append(entry)
    return found


def case_consents(*, case: Case) -> list[CaseConsent]:
    """Every consent decision on the case, newest first."""
    return list(
        CaseConsent.objects.filter(case=case)
        .select_related("carer")
        .order_by("-decided_on", "-recorded_at", "-id")
    )


def consent_party(consent: CaseConsent) -> tuple[str, str]:
    """Who decided: ("carer", id) or ("agency", name folded), so later decisions replace
    earlier ones of the same parent or agency."""
    if consent.carer_id is not None:
        return ("carer", str(consent.carer_id))
    return ("agency", " ".join(consent.agency.split()).casefold())


def consent_standing(consents: Iterable[CaseConsent]) -> list[CaseConsent]:
    """Where each parent and agency stands now: their latest decision."""
    latest: dict[tuple[str, str], CaseConsent] = {}
    for consent in sorted(consents, key=lambda c: (c.decided_on, c.recorded_at, c.pk)):
        latest[consent_party(consent)] = consent
    return sorted(latest.values(), key=lambda c: c.party_label.casefold())


# ---------------------------------------------------------------------- brothers and sisters


@dataclass(frozen=True)
class SiblingCase:
    stage: str
    run_by: str
    case_id: int | None  # None where the user may not open it


@dataclass(frozen=True)
class SiblingSeen:
    """A brother or sister at a school whose records the user may read."""

    pupil: Pupil
    school: School | None  # None: on roll at no school today
    related: str
    attendance_pct: float | None  # this school year at that school; None: no sessions yet
    persistent: bool | None
    cases: list[SiblingCase]


@dataclass(frozen=True)
class SiblingGlimpse:
    """A brother or sister at another school: only what it must share."""

    school_name: str
    related: str
    open_case_stages: list[str]
    persistent: bool | None  # attendance at or below the persistent-absence line; None: no data


def persistent_line(on: dt.date) -> float:
    """The attendance % at or below which a child is persistently absent on `on` (DFE-STATS:
    missing 10 % or more of possible sessions)."""
    measures = statutory.on(on).absence
    return 100.0 - float(measures.persistent_percent) if measures else 90.0


def sibling_pupils(*, pupil: Pupil) -> QuerySet[Pupil]:
    """Children in the same family, or with a parent (EA96 s576) in common with the child."""
    parents = [link.carer_id for link in parent_links(pupil=pupil)]
    condition = Q(pk__in=[])
    if pupil.family_id:
        condition |= Q(family_id=pupil.family_id)
    if parents:
        condition |= Q(
            Q(carer_links__carer_id__in=parents) & parent_condition("carer_links__"),
        )
    return Pupil.objects.filter(condition).exclude(pk=pupil.pk).distinct()


def _related(pupil: Pupil, sibling: Pupil, shared: dict[int, list[str]]) -> str:
    parts = []
    if pupil.family_id and sibling.family_id == pupil.family_id:
        parts.append("Same family")
    if shared.get(sibling.pk):
        parts.append("Shares a parent: " + ", ".join(shared[sibling.pk]))
    return "; ".join(parts)


def case_siblings(*, user: User, case: Case, on: dt.date) -> list[SiblingSeen | SiblingGlimpse]:
    """The child's brothers and sisters, one row for each school they are on roll at on `on`
    (and one for a child on roll nowhere): in full where the user may read that school's
    records, as a glimpse elsewhere."""
    pupil = case.pupil
    siblings = list(sibling_pupils(pupil=pupil).order_by("date_of_birth", "pk"))
    if not siblings:
        return []
    ids = [s.pk for s in siblings]
    parents = {link.carer_id: link.carer.full_name for link in parent_links(pupil=pupil)}
    shared: dict[int, list[str]] = {}
    for link in CarerLink.objects.filter(
        parent_condition(), pupil_id__in=ids, carer_id__in=list(parents)
    ).order_by("carer_id"):
        shared.setdefault(link.pupil_id, []).append(parents[link.carer_id])
    enrolments: dict[int, list[Enrolment]] = {}
    for enrolment in (
        Enrolment.objects.filter(on_roll_on(on), pupil_id__in=ids)
        .select_related("school")
        .order_by("admitted_on", "pk")
    ):
        enrolments.setdefault(enrolment.pupil_id, []).append(enrolment)
    visible_schools = set(schools_visible_to(user=user).values_list("pk", flat=True))
    visible_pupils = set(
        pupils_visible_to(user=user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    readable_cases = set(
        cases_visible_to(user=user).filter(pupil_id__in=ids).values_list("pk", flat=True)
    )
    active: dict[int, list[Case]] = {}
    for sibling_case in (
        Case.objects.filter(pupil_id__in=ids)
        .exclude(status=Case.Status.CLOSED)
        .select_related("school", "owner_school", "owner_trust", "owner_local_authority")
        .order_by("opened_at", "pk")
    ):
        active.setdefault(sibling_case.pupil_id, []).append(sibling_case)
    rows: list[SiblingSeen | SiblingGlimpse] = []
    for sibling in siblings:
        related = _related(pupil, sibling, shared)
        cases = active.get(sibling.pk, [])
        schools: list[School | None] = [e.school for e in enrolments.get(sibling.pk, [])]
        for index, school in enumerate(schools or [None]):
            # Each school's row shows the cases at that school; the first also any case at a
            # school the child is no longer on roll at.
            here = [
                c
                for c in cases
                if school is None
                or c.school_id == school.pk
                or (index == 0 and c.school not in schools)
            ]
            seen = (
                school.pk in visible_schools if school is not None else sibling.pk in visible_pupils
            )
            figures = (
                case_figures(pupil=sibling, school=school, on=on) if school is not None else {}
            )
            possible = figures.get("possible") or 0
            persistent = bool(figures.get("persistent")) if possible else None
            if seen:
                rows.append(
                    SiblingSeen(
                        pupil=sibling,
                        school=school,
                        related=related,
                        attendance_pct=figures.get("attendance_pct") if possible else None,  # type: ignore[arg-type]
                        persistent=persistent,
                        cases=[
                            SiblingCase(
                                stage=_stage_name(c),
                                run_by=c.owner.name,
                                case_id=c.pk if c.pk in readable_cases else None,
                            )
                            for c in here
                        ],
                    )
                )
            else:
                rows.append(
                    SiblingGlimpse(
                        school_name=school.name if school is not None else "",
                        related=related,
                        open_case_stages=[_stage_name(c) for c in here],
                        persistent=persistent,
                    )
                )
    return rows


def _stage_name(case: Case) -> str:
    try:
        return load_profile(case.profile_key).stage(case.stage_key).name
    except KeyError:
        return case.stage_key


def local_authorities() -> list[LocalAuthority]:
    """The authorities a case's home LA may be chosen from."""
    return list(LocalAuthority.objects.order_by("name"))
