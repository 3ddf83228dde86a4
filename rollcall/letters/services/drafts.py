"""Preparing a letter on a case, rewording its paragraphs, previewing it, and issuing it: one
letter of record to each parent, each its own PDF at the parent's own address; or, for the
letters a profile sends to a school (`to: school`), one letter to the school's headteacher at
the school's address: the case's school, or the school a School Attendance Order is to name
(EA96 s439), chosen from the schools in the area or written in by the officer."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.documents import sha256_of, store
from rollcall.casework.models import Case, CaseEvent, CaseMeeting
from rollcall.casework.selectors import case_organisation_key
from rollcall.casework.services.cases import case_event_record
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.letters.catalogue import NAMED_SCHOOL, Wording, fill, latest_wording, wording_version
from rollcall.letters.models import Letter, LetterDraft
from rollcall.letters.render import LAYOUT_VERSION, LetterContent, letter_render, salutation
from rollcall.letters.selectors import (
    SchoolAddressee,
    draft_addressee,
    email_shared_with,
    latest_return_conversation,
    letter_fields,
    letter_recipients,
    long_date,
    meeting_contract,
    postal_address,
    school_address,
)
from rollcall.organisations.models import LocalAuthority, School, Trust
from rollcall.policies import load_profile
from rollcall.policies.documents import Letter as LetterEntry
from rollcall.pupils.models import CarerLink
from rollcall.registers.models import LeaveRequest

Organisation = School | Trust | LocalAuthority

NOT_IN_PROFILE = "{title} is not among the letters {profile} sends"
NO_WORDING = "rollcall has no wording yet for {title}"
CHOOSE_SCHOOL = (
    "Choose the school the School Attendance Order is to name, or write in its name and address"
)
SCHOOL_TWICE = "Choose a school from the list or write one in, not both"
SCHOOL_NAME = "Write in the school's name"
SCHOOL_ADDRESS = "Write in the school's postal address"
SCHOOL_OUTSIDE = "{school} is not a school in {area}: write in its name and address instead"
CASE_SCHOOL_ONLY = "{title} goes to {school}, the child's school: it cannot be addressed to another"
NOT_TO_SCHOOL = "{title} goes to the parents, not to a school"
SCHOOL_UNREACHABLE = (
    "{school} cannot be sent this letter: rollcall holds no postal address and no email "
    "address for it. Add them to the school's record, or write in the school's name and address"
)
NO_CONVERSATION = "Record the return-to-school conversation first: the letter reports it"
GAP = "[not recorded]"
GAP_LEFT = "Paragraph {number} still reads {gap}: write it in or remove it"
EMPTY = "Paragraph {number} is empty"
FIXED = "Paragraph {number} is the letter's fixed wording and cannot be changed"
NO_PARENTS = "No parent of {child} is recorded, so there is nobody to write to"
UNREACHABLE = (
    "{parent} cannot be sent this letter: no postal address is recorded, and no email "
    "address of their own with their written consent to letters by email"
)
# No 0/O or 1/I, so a reference read out over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _reference() -> str:
    return "LT-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _entry(case: Case, letter_key: str) -> LetterEntry:
    profile = load_profile(case.profile_key)
    entry = profile.letters.get(letter_key)
    if entry is None:
        raise ValidationError(
            {"letter": NOT_IN_PROFILE.format(title=letter_key, profile=profile.name)}
        )
    return entry


def _person_name(actor: Actor) -> str:
    if actor is None:
        return "rollcall"
    return actor.get_full_name() or actor.get_username()


@transaction.atomic
def letter_draft_create(
    *,
    actor: Actor,
    case: Case,
    letter_key: str,
    acting_for: Organisation,
    on: dt.date,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    meeting: CaseMeeting | None = None,
    leave_request: LeaveRequest | None = None,
    school: School | None = None,
    school_name: str = "",
    school_address: str = "",
) -> LetterDraft:
    """Start a letter from the latest wording the profile's letter has, filled from the
    record as it stands `on`. A letter to a school goes to the case's school, or, where it
    states the school an order is to name, to `school` (one in the area) or to the school
    the officer writes in (`school_name`, `school_address` one line a line)."""
    entry = _entry(case, letter_key)
    wording = latest_wording(letter_key)
    if wording is None:
        raise ValidationError({"letter": NO_WORDING.format(title=entry.title)})
    errors: dict[str, str] = _addressee_errors(
        case=case,
        entry=entry,
        wording=wording,
        school=school,
        school_name=school_name.strip(),
        school_address=school_address.strip(),
    )
    if "return_conversation" in wording.needs and latest_return_conversation(case=case) is None:
        errors["letter"] = NO_CONVERSATION
    if "period" in wording.needs:
        if period_from is None or period_to is None:
            errors["period_from"] = "Give the period the letter's figures cover"
        elif period_to < period_from:
            errors["period_to"] = "The end of the period is before its start"
        elif period_to > on:
            errors["period_to"] = "The period cannot end after today"
    needs_meeting = {"meeting", "meeting_record", "contract"} & set(wording.needs)
    if needs_meeting and meeting is None:
        errors["meeting"] = "Choose the meeting the letter is about"
    elif "meeting_record" in wording.needs and getattr(meeting, "record", None) is None:
        errors["meeting"] = "Record what happened at the meeting first: the letter reports it"
    elif "contract" in wording.needs and meeting_contract(meeting=meeting) is None:  # type: ignore[arg-type]
        errors["meeting"] = "No attendance contract was agreed at that meeting"
    if "leave_request" in wording.needs and leave_request is None:
        errors["leave_request"] = "Choose the request for leave the letter answers"
    if errors:
        raise ValidationError(errors)
    fields = letter_fields(
        case=case,
        wording=wording,
        dated=on,
        contact_name=_person_name(actor),
        organisation=acting_for.name,
        period_from=period_from,
        period_to=period_to,
        meeting=meeting,
        leave_request=leave_request,
    )
    if entry.to == "school" and not wording.names_a_school:
        school, school_name, school_address = case.school, "", ""
    if entry.to == "school" and wording.names_a_school:
        fields[NAMED_SCHOOL] = school.name if school is not None else school_name.strip()
    draft = LetterDraft.objects.create(
        case=case,
        letter_key=letter_key,
        title=entry.title,
        wording_version=wording.version,
        heading=fill(wording.heading, fields),
        paragraphs=[
            {"name": p.name, "text": fill(p.text, fields), "editable": p.editable}
            for p in wording.paragraphs
        ],
        period_from=period_from if "period" in wording.needs else None,
        period_to=period_to if "period" in wording.needs else None,
        meeting=meeting if needs_meeting else None,
        leave_request=leave_request if "leave_request" in wording.needs else None,
        fields=fields,
        school=school if entry.to == "school" else None,
        school_name=school_name.strip() if entry.to == "school" and school is None else "",
        school_address=(
            "\n".join(line.strip() for line in school_address.splitlines() if line.strip())
            if entry.to == "school" and school is None
            else ""
        ),
        organisation_key=case_organisation_key(acting_for),
        organisation_label=acting_for.name,
        created_at=clock.now(),
        created_by=actor,
        created_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.LETTER_DRAFT,
        target=draft,
        summary=f"Letter prepared: {entry.title} ({wording.reference})",
        school_urn=case.school.urn,
        payload={"case": case.pk, "letter": letter_key, "wording": wording.reference},
    )
    return draft


def _addressee_errors(
    *,
    case: Case,
    entry: LetterEntry,
    wording: Wording,
    school: School | None,
    school_name: str,
    school_address: str,
) -> dict[str, str]:
    """What is wrong with whom the letter is addressed to, by form field."""
    chosen = school is not None
    written = bool(school_name or school_address)
    if entry.to != "school":
        return {"school": NOT_TO_SCHOOL.format(title=entry.title)} if chosen or written else {}
    if not wording.names_a_school:
        if written or (chosen and school != case.school):
            return {"school": CASE_SCHOOL_ONLY.format(title=entry.title, school=case.school.name)}
        return {}
    if school is not None:
        if written:
            return {"school": SCHOOL_TWICE}
        area = case.school.local_authority
        if school.local_authority_id != area.pk:
            return {"school": SCHOOL_OUTSIDE.format(school=school.name, area=area.name)}
        return {}
    if not written:
        return {"school": CHOOSE_SCHOOL}
    errors = {}
    if not school_name:
        errors["school_name"] = SCHOOL_NAME
    if not school_address:
        errors["school_address"] = SCHOOL_ADDRESS
    return errors


@transaction.atomic
def letter_draft_edit(*, actor: Actor, draft: LetterDraft, texts: list[str]) -> LetterDraft:
    """Reword the draft's editable paragraphs (the fixed ones must come back unchanged)."""
    if draft.issued_at is not None:
        raise ValidationError("This letter has been issued: a correction is a new letter")
    if len(texts) != len(draft.paragraphs):
        raise ValidationError("The letter's paragraphs have changed since the page was opened")
    errors: dict[str, str] = {}
    paragraphs = []
    for number, (paragraph, text) in enumerate(zip(draft.paragraphs, texts, strict=True), 1):
        text = " ".join(text.split())
        if not paragraph["editable"] and text != paragraph["text"]:
            errors[f"paragraph_{number}"] = FIXED.format(number=number)
        elif not text:
            errors[f"paragraph_{number}"] = EMPTY.format(number=number)
        paragraphs.append({**paragraph, "text": text})
    if errors:
        raise ValidationError(errors)
    changed = [p["name"] for p, old in zip(paragraphs, draft.paragraphs, strict=True) if p != old]
    LetterDraft.objects.filter(pk=draft.pk).update(paragraphs=paragraphs)
    draft.paragraphs = paragraphs
    audit_record(
        actor=actor,
        verb=Verb.LETTER_DRAFT_EDIT,
        target=draft,
        summary=f"Letter reworded: {draft.title} ({', '.join(changed) or 'no change'})",
        school_urn=draft.case.school.urn,
        payload={"case": draft.case_id, "paragraphs": changed},
    )
    return draft


