"""Reads for the attendance pages and the worklist, each scoped to what the user may see.

Children's records are reached only through `schools_visible_to` and `pupils_visible_to`: a
school or pupil the user may not see is simply not found. The sweep's reads (at the end) are
rollcall's own, for the nightly job, and take no user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from django.db.models import Count, QuerySet

from rollcall.accounts.models import LA_ROLES, SCHOOL_ROLES, TRUST_ROLES, Role
from rollcall.accounts.selectors import User, memberships_of, schools_visible_to
from rollcall.analytics.characteristics import characteristics_frame
from rollcall.analytics.models import WorklistItem
from rollcall.engine.school_age import DatesOfBirth
from rollcall.organisations.models import School
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.selectors import on_roll_on
from rollcall.pupils.services import YEAR_GROUPS
from rollcall.statutory.years import school_year_start

# Who may mark a worklist item done: the school's office, who do the work it asks for.
WORKLIST_ROLES = frozenset({Role.ATTENDANCE_OFFICER, Role.HEADTEACHER})


# ----------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    schools: list[School]
    # "authority" or "trust" when the user has such a membership, else "school" (or "none").
    level: str

    @property
    def urns(self) -> list[str]:
        return [school.urn for school in self.schools]


def analytics_scope(*, user: User) -> Scope:
    schools = list(schools_visible_to(user=user).order_by("name"))
    roles = set(memberships_of(user=user).values_list("role", flat=True))
    if roles & set(LA_ROLES) or (getattr(user, "is_superuser", False) and schools):
        level = "authority"
    elif roles & set(TRUST_ROLES):
        level = "trust"
    elif roles & set(SCHOOL_ROLES):
        level = "school"
    else:
        level = "none"
    return Scope(schools=schools, level=level)


def pupil_enrolments(*, user: User, pupil: Pupil) -> list[Enrolment]:
    """The pupil's enrolments at schools the user may see, newest first."""
    return list(
        pupil.enrolments.filter(school__in=schools_visible_to(user=user))
        .select_related("school")
        .order_by("-admitted_on")
    )


def authority_urns(*, schools: Iterable[School]) -> list[str]:
    """Every school in the local authorities of these schools: the area a school or cohort is
    compared with. Only URNs, for totals; no child's record is read."""
    authorities = {school.local_authority_id for school in schools}
    return list(
        School.objects.filter(local_authority_id__in=authorities).values_list("urn", flat=True)
    )


def school_names(*, urns: Collection[str]) -> dict[str, str]:
    return dict(School.objects.filter(urn__in=list(urns)).values_list("urn", "name"))


# --------------------------------------------------------------------- pupils at a school


@dataclass(frozen=True)
class RosterPupil:
    upn: str
    name: str
    sort_name: str
    year_group: str
    sen_provision: str  # N, K or E
    free_school_meals: bool
    english_additional_language: bool
    looked_after: bool


def school_roster(*, user: User, school: School, on: dt.date) -> list[RosterPupil]:
    """Pupils on the school's roll on a date, if the user may see the school."""
    if not schools_visible_to(user=user).filter(pk=school.pk).exists():
        return []
    rows = (
        Enrolment.objects.filter(on_roll_on(on), school=school)
        .order_by("pupil__legal_surname", "pupil__legal_forename", "-admitted_on")
        .values_list(
            "pupil__upn",
            "pupil__preferred_forename",
            "pupil__legal_forename",
            "pupil__legal_surname",
            "year_group",
            "admitted_on",
            "pupil__sen_provision",
            "pupil__free_school_meals",
            "pupil__english_additional_language",
            "pupil__looked_after",
        )
    )
    roster: dict[str, RosterPupil] = {}
    for upn, preferred, forename, surname, year, admitted, sen, fsm, eal, lac in rows:
        if upn in roster:
            continue  # the latest enrolment stands for the pupil
        roster[upn] = RosterPupil(
            upn=upn,
            name=f"{preferred or forename} {surname}",  # as Pupil.display_name
            sort_name=f"{surname} {forename}".lower(),
            year_group=year_group_on(year, admitted, on),
            sen_provision=sen,
            free_school_meals=fsm,
            english_additional_language=eal,
            looked_after=lac,
        )
    return list(roster.values())


