"""Load a demo world into rollcall through the same services every other write uses."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction

from rollcall.accounts.models import Role
from rollcall.accounts.services import membership_add, user_create
from rollcall.demo import names
from rollcall.demo.marks import CORRECTION_REASONS, world_marks
from rollcall.demo.world import World
from rollcall.organisations.models import Closure, LocalAuthority, RegistrationGroup, School, Trust
from rollcall.organisations.services import (
    closure_create,
    local_authority_create,
    registration_group_create,
    school_create,
    term_create,
    trust_create,
)
from rollcall.pupils.models import Enrolment, Family, Pupil
from rollcall.pupils.services import (
    carer_create,
    carer_link_create,
    enrolment_create,
    family_create,
    pupil_create,
)
from rollcall.registers.models import WEEKDAY_SESSION_FIELDS, WEEKDAYS, Mark
from rollcall.registers.services import (
    AmendmentInput,
    MarkInput,
    marks_bulk_amend,
    marks_bulk_record,
)
from rollcall.registers.services.arrangements import (
    other_school_sessions_set,
    part_time_timetable_save,
)

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    organisation: str


@dataclass(frozen=True)
class DemoSummary:
    schools: int
    pupils: int
    marks: int
    amendments: int
    password: str
    accounts: list[DemoAccount]


Progress = Callable[[str], None]


def load_world(
    world: World, *, profile: str | None = None, progress: Progress = lambda message: None
) -> DemoSummary:
    """Load the world; with `profile`, the LA and every trust run under that policy profile."""
    with transaction.atomic():
        la = local_authority_create(
            actor=None, code=world.la_code, name=world.la_name, policy_profile=profile or "national"
        )
        trusts = {
            t.key: trust_create(actor=None, name=t.name, policy_profile=profile or t.policy_profile)
            for t in world.trusts
        }
        schools = _load_schools(world, la, trusts)
        progress(f"{len(schools)} schools with their term dates and closures")
        pupils = _load_families(world)
        _load_enrolments(world, schools, pupils)
        progress(f"{len(pupils)} pupils in {len(world.families)} families")
        part_time, dual = _load_arrangements(world, schools)
        progress(f"{part_time} part-time timetables and {dual} dual-registration patterns")
        marks, amendments = _load_marks(world, schools, progress)
        password, accounts = _load_accounts(la, trusts, schools)
    return DemoSummary(
        schools=len(schools),
        pupils=len(pupils),
        marks=marks,
        amendments=amendments,
        password=password,
        accounts=accounts,
    )


class _Address(TypedDict):
    address_line_1: str
    town: str
    postcode: str


def _made_up_address(urn: str) -> _Address:
    """A school's address in the made-up town of Hartwell (postcode area HW), from its URN."""
    number = int(urn)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return _Address(
        address_line_1=f"{number % 97 + 1} {names.STREETS[number % len(names.STREETS)]}",
        town="Hartwell",
        postcode=f"HW{number % 5 + 1} {number % 9 + 1}{letters[number % 20]}"
        f"{letters[number // 20 % 20]}",
    )


class _Head(TypedDict):
    headteacher_title: str
    headteacher_forename: str
    headteacher_surname: str
    email: str


def _made_up_head(urn: str, name: str) -> _Head:
    """A school's made-up headteacher, from its URN, and an address for letters on the
    reserved .example domain, so letters to the school can be shown in the demo."""
    number = int(urn)
    female = number % 2 == 0
    forenames = names.FEMALE_FORENAMES if female else names.MALE_FORENAMES
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    return _Head(
        headteacher_title="Mrs" if female else "Mr",
        headteacher_forename=forenames[number % len(forenames)],
        headteacher_surname=names.SURNAMES[number * 7 % len(names.SURNAMES)],
        email=f"office@{'-'.join(words[:3])}.hartwell.example",
    )


def _load_schools(world: World, la: LocalAuthority, trusts: dict[str, Trust]) -> dict[str, School]:
    schools: dict[str, School] = {}
    for spec in world.schools:
        school = school_create(
            actor=None,
            urn=spec.urn,
            name=spec.name,
            local_authority=la,
            establishment_number=spec.establishment_number,
            phase=spec.phase,
            kind=spec.kind,
            trust=trusts[spec.trust_key] if spec.trust_key else None,
            **_made_up_address(spec.urn),
            **_made_up_head(spec.urn, spec.name),
            on=world.dates.today,
        )
        for term in world.dates.all_terms:
            term_create(
                actor=None,
                school=school,
                name=term.name,
                starts_on=term.starts_on,
                ends_on=term.ends_on,
            )
        for day in spec.inset_days(world.dates):
            closure_create(
                actor=None, school=school, starts_on=day, ends_on=day, reason=Closure.Reason.INSET
            )
        emergency = spec.emergency_closure_on(world.dates)
        if emergency:
            closure_create(
                actor=None,
                school=school,
                starts_on=emergency,
                ends_on=emergency,
                reason=Closure.Reason.EMERGENCY,
                note="Heating failure: the whole site closed at short notice",
            )
        schools[spec.key] = school
    return schools


