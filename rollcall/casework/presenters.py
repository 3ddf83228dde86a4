"""The first-day follow-up page as plain data: who to chase, how to reach their family, and the
contacts already made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.forms import Form
from django.urls import reverse
from django.utils import timezone

from rollcall.casework.forms import ContactForm
from rollcall.casework.selectors import FollowUpPupil, chronology_for, follow_up_list
from rollcall.organisations.models import School
from rollcall.pupils.models import CarerLink, Pupil
from rollcall.registers.presenters.common import (
    DASH,
    SESSION_NAMES,
    ErrorItem,
    day_label,
    error_items,
    meaning,
    time_label,
)


@dataclass(frozen=True)
class Flag:
    text: str
    colour: str


@dataclass(frozen=True)
class CarerLine:
    name: str
    relationship: str
    responsibility: str
    lives_with: str
    phones: list[str]
    email: str


@dataclass(frozen=True)
class ContactLine:
    time: str
    summary: str
    note: str
    who: str


@dataclass(frozen=True)
class FollowUpCard:
    anchor: str
    pupil_id: int
    name: str
    pupil_href: str
    group: str
    marks: list[str]
    flags: list[Flag]
    chase_first: bool
    social_worker: str
    absence: str
    carers: list[CarerLine]
    contacts: list[ContactLine]
    form: ContactForm  # the one just sent for this pupil, or an empty one
    errors: list[ErrorItem]  # the form's, each named with the pupil


@dataclass(frozen=True)
class FollowUpSchool:
    name: str
    urn: str
    cards: list[FollowUpCard]
    chase_first_count: int


@dataclass(frozen=True)
class FollowUpPage:
    day_label: str
    day_value: str
    day_form: Form
    schools: list[FollowUpSchool]
    total: int
    errors: list[ErrorItem]


def _flags(row: FollowUpPupil) -> list[Flag]:
    pupil, welfare = row.pupil, row.welfare
    flags = []
    if welfare and welfare.has_social_worker:
        flags.append(Flag("Social worker", "red"))
    if welfare and welfare.looked_after:
        flags.append(Flag("Looked after", "red"))
    if welfare and welfare.child_protection_plan:
        flags.append(Flag("Child protection plan", "red"))
    if row.absence.severe:
        flags.append(Flag("Severe absence", "orange"))
    if pupil.sen_provision == pupil.SenProvision.EHC_PLAN:
        flags.append(Flag("EHC plan", "purple"))
    for condition in row.conditions:
        flags.append(Flag(condition.label, "yellow"))
    return flags


def _carer(link: CarerLink) -> CarerLine:
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
    return CarerLine(
        name=carer.full_name,
        relationship=link.get_relationship_display(),
        responsibility="Yes" if link.parental_responsibility else "No",
        lives_with="Yes" if link.lives_with_pupil else "No",
        phones=phones or ["No phone number recorded"],
        email=carer.email or "None recorded",
    )


def _form(row: FollowUpPupil, bound: ContactForm | None) -> ContactForm:
    if bound is not None and bound.data.get("pupil") == str(row.pupil.pk):
        return bound
    return ContactForm(pupil_id=row.pupil.pk, carers=row.carer_links)


def _card(
    row: FollowUpPupil, school: School, day: dt.date, bound: ContactForm | None
) -> FollowUpCard:
    pupil = row.pupil
    form = _form(row, bound)
    group = row.enrolment.registration_group if row.enrolment else None
    absence = row.absence
    return FollowUpCard(
        anchor=f"pupil-{pupil.pk}",
        pupil_id=pupil.pk,
        name=pupil.display_name,
        pupil_href=reverse("casework:pupil", args=[school.urn, pupil.pk]),
        group=group.name if group else "",
        marks=[
            f"{SESSION_NAMES[session].capitalize()}: {mark.code} {DASH} "
            f"{meaning(mark.code, day)}"
            + (f" (first marked {mark.original_code})" if mark.original_code != mark.code else "")
            for session, mark in sorted(row.marks.items())
        ],
        flags=_flags(row),
        chase_first=row.chase_first,
        social_worker=row.welfare.social_worker if row.welfare else "",
        absence=(
            f"Absent {absence.absent} of {absence.possible} possible sessions this school year "
            f"({absence.percent:.0f}%)"
            if absence.possible
            else "No earlier sessions this school year"
        ),
        carers=[_carer(link) for link in row.carer_links],
        contacts=[
            ContactLine(
                time=_contact_time(entry.occurred_at, day=day),
                summary=entry.summary,
                note=entry.detail,
                who=entry.recorded_by_label,
            )
            for entry in row.contacts
        ],
        form=form,
        errors=[
            ErrorItem(f"{pupil.display_name}: {error.text}", error.href)
            for error in error_items(form)
        ],
    )


def _contact_time(occurred_at: dt.datetime, *, day: dt.date) -> str:
    """The time of a contact, with its date when it was made on a later day than the absence."""
    local = timezone.localtime(occurred_at)
    if local.date() == day:
        return f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def follow_up_page(
    *,
    schools: Sequence[School],
    day: dt.date,
    day_form: Form,
    bound: ContactForm | None,
    today: dt.date | None = None,
) -> FollowUpPage:
    """`today` decides whose welfare flags show (pupils still on roll today); without it, the
    day followed up stands in for it."""
    found = []
    for school in schools:
        rows = follow_up_list(school=school, day=day, today=today)
        posted_here = bound is not None and bound.data.get("school") == school.urn
        cards = [_card(row, school, day, bound if posted_here else None) for row in rows]
        found.append(
            FollowUpSchool(
                name=school.name,
                urn=school.urn,
                cards=cards,
                chase_first_count=sum(1 for card in cards if card.chase_first),
            )
        )
    return FollowUpPage(
        day_label=day_label(day),
        day_value=day.isoformat(),
        day_form=day_form,
        schools=found,
        total=sum(len(s.cards) for s in found),
        errors=[error for s in found for card in s.cards for error in card.errors],
    )


# ------------------------------------------------------------------ the pupil's chronology


@dataclass(frozen=True)
class ChronologyLine:
    when: str
    summary: str
    note: str
    who: str


def chronology_lines(*, pupil: Pupil, school: School) -> list[ChronologyLine]:
    """The pupil's chronology at the school, newest first, as the pupil's record shows it."""
    return [
        ChronologyLine(
            when=time_label(entry.occurred_at),
            summary=entry.summary,
            note=entry.detail,
            who=entry.recorded_by_label,
        )
        for entry in chronology_for(pupil=pupil, school=school)
    ]