def year_group_on(year_group: str, admitted_on: dt.date, on: dt.date) -> str:
    """The year group in the school year holding `on`, for an enrolment that recorded the
    year group at admission: one year up for each school year since."""
    if year_group not in YEAR_GROUPS:
        return year_group
    years = _school_year(on) - _school_year(admitted_on)
    position = min(max(YEAR_GROUPS.index(year_group) + years, 0), len(YEAR_GROUPS) - 1)
    return YEAR_GROUPS[position]


@lru_cache(maxsize=4096)
def _school_year(day: dt.date) -> int:
    # A school's roster asks for every pupil's admission date: a few hundred distinct days.
    return school_year_start(day).year


# ------------------------------------------------------------------------------ cohorts

SEN_LABELS = dict(Pupil.SenProvision.choices)
SEX_LABELS = dict(Pupil.Sex.choices)


def cohort_characteristics(*, user: User, on: dt.date) -> pl.DataFrame:
    """characteristics, read as columns in one query (analytics.characteristics): the cohort
    page's road, for a local authority's 250,000 pupils."""
    school_ids = list(schools_visible_to(user=user).values_list("pk", flat=True))
    return characteristics_frame(school_ids=school_ids, on=on)


def visible_urns(*, user: User) -> list[str]:
    """The URNs of the schools whose pupils the user may see."""
    return list(schools_visible_to(user=user).values_list("urn", flat=True))


def characteristics(*, user: User, on: dt.date) -> pl.DataFrame:
    """One row per pupil and school the user may see, with the characteristics cohorts are
    built from (engine.cohorts.CHARACTERISTICS), as the labels people read. The careful twin
    of cohort_characteristics, row by row."""
    rows = (
        Enrolment.objects.filter(school__in=schools_visible_to(user=user), admitted_on__lte=on)
        .order_by("pupil_id", "school_id", "-admitted_on")
        .values_list(
            "pupil__upn",
            "school__urn",
            "school__trust__name",
            "year_group",
            "admitted_on",
            "pupil__sex",
            "pupil__sen_provision",
            "pupil__free_school_meals",
            "pupil__english_additional_language",
            "pupil__looked_after",
            "pupil__child_in_need",
        )
    )
    seen: set[tuple[str, str]] = set()
    columns: dict[str, list[str]] = {name: [] for name in FRAME_COLUMNS}
    for upn, urn, trust, year, admitted, sex, sen, fsm, eal, lac, cin in rows:
        if (upn, urn) in seen:
            continue  # the latest enrolment at each school stands for the pupil there
        seen.add((upn, urn))
        values = (
            upn,
            urn,
            trust or "No trust",
            year_group_on(year, admitted, on),
            SEX_LABELS.get(sex, sex),
            SEN_LABELS.get(sen, sen),
            _yes_no(fsm),
            _yes_no(eal),
            _yes_no(lac),
            _yes_no(cin),
        )
        for name, value in zip(FRAME_COLUMNS, values, strict=True):
            columns[name].append(value)
    return pl.DataFrame(columns, schema={name: pl.String for name in FRAME_COLUMNS})


FRAME_COLUMNS = (
    "upn",
    "school_urn",
    "trust",
    "year_group",
    "sex",
    "sen_provision",
    "free_school_meals",
    "english_additional_language",
    "looked_after",
    "child_in_need",
)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


# ----------------------------------------------------------------------------- worklist


def worklist_items(
    *,
    user: User,
    status: str = WorklistItem.Status.OPEN,
    urn: str | None = None,
    kind: str | None = None,
) -> QuerySet[WorklistItem]:
    """Items at schools the user may see, oldest trigger first."""
    items = WorklistItem.objects.filter(
        school__in=schools_visible_to(user=user), status=status
    ).select_related("school", "pupil")
    if urn:
        items = items.filter(school__urn=urn)
    if kind:
        items = items.filter(kind=kind)
    if status == WorklistItem.Status.DONE:
        return items.order_by("-done_at", "-id")
    return items.order_by("met_on", "created_at", "id")