def _load_families(world: World) -> dict[str, Pupil]:
    pupils: dict[str, Pupil] = {}
    for spec in world.families:
        family = family_create(
            actor=None,
            reference=spec.reference,
            address_line_1=spec.address_line_1,
            town="Hartwell",
            postcode=spec.postcode,
        )
        carers = []
        for carer_spec in spec.carers:
            lives_with = carer_spec.lives_with_pupil
            carers.append(
                (
                    carer_spec,
                    carer_create(
                        actor=None,
                        title=carer_spec.title,
                        forename=carer_spec.forename,
                        surname=carer_spec.surname,
                        family=family if lives_with else None,
                        address_line_1=spec.address_line_1 if lives_with else "",
                        town="Hartwell",
                        postcode=spec.postcode if lives_with else "",
                        mobile_phone=carer_spec.mobile_phone,
                        email=carer_spec.email,
                        email_letters_consent_on=carer_spec.email_consent_on,
                        email_letters_consent_evidence=(
                            "Signed consent form on file" if carer_spec.email_consent_on else ""
                        ),
                    ),
                )
            )
        for child in spec.children:
            pupil = _pupil_create(child, family)
            pupils[child.upn] = pupil
            for priority, (carer_spec, carer) in enumerate(carers, start=1):
                carer_link_create(
                    actor=None,
                    pupil=pupil,
                    carer=carer,
                    relationship=carer_spec.relationship,
                    parental_responsibility=carer_spec.parental_responsibility,
                    lives_with_pupil=carer_spec.lives_with_pupil,
                    contact_priority=priority,
                )
    return pupils


def _pupil_create(child, family: Family) -> Pupil:
    return pupil_create(
        actor=None,
        upn=child.upn,
        legal_forename=child.forename,
        legal_surname=child.surname,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        sen_provision=child.sen_provision,
        free_school_meals=child.free_school_meals,
        english_additional_language=child.english_additional_language,
        looked_after=child.looked_after,
        child_in_need=child.child_in_need,
        child_protection_plan=child.child_protection_plan,
        young_carer=child.young_carer,
        social_worker_name=child.social_worker_name,
        social_worker_contact="01632 960000" if child.social_worker_name else "",
        family=family,
    )


def _load_enrolments(world: World, schools: dict[str, School], pupils: dict[str, Pupil]) -> None:
    groups: dict[tuple[str, str], RegistrationGroup] = {}
    for spec in sorted(world.enrolments, key=lambda e: (e.school_key, e.group_name)):
        key = (spec.school_key, spec.group_name)
        if key not in groups:
            year = spec.group_name.rstrip("AB") if spec.group_name != "Main" else ""
            groups[key] = registration_group_create(
                actor=None, school=schools[spec.school_key], name=spec.group_name, year_group=year
            )
    for spec in sorted(world.enrolments, key=lambda e: e.admitted_on):
        enrolment_create(
            actor=None,
            pupil=pupils[spec.upn],
            school=schools[spec.school_key],
            admitted_on=spec.admitted_on,
            left_on=spec.left_on,
            leaving_reason=spec.leaving_reason,
            registration=spec.registration,
            year_group=spec.year_group,
            registration_group=groups[(spec.school_key, spec.group_name)],
        )


def _load_arrangements(world: World, schools: dict[str, School]) -> tuple[int, int]:
    """The agreements behind the C2 and D marks the generator writes: part-time timetables
    (afternoons) and the weekdays dual-registered pupils spend at the other school."""
    afternoons = [name for name in WEEKDAY_SESSION_FIELDS if name.endswith("_pm")]
    part_time = 0
    for family in world.families:
        for child in family.children:
            profile = child.profile
            if not (profile.part_time_from and profile.part_time_to):
                continue
            for enrolment in Enrolment.objects.filter(
                pupil__upn=child.upn, admitted_on__lte=profile.part_time_to
            ).exclude(left_on__lt=profile.part_time_from):
                starts = max(profile.part_time_from, enrolment.admitted_on)
                ends = min(profile.part_time_to, enrolment.left_on or profile.part_time_to)
                part_time_timetable_save(
                    actor=None,
                    enrolment=enrolment,
                    starts_on=starts,
                    ends_on=ends,
                    excluded_sessions=afternoons,
                    note="Agreed with the family after a managed return; reviewed fortnightly.",
                )
                part_time += 1
    dual = 0
    for upn, weekdays in world.dual_days.items():
        enrolments = list(
            Enrolment.objects.filter(pupil__upn=upn, registration__in=("M", "S")).select_related(
                "school"
            )
        )
        for enrolment in enrolments:
            other = next(e for e in enrolments if e.school_id != enrolment.school_id)
            # The main school (M) marks D on the days at the other school; the subsidiary
            # school (S) on every other weekday.
            days = {
                day
                for number, day in enumerate(WEEKDAYS)
                if (number in weekdays) == (enrolment.registration == "M")
            }
            other_school_sessions_set(
                actor=None,
                enrolment=enrolment,
                other_school=other.school.name,
                sessions=[f"{day}_{half}" for day in sorted(days) for half in ("am", "pm")],
            )
            dual += 1
    return part_time, dual


