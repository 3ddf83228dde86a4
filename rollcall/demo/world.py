"""A made-up local authority: schools, calendars, families, pupils and enrolments.

Everything here is plain data generated deterministically from a seed, with no database, so
the same world can be loaded into rollcall or written out as files for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from functools import lru_cache

from rollcall.demo import names
from rollcall.demo.terms import DemoDates, school_year_of
from rollcall.organisations.calendar import ClosureDates, SchoolCalendar, TermDates, calendar_from
from rollcall.statutory.school_age import compulsory_school_age_end
from rollcall.statutory.upn import upn_make
from rollcall.statutory.years import national_curriculum_year

DEMO_LA_CODE = "989"  # not issued to any real authority
DEMO_LA_NAME = "Hartwell Borough Council"


@dataclass(frozen=True)
class TrustSpec:
    key: str
    name: str
    policy_profile: str


@dataclass(frozen=True)
class SchoolSpec:
    key: str
    urn: str
    name: str
    establishment_number: str
    phase: str  # "primary", "secondary" or "ap"
    kind: str
    trust_key: str | None
    share: float  # share of its phase's pupils
    # Each school year, the first day of these half-terms (0 = Autumn 1 … 5 = Summer 2) is an
    # INSET day: staff training, no pupils.
    inset_terms: tuple[int, ...]
    emergency_closure: bool = False  # one day closed at short notice in the latest spring term

    def inset_days(self, dates: DemoDates) -> tuple[dt.date, ...]:
        return tuple(terms[i].starts_on for terms in dates.terms.values() for i in self.inset_terms)

    def emergency_closure_on(self, dates: DemoDates) -> dt.date | None:
        """The Thursday of the second week of the latest spring term, by the latest school
        day."""
        if not self.emergency_closure:
            return None
        thursdays = [
            term.starts_on + dt.timedelta(days=7 - term.starts_on.weekday() + 3)
            for term in dates.all_terms
            if term.name.startswith("Spring 1")
        ]
        return max(day for day in thursdays if day <= dates.latest)

    def calendar(self, dates: DemoDates) -> SchoolCalendar:
        closures = [
            ClosureDates(day, day, "both", "inset", "INSET day") for day in self.inset_days(dates)
        ]
        emergency = self.emergency_closure_on(dates)
        if emergency:
            closures.append(
                ClosureDates(emergency, emergency, "both", "emergency", "Unplanned closure")
            )
        return calendar_from(dates.all_terms, closures)


@dataclass(frozen=True)
class AttendanceProfile:
    """How a pupil tends to attend; the marks generator draws sessions from it."""

    kind: str  # "typical", "persistent" or "severe"
    absence_rate: float  # share of sessions missed, before holidays and events
    unauthorised_share: float  # share of those absences that are unexplained or unauthorised
    late_rate: float
    late_after_close_share: float
    part_time_from: dt.date | None = None  # on an agreed part-time timetable (C2 afternoons)
    part_time_to: dt.date | None = None
    observes_eid: bool = False


@dataclass
class CarerSpec:
    title: str
    forename: str
    surname: str
    relationship: str
    parental_responsibility: bool
    lives_with_pupil: bool
    mobile_phone: str
    email: str
    email_consent_on: dt.date | None


@dataclass
class PupilSpec:
    upn: str
    forename: str
    surname: str
    date_of_birth: dt.date
    sex: str
    sen_provision: str
    free_school_meals: bool
    english_additional_language: bool
    looked_after: bool
    child_in_need: bool
    child_protection_plan: bool
    young_carer: bool
    social_worker_name: str
    family_reference: str
    profile: AttendanceProfile


@dataclass
class FamilySpec:
    reference: str
    address_line_1: str
    postcode: str
    carers: list[CarerSpec]
    children: list[PupilSpec] = field(default_factory=list)
    # Term-time holidays taken without leave: (first day, last day).
    holidays: list[tuple[dt.date, dt.date]] = field(default_factory=list)


@dataclass(frozen=True)
class EnrolmentSpec:
    upn: str
    school_key: str
    admitted_on: dt.date
    left_on: dt.date | None
    registration: str  # "C", "M" or "S"
    year_group: str  # on admission
    group_name: str
    leaving_reason: str = ""


@dataclass
class World:
    seed: int
    la_code: str
    la_name: str
    dates: DemoDates
    trusts: list[TrustSpec]
    schools: list[SchoolSpec]
    families: list[FamilySpec]
    enrolments: list[EnrolmentSpec]
    # Dual-registered pupils' days at the subsidiary school (weekday numbers).
    dual_days: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def pupils(self) -> list[PupilSpec]:
        return [child for family in self.families for child in family.children]

    def school(self, key: str) -> SchoolSpec:
        return next(s for s in self.schools if s.key == key)

    @property
    def demo_date(self) -> dt.date:
        """The last day with registers: the latest school day on or before the load date."""
        return self.dates.latest


TRUSTS = (
    TrustSpec("ndet", "Northbrook Diocesan Education Trust", "peterborough-diocese-trust"),
    TrustSpec("riverside", "Riverside Academies Trust", "national"),
)

SCHOOLS = (
    SchoolSpec(
        "hartwell-primary",
        "990101",
        "Hartwell Primary School",
        "2001",
        "primary",
        "maintained",
        None,
        0.26,
        (0, 2),
    ),
    SchoolSpec(
        "st-annes",
        "990102",
        "St Anne's CofE Primary School",
        "3001",
        "primary",
        "academy",
        "ndet",
        0.16,
        (0, 3),
        emergency_closure=True,
    ),
    SchoolSpec(
        "meadowbank",
        "990103",
        "Meadowbank Primary Academy",
        "2002",
        "primary",
        "academy",
        "riverside",
        0.22,
        (1, 5),
    ),
    SchoolSpec(
        "brookfield",
        "990104",
        "Brookfield Primary School",
        "2003",
        "primary",
        "maintained",
        None,
        0.20,
        (0, 2),
    ),
    SchoolSpec(
        "greenway",
        "990105",
        "Greenway Infant and Junior School",
        "2004",
        "primary",
        "maintained",
        None,
        0.16,
        (0, 3),
    ),
    SchoolSpec(
        "hartwell-high",
        "990201",
        "Hartwell High School",
        "4001",
        "secondary",
        "maintained",
        None,
        0.55,
        (0, 4),
    ),
    SchoolSpec(
        "castle-hill",
        "990202",
        "Castle Hill Academy",
        "4002",
        "secondary",
        "academy",
        "ndet",
        0.45,
        (0, 1),
    ),
    SchoolSpec(
        "learning-centre",
        "990301",
        "Hartwell Learning Centre",
        "1100",
        "ap",
        "maintained",
        None,
        0.0,
        (0,),
    ),
)

LEARNING_CENTRE = SCHOOLS[-1]

PRIMARY_YEARS = ("R", "1", "2", "3", "4", "5", "6")
SECONDARY_YEARS = ("7", "8", "9", "10", "11")


def year_group_label(nc_year: int) -> str:
    return "R" if nc_year == 0 else str(nc_year)


_EARLY_YEARS = {"N1": -2, "N2": -1, "R": 0}


def nc_year(date_of_birth: dt.date, academic_year: int) -> int | None:
    """The National Curriculum year group in the school year starting in September of
    `academic_year` as a number (Reception 0, Year 1 1 …; nursery negative), from the one rule
    for it (statutory.years.national_curriculum_year: age on 31 August before the year starts). None
    for a child under two or over eighteen."""
    label = national_curriculum_year(date_of_birth, dt.date(academic_year, 9, 1))
    if label is None:
        return None
    return _EARLY_YEARS[label] if label in _EARLY_YEARS else int(label)


def in_school(year: int | None) -> bool:
    """Reception to Year 11: the years the demo's schools teach."""
    return year is not None and 0 <= year <= 11


