"""Writes for the pupil's chronology. Entries are appended; nothing is changed or deleted."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rollcall.casework.models import ChronologyEntry
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.pupils.models import Carer, CarerLink, Pupil

REASON_NEEDED = "Write down the reason the parent or carer gave"
WORDS_NEEDED = (
    "Copy in the words of the {what} as the school's messaging system sent them, so the record "
    "shows what the parent was told"
)
SENT_IN_WORDS = (ChronologyEntry.Kind.TEXT_MESSAGE, ChronologyEntry.Kind.EMAIL)


def _carer_label(link: CarerLink) -> str:
    return f"{link.carer.full_name} ({link.get_relationship_display().lower()})"


def contact_summary(*, kind: str, outcome: str, carer_label: str, reason: str) -> str:
    """One readable sentence, e.g. 'Phone call to Ann Lee (mother): no answer'."""
    what = ChronologyEntry.Kind(kind).label
    to = f" to {carer_label}" if carer_label else ""
    result = ChronologyEntry.Outcome(outcome).label.lower()
    return f"{what}{to}: {result}" + (f": {reason}" if reason else "")


@transaction.atomic
def chronology_entry_add(
    *,
    actor: Actor,
    pupil: Pupil,
    school: School,
    kind: str,
    outcome: str,
    occurred_at: dt.datetime,
    absence_date: dt.date | None = None,
    carer: Carer | None = None,
    reason: str = "",
    note: str = "",
    words: str = "",
) -> ChronologyEntry:
    """Append a contact with a pupil's family to the pupil's chronology, with its audit event.

    `absence_date` is the school day whose absence the contact follows up; the contact is shown
    on that day's follow-up however many days later it was made."""
    errors: dict[str, str] = {}
    if kind not in ChronologyEntry.Kind.values:
        errors["kind"] = (
            "Choose how you made contact: phone call, text message, home visit or email"
        )
    if outcome not in ChronologyEntry.Outcome.values:
        errors["outcome"] = "Choose what happened: reached, no answer, message left or reason given"
    reason = reason.strip()
    if outcome == ChronologyEntry.Outcome.REASON_GIVEN and not reason:
        errors["reason"] = REASON_NEEDED
    words = words.strip()
    if kind in SENT_IN_WORDS and not words:
        errors["words"] = WORDS_NEEDED.format(what=ChronologyEntry.Kind(kind).label.lower())
    if len(reason) > 500:
        errors["reason"] = f"The reason is {len(reason)} characters long; keep it to 500"
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = "The time of the contact needs a time zone"
    elif occurred_at > clock.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = (
            f"The contact cannot be in the future ({occurred_at:%d %B %Y %H:%M})"
        )
    if (
        absence_date is not None
        and "occurred_at" not in errors
        and absence_date > timezone.localdate(occurred_at)
    ):
        errors["absence_date"] = (
            f"A contact on {timezone.localdate(occurred_at):%d %B %Y} cannot follow up an "
            f"absence on a later day ({absence_date:%d %B %Y})"
        )
    if not pupil.enrolments.filter(school=school).exists():
        errors["pupil"] = f"{pupil.display_name} has never been on roll at {school.name}"
    link = None
    if carer is not None:
        link = pupil.carer_links.select_related("carer").filter(carer=carer).first()
        if link is None:
            errors["carer"] = f"{carer.full_name} is not linked to {pupil.display_name}"
    if errors:
        raise ValidationError(errors)
    carer_label = _carer_label(link) if link is not None else ""
    entry = ChronologyEntry.objects.create(
        pupil=pupil,
        school=school,
        kind=kind,
        outcome=outcome,
        reason=reason,
        carer=carer,
        carer_label=carer_label,
        occurred_at=occurred_at,
        absence_date=absence_date,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        summary=contact_summary(kind=kind, outcome=outcome, carer_label=carer_label, reason=reason),
        note=note.strip(),
        words=words if kind in SENT_IN_WORDS else "",
    )
    audit_record(
        actor=actor,
        verb=Verb.CHRONOLOGY_ADD,
        target=entry,
        summary=f"{pupil.upn}: {entry.summary}",
        school_urn=school.urn,
        payload={
            "kind": kind,
            "outcome": outcome,
            "carer_id": carer.pk if carer else None,
            "absence_date": absence_date.isoformat() if absence_date else None,
        },
    )
    return entry