@functools.lru_cache(maxsize=8192)
def _session_time(
    day: dt.date, is_pm: bool, days_later: int = 0, hour: int | None = None
) -> dt.datetime:
    return dt.datetime.combine(
        day + dt.timedelta(days=days_later),
        dt.time(hour if hour is not None else (13 if is_pm else 8), 50),
        tzinfo=LONDON,
    )


def _load_marks(world: World, schools: dict[str, School], progress: Progress) -> tuple[int, int]:
    by_school: dict[str, list[MarkInput]] = {}
    corrections: dict[str, list[AmendmentInput]] = {}
    for em in world_marks(world):
        dates = em.dates.astype(dt.date)
        changed = np.flatnonzero(em.codes != em.original)
        inputs = by_school.setdefault(em.school_key, [])
        for day, is_pm, code in zip(dates, em.is_pm.tolist(), em.original.tolist(), strict=True):
            inputs.append(
                MarkInput(
                    upn=em.upn,
                    date=day,
                    session="PM" if is_pm else "AM",
                    code=code,
                    recorded_at=_session_time(day, is_pm),
                )
            )
        for index in changed.tolist():
            day, is_pm, code = dates[index], bool(em.is_pm[index]), str(em.codes[index])
            # The office corrects an N a day or three later, and never after the load date.
            later = min(1 + index % 3, (world.dates.today - day).days)
            corrections.setdefault(em.school_key, []).append(
                AmendmentInput(
                    upn=em.upn,
                    date=day,
                    session="PM" if is_pm else "AM",
                    new_code=code,
                    reason=CORRECTION_REASONS.get(code, "Reason established by the office"),
                    amended_at=_session_time(
                        day, is_pm, days_later=later, hour=10 if later else 16
                    ),
                )
            )
    total = amended = 0
    for key, inputs in by_school.items():
        result = marks_bulk_record(
            actor=None, school=schools[key], marks=inputs, source=Mark.Source.DEMO
        )
        total += result.created
        amended += marks_bulk_amend(
            actor=None, school=schools[key], amendments=corrections.get(key, [])
        )
        progress(f"{schools[key].name}: {result.created:,} marks")
    return total, amended


DEMO_USERS = (
    ("teacher", "Sam", "Okafor", Role.TEACHER, "school:hartwell-primary"),
    ("officer", "Priya", "Shah", Role.ATTENDANCE_OFFICER, "school:hartwell-high"),
    ("head", "Helen", "Marsh", Role.HEADTEACHER, "school:castle-hill"),
    ("trustlead", "Daniel", "Fletcher", Role.TRUST_LEAD, "trust:ndet"),
    ("laofficer", "Grace", "Mensah", Role.LA_OFFICER, "la"),
    ("lasupport", "Tom", "Pearce", Role.LA_BUSINESS_SUPPORT, "la"),
    ("analyst", "Aisha", "Rahman", Role.LA_ANALYST, "la"),
)


def _load_accounts(
    la: LocalAuthority, trusts: dict[str, Trust], schools: dict[str, School]
) -> tuple[str, list[DemoAccount]]:
    password = secrets.token_urlsafe(9)
    accounts = []
    admin = user_create(
        actor=None,
        username="admin",
        password=password,
        first_name="Rollcall",
        last_name="Administrator",
        is_superuser=True,
    )
    membership_add(actor=None, user=admin, role=Role.LA_OFFICER, local_authority=la)
    accounts.append(DemoAccount("admin", "Rollcall Administrator", "Administrator", la.name))
    for username, first, last, role, where in DEMO_USERS:
        user = user_create(
            actor=None, username=username, password=password, first_name=first, last_name=last
        )
        kind, _, key = where.partition(":")
        school = schools[key] if kind == "school" else None
        trust = trusts[key] if kind == "trust" else None
        membership = membership_add(
            actor=None,
            user=user,
            role=role,
            school=school,
            trust=trust,
            local_authority=la if kind == "la" else None,
        )
        accounts.append(
            DemoAccount(username, f"{first} {last}", Role(role).label, str(membership.organisation))
        )
    return password, accounts
