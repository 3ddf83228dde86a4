"""Issuing an attendance certificate: the PDF, its stored hash and template version, and an
audit event, in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Pupil
from rollcall.transfers.certificates import (
    TEMPLATE_VERSION,
    CertificateContent,
    certificate_content,
    certificate_render,
)
from rollcall.transfers.models import Certificate
from rollcall.transfers.selectors import (
    enrolments_at,
    headteacher_name,
    pupil_marks,
    schools_for_transfers,
)

# No 0/O or 1/I, so a reference read out over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _reference() -> str:
    return "AC-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def certificate_issue(
    *,
    actor: Actor,
    school: School,
    pupil: Pupil,
    first: dt.date,
    last: dt.date,
    generated_at: dt.datetime,
) -> tuple[Certificate, bytes]:
    """Make the certificate PDF for a pupil's register at a school from `first` to `last`.

    The PDF is rendered before the transaction that records it: rendering takes about a second,
    and on SQLite a write transaction holds every other writer (teachers saving registers).
    """
    if actor is not None and not schools_for_transfers(user=actor).filter(pk=school.pk).exists():
        raise PermissionDenied(f"You cannot issue certificates for {school.name}")
    errors: dict[str, str] = {}
    if last < first:
        errors["last"] = "The end of the period is before its start"
    enrolments = enrolments_at(school=school, pupil=pupil)
    if not enrolments:
        errors["upn"] = f"{pupil.upn} has never been on roll at {school.name}"
    elif not any(
        e.admitted_on <= last and (e.left_on is None or first <= e.left_on) for e in enrolments
    ):
        errors["first"] = (
            f"{pupil.display_name} was not on roll at {school.name} at any time in that period"
        )
    if errors:
        raise ValidationError(errors)
    reference = _reference()
    while Certificate.objects.filter(reference=reference).exists():
        reference = _reference()
    content = certificate_content(
        reference=reference,
        school=school,
        pupil=pupil,
        first=first,
        last=last,
        marks=list(pupil_marks(school=school, pupil=pupil, first=first, last=last)),
        enrolments=enrolments,
        calendar=school_calendar(school=school),
        headteacher=headteacher_name(school=school),
        generated_at=generated_at,
        generated_by=actor_label(actor),
    )
    pdf = certificate_render(content)
    return _certificate_record(
        actor=actor,
        content=content,
        school=school,
        pupil=pupil,
        first=first,
        last=last,
        generated_at=generated_at,
        pdf=pdf,
    ), pdf


@transaction.atomic
def _certificate_record(
    *,
    actor: Actor,
    content: CertificateContent,
    school: School,
    pupil: Pupil,
    first: dt.date,
    last: dt.date,
    generated_at: dt.datetime,
    pdf: bytes,
) -> Certificate:
    certificate = Certificate.objects.create(
        reference=content.reference,
        school=school,
        pupil=pupil,
        first_date=first,
        last_date=last,
        template_version=TEMPLATE_VERSION,
        sha256=hashlib.sha256(pdf).hexdigest(),
        generated_at=generated_at,
        generated_by=actor,
        generated_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.CERTIFICATE_ISSUE,
        target=certificate,
        summary=(
            f"Issued attendance certificate {content.reference} for {pupil.upn} at "
            f"{school.name}, {first} to {last}"
        ),
        school_urn=school.urn,
        payload={
            "reference": content.reference,
            "upn": pupil.upn,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "template_version": TEMPLATE_VERSION,
            "sha256": certificate.sha256,
            "attendance_rate": content.attendance_rate,
        },
    )
    return certificate