def _relationship(link: CarerLink, child_first: str) -> str:
    return f"{child_first}'s {link.get_relationship_display().lower()}"


def _copies(case: Case, entry: LetterEntry) -> list[str]:
    names = {
        "school": case.school.name,
        "local_authority_officer": f"the {case.school.local_authority.name} attendance officer",
    }
    return [names[who] for who in entry.copies]


def _email_line(link: CarerLink) -> str:
    carer = link.carer
    if carer.may_receive_letters_by_email and not email_shared_with(carer=carer):
        return carer.email.strip()
    return ""


def _content(
    *,
    draft: LetterDraft,
    wording: Wording,
    link: CarerLink,
    reference: str,
    dated: dt.date,
    copies: list[str],
) -> LetterContent:
    case = draft.case
    pupil = case.pupil
    child_first = pupil.preferred_forename or pupil.legal_forename
    address = postal_address(link.carer)
    if not address and _email_line(link):
        address = (_email_line(link),)
    return LetterContent(
        reference=reference,
        title=draft.title,
        template_version=wording.reference,
        layout_version=LAYOUT_VERSION,
        organisation=draft.organisation_label,
        sender_address=_sender_address(draft),
        recipient_name=link.carer.full_name,
        salutation=salutation(
            title=link.carer.title, forename=link.carer.forename, surname=link.carer.surname
        ),
        recipient_address=address,
        relationship=_relationship(link, child_first),
        date=long_date(dated),
        heading=draft.heading,
        paragraphs=tuple(p["text"] for p in draft.paragraphs),
        signed_by=str(draft.fields.get("contact_name", draft.created_by_label)),
        child=pupil.display_name,
        copies=" and ".join(copies),
    )