def _dob_for(rng: random.Random, year: int, academic_year: int) -> dt.date:
    """A date of birth for a child in National Curriculum `year` in `academic_year`."""
    cohort = academic_year - year - 5  # born September of this year to August of the next
    start = dt.date(cohort, 9, 1)
    return start + dt.timedelta(days=rng.randrange(365))


def _profile(rng: random.Random, risk: float) -> AttendanceProfile:
    roll = rng.random()
    if roll < 0.012 + 0.02 * risk:
        kind, absence = "severe", rng.uniform(0.45, 0.8)
        unauthorised = rng.uniform(0.6, 0.9)
    elif roll < 0.085 + 0.1 * risk:
        kind, absence = "persistent", rng.uniform(0.08, 0.25)
        unauthorised = rng.uniform(0.15, 0.5)
    else:
        kind, absence = "typical", rng.betavariate(1.6, 40)
        unauthorised = rng.uniform(0.0, 0.12)
    late = rng.choice((0.0, 0.0, 0.0, 0.01, 0.02, 0.04, 0.08))
    return AttendanceProfile(
        kind=kind,
        absence_rate=absence,
        unauthorised_share=unauthorised,
        late_rate=late,
        late_after_close_share=rng.uniform(0.05, 0.3),
    )


PUPILS_PER_PRIMARY = 320
PUPILS_PER_SECONDARY = 1000


