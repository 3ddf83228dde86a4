"""Importing a Common Transfer File: pupils, their contacts and their previous school's marks.

All or nothing. The file is read and checked first (ctf.reader); then everything is written in
one transaction, and any problem found while writing rolls all of it back. Decisions are
recorded in docs/ctf.md and docs/adr/0005-ctf-attendance-marks.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rollcall.core import clock
from rollcall.core.audit import actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.services import (
    YEAR_GROUPS,
    carer_create,
    carer_link_create,
    enrolment_create,
    pupil_create,
)
from rollcall.registers.models import Mark
from rollcall.registers.services import MarkInput, MarksRejected, marks_bulk_record
from rollcall.transfers.ctf.reader import CtfDocument, PupilData, YearData, ctf_read
from rollcall.transfers.inferred import year_group_on
from rollcall.transfers.models import ImportBatch
from rollcall.transfers.problems import ImportRefused, Problem
from rollcall.transfers.selectors import carer_links_of, schools_for_transfers
from rollcall.transfers.services.ctf_schools import (
    CtfPlan,
    ctf_plan,
    previous_calendars_extend,
    previous_schools_create,
)

LEFT_PREVIOUS_SCHOOL = "Moved school (recorded from a Common Transfer File)"


@dataclass
class CtfImportResult:
    batch: ImportBatch
    pupils_created: int = 0
    pupils_matched: int = 0
    contacts_created: int = 0
    marks_created: int = 0
    marks_unchanged: int = 0
    schools_created: list[School] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _pupil(*, actor: Actor, plan: CtfPlan, data: PupilData, result: CtfImportResult) -> Pupil:
    existing = plan.existing_pupils.get(data.upn)
    if existing is not None:
        result.pupils_matched += 1
        pupil = existing
    else:
        pupil = pupil_create(
            actor=actor,
            upn=data.upn,
            legal_forename=data.forename,
            legal_surname=data.surname,
            preferred_forename=data.preferred_forename,
            date_of_birth=data.date_of_birth,
            sex=data.sex,
        )
        result.pupils_created += 1
    linked = {
        (link.carer.forename.lower(), link.carer.surname.lower())
        for link in carer_links_of(pupil=pupil)
    }
    for contact in sorted(data.contacts, key=lambda c: c.order):
        if (contact.forename.lower(), contact.surname.lower()) in linked:
            continue
        carer = carer_create(
            actor=actor,
            title=contact.title,
            forename=contact.forename,
            surname=contact.surname,
            email=contact.email,
            mobile_phone=contact.phones.get("mobile_phone", ""),
            home_phone=contact.phones.get("home_phone", ""),
            work_phone=contact.phones.get("work_phone", ""),
        )
        carer_link_create(
            actor=actor,
            pupil=pupil,
            carer=carer,
            relationship=contact.relationship,
            parental_responsibility=contact.parental_responsibility,
            lives_with_pupil=contact.lives_with_pupil,
            contact_priority=contact.order,
        )
        linked.add((contact.forename.lower(), contact.surname.lower()))
        result.contacts_created += 1
    return pupil


def _enrol_at_previous(
    *, actor: Actor, pupil: Pupil, data: PupilData, school: School, years: list[YearData]
) -> None:
    """Put the pupil on roll at the previous school for the days the CTF has marks, so the
    register accepts them. Days already covered by an enrolment there need nothing."""
    enrolments = list(Enrolment.objects.filter(pupil=pupil, school=school))
    days = {mark.date for year in years for _, mark in year.marks}
    uncovered = sorted(day for day in days if not any(e.on_roll(day) for e in enrolments))
    if not uncovered:
        return
    group = year_group_on(data.date_of_birth, uncovered[0])
    if group is None:
        raise ValidationError(
            f"cannot work out a year group at {school.name} on {uncovered[0]:%-d %B %Y} from "
            f"the date of birth {data.date_of_birth:%-d %B %Y}"
        )
    enrolment_create(
        actor=actor,
        pupil=pupil,
        school=school,
        admitted_on=uncovered[0],
        left_on=uncovered[-1],
        leaving_reason=LEFT_PREVIOUS_SCHOOL,
        year_group=group,
    )


def _admit(
    *,
    actor: Actor,
    pupil: Pupil,
    data: PupilData,
    school: School,
    admitted_on: dt.date,
    year_group: str,
) -> None:
    if any(e.on_roll(admitted_on) for e in Enrolment.objects.filter(pupil=pupil, school=school)):
        return
    group = year_group or (data.year_group if data.year_group in YEAR_GROUPS else "")
    group = group or year_group_on(data.date_of_birth, admitted_on) or ""
    enrolment_create(
        actor=actor, pupil=pupil, school=school, admitted_on=admitted_on, year_group=group
    )


def _messages(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


def ctf_import(
    *,
    actor: Actor,
    data: bytes,
    name: str,
    school: School,
    today: dt.date,
    admitted_on: dt.date | None = None,
    year_group: str = "",
) -> CtfImportResult:
    """Import a CTF sent to `school`. With `admitted_on`, pupils not already on roll there are
    admitted that day (in `year_group`, else the CTF's, else the usual one for their age).

    The XML is read and checked before the transaction starts, so a large file does not hold
    other writers (on SQLite, every other writer) while it is parsed."""
    if actor is not None and not schools_for_transfers(user=actor).filter(pk=school.pk).exists():
        raise PermissionDenied(f"You cannot import CTFs for {school.name}")
    if year_group and year_group not in YEAR_GROUPS:
        raise ValidationError({"year_group": f"Unknown year group {year_group!r}"})
    document = ctf_read(data, name)
    return _ctf_record(
        actor=actor,
        document=document,
        data=data,
        name=name,
        school=school,
        today=today,
        admitted_on=admitted_on,
        year_group=year_group,
    )


@transaction.atomic
def _ctf_record(
    *,
    actor: Actor,
    document: CtfDocument,
    data: bytes,
    name: str,
    school: School,
    today: dt.date,
    admitted_on: dt.date | None,
    year_group: str,
) -> CtfImportResult:
    plan = ctf_plan(document, school)
    if plan.problems:
        raise ImportRefused(name, plan.problems)

    result = CtfImportResult(batch=ImportBatch(), notes=plan.notes)
    previous_schools_create(
        actor=actor, plan=plan, name=name, today=today, created=result.schools_created
    )
    previous_calendars_extend(actor=actor, plan=plan)
    problems: list[Problem] = []
    marks: dict[str, list[MarkInput]] = defaultdict(list)
    for data_pupil in document.pupils:
        try:
            pupil = _pupil(actor=actor, plan=plan, data=data_pupil, result=result)
            for laestab in sorted(plan.ctf_schools):
                years = [y for y in data_pupil.years if y.laestab == laestab and y.marks]
                if years:
                    previous = plan.previous[laestab]
                    assert previous is not None
                    _enrol_at_previous(
                        actor=actor, pupil=pupil, data=data_pupil, school=previous, years=years
                    )
                    marks[laestab] += [
                        MarkInput(
                            upn=pupil.upn, date=m.date, session=m.session, code=m.code, where=where
                        )
                        for year in years
                        for where, m in year.marks
                    ]
            if admitted_on is not None:
                _admit(
                    actor=actor,
                    pupil=pupil,
                    data=data_pupil,
                    school=school,
                    admitted_on=admitted_on,
                    year_group=year_group,
                )
        except ValidationError as exc:
            problems.append(Problem(data_pupil.where, _messages(exc)))
    if not problems:
        for laestab, inputs in marks.items():
            previous = plan.previous[laestab]
            assert previous is not None
            try:
                recorded = marks_bulk_record(
                    actor=actor, school=previous, marks=inputs, source=Mark.Source.CTF
                )
            except MarksRejected as exc:
                problems += [Problem(p.where, p.reason) for p in exc.problems]
                continue
            result.marks_created += recorded.created
            result.marks_unchanged += recorded.unchanged
    if problems:
        raise ImportRefused(name, problems)  # rolls back everything written above

    result.batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.CTF,
        file_name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len(document.pupils),
        marks_created=result.marks_created,
        marks_unchanged=result.marks_unchanged,
        pupils_created=result.pupils_created,
        imported_at=clock.now(),
        imported_by=actor,
        imported_by_label=actor_label(actor),
    )
    result.batch.schools.set([school])
    audit_record(
        actor=actor,
        verb="ctf.import",
        target=result.batch,
        summary=(
            f"Imported CTF {name} from {document.source.name or document.source.laestab}: "
            f"{len(document.pupils)} pupil(s), {result.pupils_created} new, "
            f"{result.marks_created:,} previous-school marks"
        ),
        school_urn=school.urn,
        payload={
            "file": name,
            "sha256": result.batch.sha256,
            "source_laestab": document.source.laestab,
            "upns": [p.upn for p in document.pupils],
            "pupils_created": result.pupils_created,
            "contacts_created": result.contacts_created,
            "marks_created": result.marks_created,
            "marks_unchanged": result.marks_unchanged,
            "schools_created": [s.urn for s in result.schools_created],
            "notes": plan.notes,
        },
    )
    return result