def _sender_address(draft: LetterDraft) -> tuple[str, ...]:
    case = draft.case
    if draft.organisation_key == case_organisation_key(case.school):
        return school_address(case.school)
    return ()


def _school_content(
    *,
    draft: LetterDraft,
    wording: Wording,
    addressee: SchoolAddressee,
    reference: str,
    dated: dt.date,
    copies: list[str],
) -> LetterContent:
    """The one letter to a school: to its headteacher, at the school's address (or, with no
    postal address recorded, its email address), naming no parent as its recipient."""
    case = draft.case
    address = (addressee.name, *addressee.address) if addressee.address else ()
    if not address and addressee.email:
        address = (addressee.name, addressee.email)
    return LetterContent(
        reference=reference,
        title=draft.title,
        template_version=wording.reference,
        layout_version=LAYOUT_VERSION,
        organisation=draft.organisation_label,
        sender_address=_sender_address(draft),
        recipient_name=addressee.headteacher,
        salutation=addressee.greeting,
        recipient_address=address,
        relationship=addressee.relationship,
        date=long_date(dated),
        heading=draft.heading,
        paragraphs=tuple(p["text"] for p in draft.paragraphs),
        signed_by=str(draft.fields.get("contact_name", draft.created_by_label)),
        child=case.pupil.display_name,
        copies=" and ".join(copies),
        school=addressee.name,
    )