def schools_for(pupils: int) -> tuple[SchoolSpec, ...]:
    """The named demo schools, plus made-up ones when a larger authority is asked for (about
    320 pupils a primary and 1,000 a secondary), so every school stays a believable size."""
    primaries = max(5, round(pupils * 0.58 / PUPILS_PER_PRIMARY))
    secondaries = max(2, round(pupils * 0.42 / PUPILS_PER_SECONDARY))
    extra: list[SchoolSpec] = []
    for number in range(primaries - 5):
        extra.append(
            SchoolSpec(
                f"primary-{number + 1}",
                f"99{1000 + number:04d}",
                f"Hartwell Primary School No. {number + 6}",
                f"{2100 + number:04d}",
                "primary",
                "maintained",
                None,
                0.2,
                (0,),
            )
        )
    for number in range(secondaries - 2):
        extra.append(
            SchoolSpec(
                f"secondary-{number + 1}",
                f"99{6000 + number:04d}",
                f"Hartwell Secondary School No. {number + 3}",
                f"{4100 + number:04d}",
                "secondary",
                "maintained",
                None,
                0.5,
                (0,),
            )
        )
    return SCHOOLS + tuple(extra)


@lru_cache(maxsize=8)
def _phase_choices(
    schools: tuple[SchoolSpec, ...], phase: str
) -> tuple[list[SchoolSpec], list[float]]:
    candidates = [s for s in schools if s.phase == phase]
    return candidates, list(itertools.accumulate(s.share for s in candidates))


def _school_for(rng: random.Random, phase: str, schools: tuple[SchoolSpec, ...]) -> SchoolSpec:
    candidates, cumulative = _phase_choices(schools, phase)
    return rng.choices(candidates, cum_weights=cumulative)[0]


class _UpnAllocator:
    def __init__(self) -> None:
        self.serials: dict[tuple[str, int], int] = {}

    def next(self, school: SchoolSpec, year: int) -> str:
        key = (school.establishment_number, year)
        self.serials[key] = self.serials.get(key, 0) + 1
        return upn_make(DEMO_LA_CODE, school.establishment_number, year, self.serials[key])


def _phone(rng: random.Random) -> str:
    # Ofcom reserves 07700 900000 to 900999 for drama: never a real number.
    return f"07700 900{rng.randrange(1000):03d}"


