"""A child with two parents at two addresses, ten days of registers and an open case."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

from rollcall.casework.models import Case
from rollcall.casework.services.cases import case_open
from rollcall.organisations.models import School
from rollcall.pupils.models import Carer, Pupil
from rollcall.pupils.services import carer_create, carer_link_create
from rollcall.registers.services.marks import mark_record
from tests.analytics.conftest import person
from tests.factories import enrol, make_pupil, make_school

# Two school weeks: Mon 2 to Fri 13 December 2024. 20 sessions: 15 present, 2 ill, 3 unauthorised.
FIRST = dt.date(2024, 12, 2)
LAST = dt.date(2024, 12, 13)
CODES = "/ \\ / \\ I I / \\ / \\ O O / \\ / \\ G \\ / \\"


@dataclass
class World:
    school: School
    pupil: Pupil
    mother: Carer
    father: Carer
    officer: object
    case: Case


def make_world(profile: str = "national", *, opened: dt.date = LAST) -> World:
    school = make_school(name="Riverside Primary School")
    School.objects.filter(pk=school.pk).update(policy_profile=profile)
    school.refresh_from_db()
    pupil = make_pupil(forename="Ada", surname="Stone", date_of_birth=dt.date(2015, 1, 10))
    enrol(pupil, school, admitted_on=dt.date(2024, 9, 2))
    day, session = FIRST, "AM"
    for code in CODES.split():
        mark_record(actor=None, school=school, pupil=pupil, date=day, session=session, code=code)
        if session == "PM":
            day += dt.timedelta(days=3 if day.weekday() == 4 else 1)
        session = "PM" if session == "AM" else "AM"
    mother = carer_create(
        actor=None,
        title="Ms",
        forename="Jo",
        surname="Stone",
        address_line_1="4 Mill Road",
        town="Testbury",
        postcode="TE1 4MR",
        email="jo.stone@example.org",
        email_letters_consent_on=dt.date(2024, 9, 10),
        email_letters_consent_evidence="Signed form in the pupil file",
    )
    father = carer_create(
        actor=None,
        title="Mr",
        forename="Sam",
        surname="Reed",
        address_line_1="Flat 2, 9 Quay Street",
        town="Portbury",
        postcode="PB2 9QS",
    )
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=mother,
        relationship="mother",
        parental_responsibility=True,
        lives_with_pupil=True,
    )
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=father,
        relationship="father",
        parental_responsibility=True,
        lives_with_pupil=False,
        contact_priority=2,
    )
    officer = person("officer", "attendance_officer", school=school)
    case = case_open(
        actor=officer, pupil=pupil, school=school, owner=school, on=opened, rationale="Absence"
    )
    return World(school, pupil, mother, father, officer, case)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@dataclass(frozen=True)
class PageImage:
    """The first page drawn as a reader sees it (PDFium, from pip), saved as a PNG."""

    path: Path
    width: int
    height: int
    ink: float  # the share of the page's pixels that are dark: text, not a blank page


def pdf_page_png(pdf: bytes, folder: Path) -> PageImage:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=1).to_pil().convert("L")
    path = folder / "page-1.png"
    image.save(path)
    dark = sum(count for value, count in enumerate(image.histogram()) if value < 128)
    return PageImage(path, image.width, image.height, dark / (image.width * image.height))


def add_child(
    world: World,
    forename: str,
    surname: str,
    parents: list[dict],
    *,
    case: bool = True,
) -> Pupil:
    """Another child at the world's school with their parents (each a carer_create's fields
    plus `relationship`), and an open case unless `case` is False."""
    pupil = make_pupil(forename=forename, surname=surname, date_of_birth=dt.date(2015, 3, 3))
    enrol(pupil, world.school, admitted_on=dt.date(2024, 9, 2))
    for priority, fields in enumerate(parents, 1):
        fields = dict(fields)
        relationship = fields.pop("relationship")
        carer = carer_create(actor=None, **fields)
        carer_link_create(
            actor=None,
            pupil=pupil,
            carer=carer,
            relationship=relationship,
            parental_responsibility=True,
            lives_with_pupil=priority == 1,
            contact_priority=priority,
        )
    if case:
        case_open(
            actor=world.officer,
            pupil=pupil,
            school=world.school,
            owner=world.school,
            on=world.case.opened_on,
            rationale="Absence",
        )
    return pupil
