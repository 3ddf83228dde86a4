"""The family section of the case page: the child's parents with their contact details and the
contacts recorded with them, the consent each parent and agency gave to share information, the
child's brothers and sisters, and the home local authority.

What a row says of a brother or sister at a school whose records the user may not read comes
from `rollcall.casework.family.SiblingGlimpse`, which holds nothing more to show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from rollcall.casework.family import (
    SiblingGlimpse,
    SiblingSeen,
    carer_contacts,
    carer_links_of,
    case_consents,
    case_siblings,
    consent_party,
    consent_standing,
    parent_basis,
    persistent_line,
)
from rollcall.casework.models import Case, CaseConsent, ChronologyEntry
from rollcall.casework.selectors import User
from rollcall.pupils.models import Carer, CarerLink


def _long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


@dataclass(frozen=True)
class ContactLine:
    when: str
    summary: str
    about: str  # the child the contact was about, when not this case's child
    school: str
    who: str


@dataclass(frozen=True)
class ConsentLine:
    day: str
    party: str
    decision: str
    tag: str  # the GOV.UK tag colour class
    covers: str
    note: str
    recorded: str


@dataclass(frozen=True)
class ParentCard:
    name: str
    relationship: str
    basis: str
    rows: list[dict[str, dict[str, str]]]
    consent: ConsentLine | None  # where they stand on sharing information now
    contacts: list[ContactLine]


@dataclass(frozen=True)
class SiblingLine:
    name: str
    href: str | None  # their attendance page, where the user may read it
    school: str
    related: str
    attendance: str
    persistent: bool
    cases: list[dict[str, str]]  # text, and href where the user may open the case
    glimpse: bool


@dataclass(frozen=True)
class FamilySection:
    parents: list[ParentCard]
    others: list[str]  # adults linked to the child who are not parents (EA96 s576)
    consents: list[ConsentLine]  # every decision, newest first
    standing: list[ConsentLine]  # each parent's and agency's latest decision
    siblings: list[SiblingLine]
    persistent_line: str
    home_local_authority: str
    consent_href: str | None
    home_local_authority_href: str | None


TAGS = {
    CaseConsent.Decision.GIVEN: "govuk-tag--green",
    CaseConsent.Decision.REFUSED: "govuk-tag--red",
    CaseConsent.Decision.WITHDRAWN: "govuk-tag--orange",
}


def _row(key: str, value: str) -> dict[str, dict[str, str]]:
    return {"key": {"text": key}, "value": {"text": value or "Not recorded"}}


def _address(carer: Carer) -> str:
    parts = [carer.address_line_1, carer.address_line_2, carer.town, carer.postcode]
    return ", ".join(part for part in parts if part)


def _contact_rows(link: CarerLink) -> list[dict[str, dict[str, str]]]:
    carer = link.carer
    phones = [
        f"{label}: {number}"
        for label, number in (
            ("Mobile", carer.mobile_phone),
            ("Home", carer.home_phone),
            ("Work", carer.work_phone),
        )
        if number
    ]
    letters = (
        f"Yes, consented {_long_date(carer.email_letters_consent_on)}"
        if carer.may_receive_letters_by_email and carer.email_letters_consent_on
        else "No: letters go by post or by hand"
    )
    return [
        _row("Address", _address(carer)),
        _row("Phone", "; ".join(phones)),
        _row("Email", carer.email),
        _row("Letters by email", letters),
        _row("Lives with the child", "Yes" if link.lives_with_pupil else "No"),
        _row("Parental responsibility", "Yes" if link.parental_responsibility else "No"),
    ]


def _contact(case: Case, entry: ChronologyEntry) -> ContactLine:
    when = timezone.localtime(entry.occurred_at)
    return ContactLine(
        when=f"{_long_date(when.date())} {when:%H:%M}",
        summary=entry.summary,
        about=entry.pupil.display_name if entry.pupil_id != case.pupil_id else "",
        school=entry.school.name,
        who=entry.recorded_by_label,
    )


def _consent(consent: CaseConsent) -> ConsentLine:
    recorded = timezone.localtime(consent.recorded_at)
    return ConsentLine(
        day=_long_date(consent.decided_on),
        party=consent.party_label,
        decision=consent.get_decision_display(),
        tag=TAGS.get(consent.decision, ""),  # type: ignore[call-overload]
        covers=consent.covers,
        note=consent.note,
        recorded=(
            f"Recorded {_long_date(recorded.date())} by {consent.recorded_by_label}, "
            f"{consent.organisation_label}"
        ),
    )


def _band(persistent: bool | None, line: str) -> str:
    if persistent is None:
        return "No sessions recorded this school year"
    if persistent:
        return f"Persistently absent: attendance {line} or below"
    return f"Attendance above {line}"


def _sibling(row: SiblingSeen | SiblingGlimpse, line: str) -> SiblingLine:
    if isinstance(row, SiblingGlimpse):
        return SiblingLine(
            name="A brother or sister",
            href=None,
            school=row.school_name or "Not on roll at a school today",
            related=row.related,
            attendance=_band(row.persistent, line),
            persistent=bool(row.persistent),
            cases=[{"text": f"Open case at the {stage} stage"} for stage in row.open_case_stages],
            glimpse=True,
        )
    attendance = _band(row.persistent, line)
    if row.attendance_pct is not None:
        attendance = (
            f"{row.attendance_pct}% this school year ({attendance[0].lower()}{attendance[1:]})"
        )
    return SiblingLine(
        name=row.pupil.display_name,
        href=reverse("analytics:pupil", args=[row.pupil.upn]),
        school=row.school.name if row.school else "Not on roll at a school today",
        related=row.related,
        attendance=attendance,
        persistent=bool(row.persistent),
        cases=[
            {
                "text": f"Case at the {case.stage} stage, run by {case.run_by}",
                **({"href": reverse("cases:detail", args=[case.case_id])} if case.case_id else {}),
            }
            for case in row.cases
        ],
        glimpse=False,
    )


def family_section(*, user: User, case: Case, today: dt.date, writable: bool) -> FamilySection:
    links = carer_links_of(pupil=case.pupil)
    parents = [link for link in links if parent_basis(link)]
    contacts = carer_contacts(user=user, carer_ids=[link.carer_id for link in parents])
    consents = case_consents(case=case)
    standing = consent_standing(consents)
    by_party = {consent_party(consent): _consent(consent) for consent in standing}
    line = f"{persistent_line(today):g}%"
    school_la = case.school.local_authority
    home = (
        f"{case.home_local_authority.name}: consulted; {school_la.name} enforces"
        if case.home_local_authority is not None
        else f"The school's own ({school_la.name})"
    )
    return FamilySection(
        parents=[
            ParentCard(
                name=link.carer.full_name,
                relationship=link.get_relationship_display(),
                basis="; ".join(parent_basis(link)).capitalize(),
                rows=_contact_rows(link),
                consent=by_party.get(("carer", str(link.carer_id))),
                contacts=[_contact(case, entry) for entry in contacts[link.carer_id]],
            )
            for link in parents
        ],
        others=[
            f"{link.carer.full_name} ({link.get_relationship_display().lower()})"
            for link in links
            if not parent_basis(link)
        ],
        consents=[_consent(consent) for consent in consents],
        standing=[_consent(consent) for consent in standing],
        siblings=[_sibling(row, line) for row in case_siblings(user=user, case=case, on=today)],
        persistent_line=line,
        home_local_authority=home,
        consent_href=reverse("cases:consent", args=[case.pk]) if writable else None,
        home_local_authority_href=(
            reverse("cases:home_local_authority", args=[case.pk]) if writable else None
        ),
    )