def build_world(*, seed: int = 2026, pupils: int = 3000, dates: DemoDates) -> World:
    """Families first, then their children's schools, so siblings share holidays and homes.

    Everything dated is worked out from `dates` (terms.demo_dates of the load date): the same
    seed and dates give the same world."""
    rng = random.Random(seed)
    this_year = dates.years[-1]  # the school year of the load date: year groups are for it
    # Year 11 when the history starts (and left since), down to Reception now.
    oldest = 11 + this_year - dates.years[0]
    current = dates.term_index(dates.latest)
    part_time = (dates.all_terms[current - 2].starts_on, dates.all_terms[current - 1].ends_on)
    schools = schools_for(pupils)
    upns = _UpnAllocator()
    families: list[FamilySpec] = []
    enrolments: list[EnrolmentSpec] = []
    dual_days: dict[str, tuple[int, ...]] = {}
    total_children = 0
    family_number = 0
    while total_children < pupils * 1.12:
        family_number += 1
        surname = rng.choice(names.SURNAMES)
        risk = rng.random() ** 2  # a few families carry most of the risk
        deprived = rng.random() < 0.22 + 0.4 * risk
        carers = _carers(rng, surname, family_number, dates.first)
        family = FamilySpec(
            reference=f"HW-F{family_number:05d}",
            address_line_1=f"{rng.randrange(1, 180)} {rng.choice(names.STREETS)}",
            postcode=f"{rng.choice(names.POSTCODE_AREAS)} {rng.randrange(1, 10)}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            carers=carers,
        )
        for number, year_terms in enumerate(dates.terms.values()):
            if rng.random() < (0.05 if number == 0 else 0.04) + 0.15 * risk:
                family.holidays.append(_holiday(rng, year_terms))
        primary = _school_for(rng, "primary", schools)
        secondary = _school_for(rng, "secondary", schools)
        eldest_year = rng.randrange(0, oldest + 1)
        n_children = rng.choices((1, 2, 3, 4), weights=(45, 35, 15, 5))[0]
        year = eldest_year
        for _ in range(n_children):
            if year < 0:
                break
            child = _child(rng, family, surname, year, this_year, risk, deprived, part_time)
            school_first = primary if year <= 6 else secondary
            child.upn = upns.next(school_first, this_year - year)
            family.children.append(child)
            enrolments.extend(_enrolments(rng, child, primary, secondary, schools, dates))
            year -= rng.choice((1, 2, 2, 3, 4))
        total_children += len(family.children)
        families.append(family)
    _add_dual_registrations(rng, families, enrolments, dual_days, dates)
    return World(
        seed=seed,
        la_code=DEMO_LA_CODE,
        la_name=DEMO_LA_NAME,
        dates=dates,
        trusts=list(TRUSTS),
        schools=list(schools),
        families=families,
        enrolments=enrolments,
        dual_days=dual_days,
    )


def _carers(rng: random.Random, surname: str, number: int, first: dt.date) -> list[CarerSpec]:
    mother = CarerSpec(
        title=rng.choice(("Ms", "Mrs", "Miss", "")),
        forename=rng.choice(names.FEMALE_FORENAMES),
        surname=surname,
        relationship="mother",
        parental_responsibility=True,
        lives_with_pupil=True,
        mobile_phone=_phone(rng),
        email=f"parent{number:05d}a@example.org" if rng.random() < 0.8 else "",
        email_consent_on=None,
    )
    if mother.email and rng.random() < 0.6:
        mother.email_consent_on = first + dt.timedelta(days=rng.randrange(200))
    carers = [mother]
    if rng.random() < 0.7:
        lives_with = rng.random() < 0.75
        carers.append(
            CarerSpec(
                title=rng.choice(("Mr", "")),
                forename=rng.choice(names.MALE_FORENAMES),
                surname=surname if lives_with else rng.choice(names.SURNAMES),
                relationship="father",
                parental_responsibility=True,
                lives_with_pupil=lives_with,
                mobile_phone=_phone(rng),
                email=f"parent{number:05d}b@example.org" if rng.random() < 0.6 else "",
                email_consent_on=None,
            )
        )
    return carers


def _holiday(rng: random.Random, year_terms: tuple[TermDates, ...]) -> tuple[dt.date, dt.date]:
    """A week of term-time holiday next to a half-term or the end of a term."""
    term = rng.choice(year_terms)
    start, end = term.starts_on, term.ends_on
    # The first week of a term, or the last (from its Monday).
    first = start if rng.random() < 0.5 else end - dt.timedelta(days=end.weekday())
    length = rng.choice((3, 4, 5, 5, 5))
    return first, first + dt.timedelta(days=length - 1)