def _check_ready(draft: LetterDraft) -> None:
    errors = {
        f"paragraph_{number}": GAP_LEFT.format(number=number, gap=GAP)
        for number, paragraph in enumerate(draft.paragraphs, 1)
        if GAP in paragraph["text"]
    }
    if GAP in draft.heading:
        errors["heading"] = f"The heading still reads {GAP}"
    if errors:
        raise ValidationError(errors)


def _unreachable(links: list[CarerLink]) -> list[str]:
    return [
        UNREACHABLE.format(
            parent=f"{link.carer.full_name} ({link.get_relationship_display().lower()})"
        )
        for link in links
        if not postal_address(link.carer) and not _email_line(link)
    ]


def letter_preview(*, draft: LetterDraft, link: CarerLink | None, on: dt.date) -> bytes:
    """The PDF the parent (`link`) or, for a letter to a school (no `link`), the school would
    get, marked as a preview: nothing is stored or recorded."""
    wording = wording_version(draft.letter_key, draft.wording_version)
    entry = _entry(draft.case, draft.letter_key)
    copies = _copies(draft.case, entry)
    if link is None:
        if entry.to != "school":
            raise ValidationError(NOT_TO_SCHOOL.format(title=entry.title))
        content = _school_content(
            draft=draft,
            wording=wording,
            addressee=draft_addressee(draft),
            reference="PREVIEW",
            dated=on,
            copies=copies,
        )
    else:
        content = _content(
            draft=draft, wording=wording, link=link, reference="PREVIEW", dated=on, copies=copies
        )
    return letter_render(content)


@dataclass(frozen=True)
class LettersReady:
    """A draft checked and addressed: each parent's letter content (or the school's one),
    not yet rendered."""

    draft: LetterDraft
    wording: Wording
    on: dt.date
    links: tuple[CarerLink, ...]  # none for a letter to a school
    contents: tuple[LetterContent, ...]
    school: SchoolAddressee | None = None


def _new_reference() -> str:
    reference = _reference()
    while Letter.objects.filter(reference=reference).exists():
        reference = _reference()
    return reference


def letters_prepare(*, draft: LetterDraft, on: dt.date) -> LettersReady:
    """Check that the draft can be issued to every parent the profile sends it to and make
    each parent's letter content. Refused, naming the parent and what is missing, if any
    parent could not be sent it."""
    if draft.issued_at is not None:
        raise ValidationError("This letter has already been issued")
    case = draft.case
    entry = _entry(case, draft.letter_key)
    _check_ready(draft)
    wording = wording_version(draft.letter_key, draft.wording_version)
    if entry.to == "school":
        addressee = draft_addressee(draft)
        if not addressee.address and not addressee.email:
            raise ValidationError(SCHOOL_UNREACHABLE.format(school=addressee.name))
        content = _school_content(
            draft=draft,
            wording=wording,
            addressee=addressee,
            reference=_new_reference(),
            dated=on,
            copies=_copies(case, entry),
        )
        return LettersReady(draft, wording, on, (), (content,), school=addressee)
    links = letter_recipients(case=case, entry=entry)
    if not links:
        raise ValidationError(NO_PARENTS.format(child=case.pupil.display_name))
    problems = _unreachable(links)
    if problems:
        raise ValidationError(problems)
    copies = _copies(case, entry)
    contents = [
        _content(
            draft=draft,
            wording=wording,
            link=link,
            reference=_new_reference(),
            dated=on,
            copies=copies,
        )
        for link in links
    ]
    return LettersReady(draft, wording, on, tuple(links), tuple(contents))


def letters_issue(*, actor: Actor, draft: LetterDraft, on: dt.date) -> list[Letter]:
    """Make the letter of record for each parent the profile sends it to: its PDF (stored by
    its SHA-256), its wording version, and its entry in the case's chronology. Refused, naming
    the parent and what is missing, if any parent could not be sent it.

    The PDFs are rendered before the transaction that records them (as for certificates: on
    SQLite a write transaction holds every other writer)."""
    ready = letters_prepare(draft=draft, on=on)
    pdfs = [letter_render(content) for content in ready.contents]
    return letters_record(actor=actor, ready=ready, pdfs=pdfs)


