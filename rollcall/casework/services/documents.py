"""Writes for documents on a case: a file that came in, kept with its hash and entered in the
case's chronology (the issue's item 8: "uploaded to the case as evidence, stored with their hash,
and listed")."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from rollcall.casework.documents import checked_file_type, document_problem, store
from rollcall.casework.models import Case, CaseDocument, CaseEvent
from rollcall.casework.services.cases import Owner, _audit, _event
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label
from rollcall.core.types import Actor

KIND_NEEDED = "Choose what kind of document this is"
NAME_LIMIT = 255


def _read(upload: File) -> tuple[str, bytes]:
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    problem = document_problem(name=name, size=upload.size)
    if problem:
        raise ValidationError({"file": problem})
    upload.seek(0)
    return name, b"".join(upload.chunks())


@transaction.atomic
def case_document_add(
    *,
    actor: Actor,
    case: Case,
    upload: File,
    kind: str,
    received_on: dt.date,
    description: str = "",
    acting_for: Owner | None = None,
) -> CaseDocument:
    """Keep a document that came in for the case: the file under its SHA-256, a record of
    what it is, when it came and who recorded it, and an entry in the chronology."""
    errors: dict[str, str] = {}
    if kind not in CaseDocument.Kind.values:
        errors["kind"] = KIND_NEEDED
    if received_on > clock.today():
        errors["received_on"] = "The date it was received cannot be in the future"
    try:
        name, data = _read(upload)
        file_type = checked_file_type(name=name, data=data)
    except ValueError as refusal:
        errors["file"] = str(refusal)
    except ValidationError as refusal:
        errors["file"] = refusal.message_dict["file"][0]
    if errors:
        raise ValidationError(errors)
    description = description.strip()
    label = CaseDocument.Kind(kind).label
    sha256 = store(data)
    event = _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.DOCUMENT,
        on=received_on,
        summary=f"{label}: {description or name}",
        rationale=f"{name}, {len(data):,} bytes, SHA-256 {sha256}",
        acting_for=acting_for,
        with_figures=False,
    )
    document = CaseDocument.objects.create(
        case=case,
        event=event,
        kind=kind,
        description=description[:300],
        original_name=name[:NAME_LIMIT],
        content_type=file_type.content_type,
        size=len(data),
        sha256=sha256,
        received_on=received_on,
        recorded_at=event.recorded_at,
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
    )
    _audit(
        case,
        actor,
        Verb.CASE_DOCUMENT_ADD,
        f"Document added to the case: {label} ({name})",
        document=document.pk,
        sha256=sha256,
        size=len(data),
        content_type=file_type.content_type,
    )
    return document