def _child(
    rng: random.Random,
    family: FamilySpec,
    surname: str,
    year: int,
    academic_year: int,
    risk: float,
    deprived: bool,
    part_time: tuple[dt.date, dt.date],
) -> PupilSpec:
    sex = rng.choice("FM")
    forename = rng.choice(names.FEMALE_FORENAMES if sex == "F" else names.MALE_FORENAMES)
    sen = rng.choices("NKE", weights=(83, 13 + 8 * risk, 4 + 3 * risk))[0]
    looked_after = rng.random() < 0.006 + 0.02 * risk
    child_protection = not looked_after and rng.random() < 0.01 + 0.05 * risk
    child_in_need = child_protection or rng.random() < 0.02 + 0.08 * risk
    social_worker = looked_after or child_in_need
    profile = _profile(rng, risk + (0.3 if sen == "E" else 0.0) + (0.2 if deprived else 0.0))
    if year >= 7 and profile.kind != "typical" and rng.random() < 0.06:
        profile = AttendanceProfile(
            **{**profile.__dict__, "part_time_from": part_time[0], "part_time_to": part_time[1]}
        )
    eal = rng.random() < 0.18
    if eal and rng.random() < 0.4:
        profile = AttendanceProfile(**{**profile.__dict__, "observes_eid": True})
    date_of_birth = _dob_for(rng, year, academic_year)
    if profile.part_time_to is not None and profile.part_time_from is not None:
        # C2 is only for a child of compulsory school age (REG24 reg 10): a timetable ends with it.
        ends = min(profile.part_time_to, compulsory_school_age_end(date_of_birth))
        profile = AttendanceProfile(
            **{
                **profile.__dict__,
                "part_time_from": profile.part_time_from
                if ends >= profile.part_time_from
                else None,
                "part_time_to": ends if ends >= profile.part_time_from else None,
            }
        )
    return PupilSpec(
        upn="",
        forename=forename,
        surname=surname,
        date_of_birth=date_of_birth,
        sex=sex,
        sen_provision=sen,
        free_school_meals=deprived,
        english_additional_language=eal,
        looked_after=looked_after,
        child_in_need=child_in_need,
        child_protection_plan=child_protection,
        young_carer=rng.random() < 0.02 + 0.05 * risk,
        social_worker_name=(
            f"{rng.choice(names.FEMALE_FORENAMES + names.MALE_FORENAMES)} "
            f"{rng.choice(names.SURNAMES)} (Hartwell Children's Services)"
            if social_worker
            else ""
        ),
        family_reference=family.reference,
        profile=profile,
    )


def _group_name(school: SchoolSpec, year: int, upn: str) -> str:
    """The pupil's registration group: its year group's A or B form (the Learning Centre has
    one group for everyone)."""
    suffix = "AB"[int(upn[-1]) % 2]
    return f"{year_group_label(year)}{suffix}" if school.phase != "ap" else "Main"


def _span_year(child: PupilSpec, left_on: dt.date | None, this_year: int) -> int:
    """The year group a pupil's stay at a school is remembered by: the current one while on
    roll, else the one they were in when they left. Registration groups follow it, so a pupil
    in 9B is in Year 9."""
    year = nc_year(child.date_of_birth, school_year_of(left_on) if left_on else this_year)
    assert year is not None
    return year


