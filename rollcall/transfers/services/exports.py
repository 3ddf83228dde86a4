"""Data leaving rollcall: a leaver's CTF and a school's marks. Each export is audited, since it
hands children's records to someone outside rollcall."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rollcall.core.audit import Verb, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.statutory.years import national_curriculum_year, school_year_start
from rollcall.transfers.ctf.contacts import PHONE_FIELDS, relationship_code
from rollcall.transfers.ctf.reader import SchoolRef
from rollcall.transfers.ctf.writer import ContactOut, PupilOut, YearOut, ctf_file_name, ctf_write
from rollcall.transfers.marks_file import COLUMNS
from rollcall.transfers.selectors import (
    carer_links_of,
    enrolments_at,
    marks_for_export,
    pupil_marks,
    schools_for_transfers,
)

PHONE_TYPES = {field: kind for kind, field in PHONE_FIELDS.items()}


def _require_transfers(actor: Actor, school: School) -> None:
    if actor is not None and not schools_for_transfers(user=actor).filter(pk=school.pk).exists():
        raise PermissionDenied(f"You cannot export data from {school.name}")


def _school_ref(school: School) -> SchoolRef:
    return SchoolRef(
        lea=school.local_authority.code,
        estab=school.establishment_number,
        urn=school.urn,
        name=school.name,
    )


def academic_year_of(day: dt.date) -> int:
    """The calendar year the school year (EA96 s579) holding `day` starts in: a CTF's year."""
    return school_year_start(day).year


def _years(school: School, pupil: Pupil, enrolments: list[Enrolment]) -> list[YearOut]:
    by_year: dict[int, list[tuple[dt.date, str, str]]] = defaultdict(list)
    for mark in pupil_marks(school=school, pupil=pupil):
        by_year[academic_year_of(mark.date)].append((mark.date, mark.session, mark.code))
    calendar = school_calendar(school=school)
    years = []
    for year, marks in sorted(by_year.items()):
        first, last = marks[0][0], marks[-1][0]
        marked = {(day, session) for day, session, _ in marks}
        # A session the school met while the pupil was on roll, with no mark: '-' (no mark
        # recorded), so the next school does not read it as a closure ('#').
        unmarked = frozenset(
            (day, session)
            for day, session in calendar.sessions_between(first, last)
            if (day, session) not in marked and any(e.on_roll(day) for e in enrolments)
        )
        years.append(
            YearOut(
                year=year,
                school=_school_ref(school),
                first=first,
                last=last,
                marks=marks,
                unmarked=unmarked,
            )
        )
    return years


def _contacts(pupil: Pupil) -> list[ContactOut]:
    contacts = []
    for order, link in enumerate(carer_links_of(pupil=pupil), start=1):
        carer = link.carer
        phones = [
            (PHONE_TYPES[field], getattr(carer, field))
            for field in ("mobile_phone", "home_phone", "work_phone")
            if getattr(carer, field)
        ]
        contacts.append(
            ContactOut(
                order=order,
                title=carer.title,
                forename=carer.forename,
                surname=carer.surname,
                relationship_code=relationship_code(link.relationship),
                parental_responsibility=link.parental_responsibility,
                lives_with_pupil=link.lives_with_pupil,
                phones=phones,
                email=carer.email,
            )
        )
    return contacts


def _year_group(pupil: Pupil, enrolment: Enrolment, today: dt.date) -> str:
    """The pupil's year group when they left (or now). An enrolment records the year group on
    admission, which is out of date a year later, so it is worked out from age where it can be."""
    on = min(enrolment.left_on or today, today)
    return national_curriculum_year(pupil.date_of_birth, on) or enrolment.year_group


@transaction.atomic
def ctf_export(
    *,
    actor: Actor,
    school: School,
    pupil: Pupil,
    destination: School | None,
    generated_at: dt.datetime,
) -> tuple[str, bytes]:
    """A CTF for one pupil leaving `school`, with contacts and the school's attendance marks.
    Returns the file name (DfE pattern) and the XML."""
    _require_transfers(actor, school)
    enrolments = enrolments_at(school=school, pupil=pupil)
    if not enrolments:
        raise ValidationError({"upn": f"{pupil.upn} has never been on roll at {school.name}"})
    if destination is not None and destination.pk == school.pk:
        raise ValidationError({"dest_urn": "The destination must be another school"})
    source = _school_ref(school)
    dest = _school_ref(destination) if destination is not None else None
    content = ctf_write(
        source=source,
        academic_year=academic_year_of(generated_at.date()),
        destination=dest,
        pupils=[
            PupilOut(
                upn=pupil.upn,
                surname=pupil.legal_surname,
                forename=pupil.legal_forename,
                preferred_forename=pupil.preferred_forename,
                date_of_birth=pupil.date_of_birth,
                sex=pupil.sex,
                year_group=_year_group(pupil, enrolments[-1], generated_at.date()),
                contacts=_contacts(pupil),
                years=_years(school, pupil, enrolments),
            )
        ],
        generated_at=generated_at,
    )
    name = ctf_file_name(source, dest)
    audit_record(
        actor=actor,
        verb=Verb.CTF_EXPORT,
        target=pupil,
        summary=(
            f"Exported a CTF for {pupil.upn} from {school.name} to "
            f"{destination.name if destination else 'an unknown destination'}"
        ),
        school_urn=school.urn,
        payload={
            "file": name,
            "sha256": hashlib.sha256(content).hexdigest(),
            "destination_urn": destination.urn if destination else "",
        },
    )
    return name, content


def _csv_line(values: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue().encode()


@transaction.atomic
def marks_export(
    *, actor: Actor, school: School, first: dt.date | None, last: dt.date | None
) -> Iterator[bytes]:
    """The school's marks as long-format CSV (the import format), streamed a chunk at a time."""
    _require_transfers(actor, school)
    if first is not None and last is not None and last < first:
        raise ValidationError({"last": "The last date is before the first"})
    period = f"{first or 'the start'} to {last or 'the latest mark'}"
    audit_record(
        actor=actor,
        verb=Verb.MARKS_EXPORT,
        target=school,
        summary=f"Exported marks for {school.name} from {period}",
        school_urn=school.urn,
        payload={
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
        },
    )
    return _marks_csv(school, first, last)


def _marks_csv(school: School, first: dt.date | None, last: dt.date | None) -> Iterator[bytes]:
    yield _csv_line(COLUMNS)
    urn = school.urn
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for count, (upn, day, session, code) in enumerate(
        marks_for_export(school=school, first=first, last=last), start=1
    ):
        writer.writerow((urn, upn, day.isoformat(), session, code))
        if count % 10000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