def letters_record(
    *,
    actor: Actor,
    ready: LettersReady,
    pdfs: list[bytes],
    then: Callable[[list[Letter]], None] | None = None,
) -> list[Letter]:
    """Record the letters of a prepared draft from their rendered PDFs; `then` runs inside
    the same transaction (a batch notes which of its parents each letter went to)."""
    if ready.school is not None:
        (content,) = ready.contents
        (pdf,) = pdfs
        rendered = [_Rendered(None, content.reference, content, pdf, ready.school)]
    else:
        rendered = [
            _Rendered(link, content.reference, content, pdf)
            for link, content, pdf in zip(ready.links, ready.contents, pdfs, strict=True)
        ]
    return _record(
        actor=actor,
        draft=ready.draft,
        wording=ready.wording,
        on=ready.on,
        rendered=rendered,
        then=then,
    )


@dataclass(frozen=True)
class _Rendered:
    link: CarerLink | None  # None: the letter to a school
    reference: str
    content: LetterContent
    pdf: bytes
    school: SchoolAddressee | None = None

    @property
    def recipient_name(self) -> str:
        """As the letters table and the chronology name the recipient."""
        if self.school is not None:
            return f"{self.content.recipient_name}, {self.school.name}"
        return self.content.recipient_name

    @property
    def address(self) -> str:
        """The postal address printed on the letter, one line a line."""
        if self.school is not None:
            lines = (self.school.name, *self.school.address) if self.school.address else ()
            return "\n".join(lines)
        assert self.link is not None
        return "\n".join(postal_address(self.link.carer))


@transaction.atomic
def _record(
    *,
    actor: Actor,
    draft: LetterDraft,
    wording: Wording,
    on: dt.date,
    rendered: list[_Rendered],
    then: Callable[[list[Letter]], None] | None = None,
) -> list[Letter]:
    locked = LetterDraft.objects.select_for_update().get(pk=draft.pk)
    copies = _copies(draft.case, _entry(draft.case, draft.letter_key))
    if locked.issued_at is not None:
        raise ValidationError("This letter has already been issued")
    case = draft.case
    letters = []
    for item in rendered:
        sha256 = store(item.pdf)
        assert sha256 == sha256_of(item.pdf)
        name = item.recipient_name
        event = case_event_record(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.LETTER,
            on=on,
            summary=(
                f"{draft.title}: letter {item.reference} to {name} ({item.content.relationship})"
            ),
            rationale=f"Wording {wording.reference}; PDF SHA-256 {sha256}",
            acting_for=_organisation_of(case, draft),
            with_figures=False,
        )
        letters.append(
            Letter.objects.create(
                reference=item.reference,
                case=case,
                draft=draft,
                carer=item.link.carer if item.link is not None else None,
                school=item.school.school if item.school is not None else None,
                recipient_name=name,
                relationship=item.content.relationship,
                parental_responsibility=(
                    item.link.parental_responsibility if item.link is not None else False
                ),
                address=item.address,
                salutation=item.content.salutation,
                letter_key=draft.letter_key,
                title=draft.title,
                template_version=wording.reference,
                template_sha256=wording.sha256,
                layout_version=LAYOUT_VERSION,
                heading=draft.heading,
                paragraphs=list(item.content.paragraphs),
                copies_to=copies,
                sha256=sha256,
                size=len(item.pdf),
                dated=on,
                issued_at=clock.now(),
                issued_by=actor,
                issued_by_label=actor_label(actor),
                organisation_label=draft.organisation_label,
                event=event,
            )
        )
    LetterDraft.objects.filter(pk=draft.pk).update(issued_at=clock.now())
    draft.issued_at = clock.now()
    audit_record(
        actor=actor,
        verb=Verb.LETTER_ISSUE,
        target=case,
        summary=(
            f"Issued {draft.title} to " + ", ".join(letter.recipient_name for letter in letters)
        ),
        school_urn=case.school.urn,
        payload={
            "case": case.pk,
            "wording": wording.reference,
            "letters": [
                {
                    "reference": letter.reference,
                    "carer": letter.carer_id,
                    "school": letter.school_id,
                    "sha256": letter.sha256,
                }
                for letter in letters
            ],
        },
    )
    if then is not None:
        then(letters)
    return letters


def _organisation_of(case: Case, draft: LetterDraft) -> Any:
    """The organisation the draft was written for (its label and key are on the draft)."""
    for organisation in (
        case.school,
        case.owner_school,
        case.owner_trust,
        case.owner_local_authority,
        case.school.local_authority,
    ):
        if (
            organisation is not None
            and case_organisation_key(organisation) == draft.organisation_key
        ):
            return organisation
    return None
