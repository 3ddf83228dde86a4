"""Test records, made through rollcall's own services so they are valid by construction."""

from __future__ import annotations

import datetime as dt
import itertools

from rollcall.organisations.models import LocalAuthority, School, Trust
from rollcall.organisations.services import (
    closure_create,
    local_authority_create,
    school_create,
    term_create,
)
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.services import enrolment_create, pupil_create
from rollcall.statutory.upn import upn_make

_serials = itertools.count(1)
_urns = itertools.count(100001)

AUTUMN_2024 = (dt.date(2024, 9, 2), dt.date(2024, 10, 25))
AUTUMN_2_2024 = (dt.date(2024, 11, 4), dt.date(2024, 12, 20))
SPRING_2025 = (dt.date(2025, 1, 6), dt.date(2025, 2, 14))
SPRING_2_2025 = (dt.date(2025, 2, 24), dt.date(2025, 4, 4))
SUMMER_2025 = (dt.date(2025, 4, 22), dt.date(2025, 7, 22))
YEAR_2024_25 = (AUTUMN_2024, AUTUMN_2_2024, SPRING_2025, SPRING_2_2025, SUMMER_2025)
TERMS_2023_24 = (
    (dt.date(2023, 9, 4), dt.date(2023, 12, 20)),
    (dt.date(2024, 1, 8), dt.date(2024, 7, 19)),
)


def make_la(code: str = "989", name: str = "Testshire County Council") -> LocalAuthority:
    existing = LocalAuthority.objects.filter(code=code).first()
    return existing or local_authority_create(actor=None, code=code, name=name)


def make_school(
    *,
    name: str = "Test Primary School",
    la: LocalAuthority | None = None,
    trust: Trust | None = None,
    phase: str = "primary",
    terms: tuple[tuple[dt.date, dt.date], ...] = TERMS_2023_24 + YEAR_2024_25,
    inset_days: tuple[dt.date, ...] = (),
) -> School:
    urn = str(next(_urns))
    school = school_create(
        actor=None,
        urn=urn,
        name=name,
        local_authority=la or make_la(),
        establishment_number=urn[-4:],
        phase=phase,
        kind="academy" if trust else "maintained",
        trust=trust,
        address_line_1="1 Test Lane",
        town="Testbury",
        postcode="te1 1st",
        on=dt.date(2025, 1, 1),
    )
    for number, (start, end) in enumerate(terms, start=1):
        term_create(actor=None, school=school, name=f"Term {number}", starts_on=start, ends_on=end)
    for day in inset_days:
        closure_create(actor=None, school=school, starts_on=day, ends_on=day, reason="inset")
    return school


def make_pupil(
    *,
    forename: str = "Test",
    surname: str = "Pupil",
    date_of_birth: dt.date = dt.date(2016, 5, 4),
    **extra: object,
) -> Pupil:
    upn = upn_make("989", "1234", 20, next(_serials))
    return pupil_create(
        actor=None,
        upn=upn,
        legal_forename=forename,
        legal_surname=surname,
        date_of_birth=date_of_birth,
        sex="F",
        **extra,  # type: ignore[arg-type]
    )


def enrol(
    pupil: Pupil,
    school: School,
    *,
    admitted_on: dt.date = dt.date(2023, 9, 1),
    left_on: dt.date | None = None,
    registration: str = Enrolment.Registration.SINGLE,
) -> Enrolment:
    return enrolment_create(
        actor=None,
        pupil=pupil,
        school=school,
        admitted_on=admitted_on,
        left_on=left_on,
        year_group="3",
        registration=registration,
    )