def _enrolments(
    rng: random.Random,
    child: PupilSpec,
    primary: SchoolSpec,
    secondary: SchoolSpec,
    schools: tuple[SchoolSpec, ...],
    dates: DemoDates,
) -> list[EnrolmentSpec]:
    """The child's enrolments over the demo years: Reception to Year 6 at a primary, Year 7 to
    Year 11 at a secondary, leaving at the end of Year 11, and a few movers."""
    this_year = dates.years[-1]
    spans: list[tuple[SchoolSpec, dt.date, dt.date | None]] = []
    for academic_year in dates.years:
        year = nc_year(child.date_of_birth, academic_year)
        if not in_school(year):
            if spans and spans[-1][2] is None:  # past Year 11: left at the end of last year
                school, admitted, _ = spans[-1]
                spans[-1] = (school, admitted, dates.year_end(academic_year - 1))
            continue
        assert year is not None
        school = primary if year <= 6 else secondary
        if spans and spans[-1][0].key == school.key:
            continue
        if spans:
            previous = spans[-1]
            spans[-1] = (previous[0], previous[1], dates.year_end(academic_year - 1))
        # Admitted at the start of Reception or of Year 7, however long before the history.
        admitted = dt.date(academic_year - (year if year <= 6 else year - 7), 9, 1)
        spans.append((school, admitted, None))
    result = [
        EnrolmentSpec(
            upn=child.upn,
            school_key=school.key,
            admitted_on=admitted,
            left_on=left,
            registration="C",
            year_group=year_group_label(year_at_admission(child, admitted)),
            group_name=_group_name(school, _span_year(child, left, this_year), child.upn),
            leaving_reason="End of the school's final year group" if left else "",
        )
        for school, admitted, left in spans
    ]
    # About one pupil in sixty moves school in the middle of a year.
    if result and result[-1].left_on is None and rng.random() < 0.017:
        current = result[-1]
        move_on = dates.first + dt.timedelta(days=120 + rng.randrange(400))
        while move_on.weekday() >= 5:
            move_on += dt.timedelta(days=1)
        if move_on < dates.latest - dt.timedelta(days=30) and move_on > current.admitted_on:
            phase = next(s for s in schools if s.key == current.school_key).phase
            others = [s for s in schools if s.phase == phase and s.key != current.school_key]
            new_school = rng.choice(others)
            admitted = move_on + dt.timedelta(days=7)
            result[-1] = EnrolmentSpec(
                **{
                    **current.__dict__,
                    "left_on": move_on - dt.timedelta(days=1),
                    "leaving_reason": "Ground A: registered at another school",
                }
            )
            result.append(
                EnrolmentSpec(
                    upn=child.upn,
                    school_key=new_school.key,
                    admitted_on=admitted,
                    left_on=None,
                    registration="C",
                    year_group=year_group_label(year_at_admission(child, admitted)),
                    group_name=_group_name(
                        new_school, _span_year(child, None, this_year), child.upn
                    ),
                )
            )
    return result


def year_at_admission(child: PupilSpec, admitted: dt.date) -> int:
    year = nc_year(child.date_of_birth, school_year_of(admitted))
    assert in_school(year), (child.upn, admitted)
    return year  # type: ignore[return-value]


def _add_dual_registrations(
    rng: random.Random,
    families: list[FamilySpec],
    enrolments: list[EnrolmentSpec],
    dual_days: dict[str, tuple[int, ...]],
    dates: DemoDates,
) -> None:
    """Some secondary pupils at risk attend the Learning Centre two days a week from the start
    of the latest school day's school year."""
    start = dates.year_start(dates.latest_year)
    this_year = dates.years[-1]
    position = {id(e): i for i, e in enumerate(enrolments)}
    at_risk = [
        e
        for e in enrolments
        if e.left_on is None
        and e.school_key in ("hartwell-high", "castle-hill")
        and e.admitted_on < start
    ]
    pupils = {c.upn: c for f in families for c in f.children}
    at_risk = [e for e in at_risk if pupils[e.upn].profile.kind != "typical"]
    rng.shuffle(at_risk)
    for enrolment in at_risk[: max(2, len(at_risk) // 12)]:
        index = position[id(enrolment)]
        enrolments[index] = EnrolmentSpec(**{**enrolment.__dict__, "registration": "M"})
        child = pupils[enrolment.upn]
        enrolments.append(
            EnrolmentSpec(
                upn=enrolment.upn,
                school_key="learning-centre",
                admitted_on=start,
                left_on=None,
                registration="S",
                year_group=year_group_label(year_at_admission(child, start)),
                group_name=_group_name(
                    LEARNING_CENTRE, _span_year(child, None, this_year), enrolment.upn
                ),
            )
        )
        dual_days[enrolment.upn] = (1, 3)  # Tuesdays and Thursdays
