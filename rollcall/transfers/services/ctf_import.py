"""Importing a Common Transfer File: pupils, their contacts and their earlier schools' attendance.

All or nothing. The file is read and checked first (ctf.reader); then everything is written in
one transaction, and any problem found while writing rolls all of it back. Decisions are
recorded in docs/ctf.md, docs/adr/0005-ctf-attendance-marks.md and
docs/adr/0009-earlier-schools-attendance-history.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
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
from rollcall.statutory.years import national_curriculum_year
from rollcall.transfers.ctf.reader import CtfDocument, PupilData, ctf_read
from rollcall.transfers.models import ImportBatch
from rollcall.transfers.problems import ImportRefused, Problem
from rollcall.transfers.selectors import carer_links_of, schools_for_transfers
from rollcall.transfers.services.ctf_history import (
    CtfPlan,
    ctf_plan,
    history_new,
    history_record,
    sessions_of,
)


@dataclass
class CtfImportResult:
    batch: ImportBatch
    pupils_created: int = 0
    pupils_matched: int = 0
    contacts_created: int = 0
    history_created: int = 0  # YearData kept as a pupil's attendance at an earlier school
    marks_created: int = 0  # sessions at earlier schools newly kept
    marks_unchanged: int = 0  # sessions at earlier schools already held from an earlier import
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
    group = group or national_curriculum_year(data.date_of_birth, admitted_on) or ""
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
    plan = ctf_plan(document, school, admitted_on)
    if plan.problems:
        raise ImportRefused(name, plan.problems)

    result = CtfImportResult(batch=ImportBatch(), notes=plan.notes)
    problems: list[Problem] = []
    pupils: dict[str, Pupil] = {}
    for data_pupil in document.pupils:
        try:
            pupil = _pupil(actor=actor, plan=plan, data=data_pupil, result=result)
            pupils[data_pupil.upn] = pupil
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
    if problems:
        raise ImportRefused(name, problems)  # rolls back everything written above

    history, result.marks_unchanged = history_new(plan, pupils)
    result.history_created = len(history)
    result.marks_created = sum(len(sessions_of(entry.year)) for entry in history)
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
    history_record(batch=result.batch, pupils=pupils, entries=history)
    audit_record(
        actor=actor,
        verb=Verb.CTF_IMPORT,
        target=result.batch,
        summary=(
            f"Imported CTF {name} from {document.source.name or document.source.laestab}: "
            f"{len(document.pupils)} pupil(s), {result.pupils_created} new, "
            f"{result.marks_created:,} sessions of attendance at earlier schools"
        ),
        school_urn=school.urn,
        payload={
            "file": name,
            "sha256": result.batch.sha256,
            "source_laestab": document.source.laestab,
            "upns": [p.upn for p in document.pupils],
            "pupils_created": result.pupils_created,
            "contacts_created": result.contacts_created,
            "history_created": result.history_created,
            "marks_created": result.marks_created,
            "marks_unchanged": result.marks_unchanged,
            "earlier_schools": sorted({entry.school.laestab for entry in history}),
            "notes": plan.notes,
        },
    )
    return result