def worklist_kinds(*, user: User, status: str, urn: str | None = None) -> dict[str, int]:
    """How many items of each kind, for the filter."""
    items = worklist_items(user=user, status=status, urn=urn)
    counts = items.order_by().values_list("kind").annotate(number=Count("id"))
    return dict(sorted(counts))


def worklist_item_for(*, user: User, item_id: int) -> WorklistItem | None:
    return (
        WorklistItem.objects.filter(pk=item_id, school__in=schools_visible_to(user=user))
        .select_related("school", "pupil", "done_by")
        .first()
    )


def may_complete(*, user: User, item: WorklistItem) -> bool:
    """Only the school's own office closes its items; trust and LA users read them."""
    return (
        memberships_of(user=user).filter(school_id=item.school_id, role__in=WORKLIST_ROLES).exists()
    )


def pupil_open_items(*, user: User, pupil: Pupil) -> list[WorklistItem]:
    return list(
        WorklistItem.objects.filter(
            pupil=pupil, school__in=schools_visible_to(user=user), status="open"
        )
        .select_related("school")
        .order_by("met_on", "id")
    )


# ------------------------------------------------------------- the sweep (rollcall itself)


@dataclass(frozen=True)
class SweepSchool:
    school: School
    profile_key: str


def sweep_schools() -> dict[str, SweepSchool]:
    """Every school, by URN, with the policy profile its triggers follow."""
    schools = School.objects.select_related("local_authority", "trust")
    return {s.urn: SweepSchool(s, s.effective_policy_profile) for s in schools}


def on_roll_pairs(*, on: dt.date) -> set[tuple[str, str]]:
    """(UPN, URN) of every enrolment current on a date: only pupils still on a school's roll
    become work for it."""
    return set(Enrolment.objects.filter(on_roll_on(on)).values_list("pupil__upn", "school__urn"))


# Keeps each IN list well inside every database's limit on query parameters.
CHUNK = 900


def _chunks(values: Collection[str] | Collection[int]) -> Iterable[list]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def pupils_by_upn(*, upns: Collection[str]) -> dict[str, Pupil]:
    found: dict[str, Pupil] = {}
    for chunk in _chunks(upns):
        found.update((p.upn, p) for p in Pupil.objects.filter(upn__in=chunk))
    return found


def existing_items(*, pupil_ids: Collection[int]) -> set[tuple[int, str, dt.date]]:
    """(pupil id, kind, met on) of every item, open or done, for these pupils."""
    found: set[tuple[int, str, dt.date]] = set()
    for chunk in _chunks(pupil_ids):
        found.update(
            WorklistItem.objects.filter(pupil_id__in=chunk).values_list(
                "pupil_id", "kind", "met_on"
            )
        )
    return found


def withdrawn_items(*, pupil_ids: Collection[int]) -> dict[tuple[int, str, dt.date], WorklistItem]:
    """Withdrawn items of these pupils by (pupil id, kind, met on), for the sweep to reopen
    any whose trigger holds again."""
    found: dict[tuple[int, str, dt.date], WorklistItem] = {}
    for chunk in _chunks(pupil_ids):
        items = (
            WorklistItem.objects.select_related("pupil", "school")
            .filter(pupil_id__in=chunk, status=WorklistItem.Status.WITHDRAWN)
            .select_for_update(of=("self",))
        )
        found.update(((item.pupil_id, item.kind, item.met_on), item) for item in items)
    return found


def open_threshold_items(*, since: dt.date, until: dt.date) -> list[WorklistItem]:
    """Open threshold items met from `since` to `until`, for the sweep to check again."""
    return list(
        WorklistItem.objects.select_related("pupil", "school")
        .filter(
            status=WorklistItem.Status.OPEN,
            kind__in=("national_threshold", "local_threshold"),
            met_on__gte=since,
            met_on__lte=until,
        )
        .select_for_update(of=("self",))
        .order_by("id")
    )


def dates_of_birth(*, upns: Collection[str]) -> DatesOfBirth:
    """Dates of birth by UPN, for totals that depend on age (DfE-comparable figures); no other
    part of the record is read."""
    found: dict[str, dt.date] = {}
    for chunk in _chunks(list(upns)):
        found.update(Pupil.objects.filter(upn__in=chunk).values_list("upn", "date_of_birth"))
    return DatesOfBirth(found)
