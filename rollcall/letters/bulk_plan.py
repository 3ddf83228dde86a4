"""Who a letter in bulk goes to: the children in a list at one school (those a sweep found for
a trigger over some days, for example newly below 90 % this week, or every child with an open
case), each child's open case, each parent the profile sends the letter to, and the channel for
each parent (email to their own address with their written consent, otherwise first-class
post). A child is left out, with the reason, when they have no open case at the school, when
the user may not write their case, when the record lacks something the letter states, or when
a parent cannot be reached (naming the parent and what is missing): a letter goes to each of a
child's parents or to none (docs/adr/0019).

Nothing here writes: the preview page shows a plan, and creating the batch makes it again and
keeps it (`services.bulk.letter_batch_create`).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from rollcall.accounts.selectors import User
from rollcall.analytics.models import KIND_LABELS, WorklistItem, kind_label
from rollcall.casework.models import Case
from rollcall.casework.selectors import acting_for
from rollcall.letters.catalogue import Wording, fill, latest_wording
from rollcall.letters.selectors import (
    email_shared_with,
    letter_fields,
    letter_recipients,
    long_date,
    postal_address,
)
from rollcall.organisations.models import School
from rollcall.policies import load_profile
from rollcall.policies.documents import Letter as LetterEntry
from rollcall.pupils.models import CarerLink, Pupil

EVERY_OPEN_CASE = "open_cases"
# What a letter in bulk may need from the record: a period's figures and dates the profile
# and the calendar give. A letter about one meeting or one request is written case by case.
BULK_NEEDS = frozenset({"period", "fast_track", "notice_to_improve"})

NO_CASE = "No open case at {school}: open a case for {child} first (letters are kept on cases)"
NOT_WRITER = "{child}'s case is run by {owner}: only they can write its letters"
NOT_IN_PROFILE = "{title} is not among the letters {child}'s case sends ({profile})"
GAP = "The record holds no {what}, which the letter states: prepare {child}'s letter on the case"
NO_PARENT = "No parent of {child} is recorded"
HELD_BACK = "Held back, so that each parent is written to: "
CANNOT_REACH = "{parent} cannot be reached: {missing}"
CONSENT_NOT_ALLOWED = "{profile} does not send letters by email"


@dataclass(frozen=True)
class PlannedLetter:
    case: Case
    link: CarerLink
    child: str
    parent: str  # "Ms Jo Stone"
    relationship: str  # "Ada's mother"
    channel: str  # "post" or "email"
    sent_to: str  # the address, one line a line, or the email address


@dataclass(frozen=True)
class LeftOut:
    child: str
    reason: str


@dataclass
class BatchPlan:
    school: School
    letter_key: str
    title: str
    list_label: str
    period_from: dt.date | None
    period_to: dt.date | None
    on: dt.date
    letters: list[PlannedLetter] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def by_post(self) -> int:
        return sum(1 for letter in self.letters if letter.channel == "post")

    @property
    def by_email(self) -> int:
        return sum(1 for letter in self.letters if letter.channel == "email")


def bulk_letters(*, school: School) -> list[tuple[str, str]]:
    """The school profile's letters to parents that can go in bulk: those with wording that
    needs nothing but the record and a period."""
    profile = load_profile(school.effective_policy_profile)
    choices = []
    for key, entry in profile.letters.items():
        wording = latest_wording(key)
        if entry.to == "parents" and wording is not None and set(wording.needs) <= BULK_NEEDS:
            choices.append((key, entry.title))
    return choices


def bulk_lists(*, school: School) -> list[tuple[str, str]]:
    """The lists a batch can be drawn from: every child with an open case, or the children for
    whom the sweep found a trigger (the national kinds and the profile's own triggers)."""
    profile = load_profile(school.effective_policy_profile)
    kinds = [*KIND_LABELS]
    kinds += [f"attendance:{trigger.key}" for trigger in profile.attendance_triggers]
    return [
        (EVERY_OPEN_CASE, "Every child with an open case"),
        *((k, kind_label(k)) for k in kinds),
    ]


def list_label(*, list_kind: str, met_from: dt.date | None, met_to: dt.date | None) -> str:
    if list_kind == EVERY_OPEN_CASE:
        return "Every child with an open case"
    when = ""
    if met_from and met_to:
        when = f", met {long_date(met_from)} to {long_date(met_to)}"
    return f"{kind_label(list_kind)}{when}"


def list_children(
    *, school: School, list_kind: str, met_from: dt.date | None, met_to: dt.date | None
) -> list[Pupil]:
    """The children in the list, by surname and forename."""
    if list_kind == EVERY_OPEN_CASE:
        pupils = Pupil.objects.filter(
            pk__in=Case.objects.filter(school=school)
            .exclude(status=Case.Status.CLOSED)
            .values("pupil_id")
        )
    else:
        items = WorklistItem.objects.filter(school=school, kind=list_kind).exclude(
            status=WorklistItem.Status.WITHDRAWN
        )
        if met_from is not None:
            items = items.filter(met_on__gte=met_from)
        if met_to is not None:
            items = items.filter(met_on__lte=met_to)
        pupils = Pupil.objects.filter(pk__in=items.values("pupil_id"))
    return list(pupils.order_by("legal_surname", "legal_forename", "id"))


def _open_cases(school: School, pupils: list[Pupil]) -> dict[int, Case]:
    cases: dict[int, Case] = {}
    for case in (
        Case.objects.filter(school=school, pupil__in=pupils)
        .exclude(status=Case.Status.CLOSED)
        .select_related("pupil", "school__local_authority", "owner_school", "owner_trust")
        .order_by("opened_on", "id")
    ):
        cases[case.pupil_id] = case  # the latest open case
    return cases


def reach_problem(link: CarerLink, *, email_allowed: bool) -> str:
    """What is missing for a parent to be reached, or '' if they can be."""
    carer = link.carer
    if postal_address(carer) or (email_allowed and own_email(link)):
        return ""
    if not carer.email.strip():
        email = "and no email address"
    elif not email_allowed:
        email = "and letters are not emailed here"
    elif carer.email_letters_consent_on is None:
        email = "and no written consent to letters by email"
    else:
        others = ", ".join(other.full_name for other in email_shared_with(carer=carer))
        email = f"and their email address is shared with {others}"
    return f"no postal address is recorded, {email}"


def own_email(link: CarerLink) -> str:
    """The parent's own email address if they consented in writing to letters by email."""
    carer = link.carer
    consented = carer.email.strip() and carer.email_letters_consent_on is not None
    if consented and not email_shared_with(carer=carer):
        return carer.email.strip()
    return ""


def _gaps(wording: Wording, fields: dict[str, str]) -> list[str]:
    texts = [wording.heading, *(paragraph.text for paragraph in wording.paragraphs)]
    names = [
        name
        for text in texts
        for _, name, _, _ in string.Formatter().parse(text)
        if name and name not in fields
    ]
    return list(dict.fromkeys(name.replace("_", " ") for name in names))


def _email_allowed(case: Case) -> bool:
    correspondence = load_profile(case.profile_key).correspondence
    return correspondence is None or "email_with_written_consent" in correspondence.channels


def _post_allowed(case: Case) -> bool:
    correspondence = load_profile(case.profile_key).correspondence
    return correspondence is None or "first_class_post" in correspondence.channels


def batch_plan(
    *,
    user: User,
    school: School,
    letter_key: str,
    list_kind: str,
    met_from: dt.date | None,
    met_to: dt.date | None,
    period_from: dt.date | None,
    period_to: dt.date | None,
    on: dt.date,
) -> BatchPlan:
    """Who gets the letter, by which channel, and who is left out and why."""
    offered = dict(bulk_letters(school=school))
    if letter_key not in offered:
        raise ValidationError({"letter": "Choose a letter that can be sent in bulk"})
    wording = latest_wording(letter_key)
    assert wording is not None
    if "period" in wording.needs:
        if period_from is None or period_to is None:
            raise ValidationError({"period_from": "Give the period the letters' figures cover"})
        if period_to < period_from:
            raise ValidationError({"period_to": "The end of the period is before its start"})
        if period_to > on:
            raise ValidationError({"period_to": "The period cannot end after today"})
    plan = BatchPlan(
        school=school,
        letter_key=letter_key,
        title=offered[letter_key],
        list_label=list_label(list_kind=list_kind, met_from=met_from, met_to=met_to),
        period_from=period_from if "period" in wording.needs else None,
        period_to=period_to if "period" in wording.needs else None,
        on=on,
    )
    pupils = list_children(school=school, list_kind=list_kind, met_from=met_from, met_to=met_to)
    cases = _open_cases(school, pupils)
    for pupil in pupils:
        child = pupil.display_name
        case = cases.get(pupil.pk)
        if case is None:
            plan.left_out.append(LeftOut(child, NO_CASE.format(school=school.name, child=child)))
            continue
        reason = _case_problem(user=user, case=case, wording=wording, plan=plan)
        if reason:
            plan.left_out.append(LeftOut(child, reason))
            continue
        entry = load_profile(case.profile_key).letters[letter_key]
        letters, reason = _parents(case, entry)
        if reason:
            plan.left_out.append(LeftOut(child, reason))
        else:
            plan.letters.extend(letters)
    return plan


def _case_problem(*, user: User, case: Case, wording: Wording, plan: BatchPlan) -> str:
    child = case.pupil.display_name
    writer = acting_for(user=user, case=case, on=plan.on)
    if (
        writer is None
        or getattr(writer, "pk", None) != plan.school.pk
        or not isinstance(writer, School)
    ):
        owner = case.owner_school or case.owner_trust or case.owner_local_authority
        return NOT_WRITER.format(child=child, owner=getattr(owner, "name", "another organisation"))
    profile = load_profile(case.profile_key)
    if plan.letter_key not in profile.letters:
        return NOT_IN_PROFILE.format(title=plan.title, child=child, profile=profile.name)
    fields = letter_fields(
        case=case,
        wording=wording,
        dated=plan.on,
        contact_name="-",
        organisation=plan.school.name,
        period_from=plan.period_from,
        period_to=plan.period_to,
        meeting=None,
        leave_request=None,
    )
    gaps = _gaps(wording, fields)
    if gaps:
        return GAP.format(what=" or ".join(gaps), child=child)
    assert "[not recorded]" not in fill(wording.heading, fields)
    return ""


def _parents(case: Case, entry: LetterEntry) -> tuple[list[PlannedLetter], str]:
    pupil = case.pupil
    child = pupil.display_name
    child_first = pupil.preferred_forename or pupil.legal_forename
    links = letter_recipients(case=case, entry=entry)
    if not links:
        return [], NO_PARENT.format(child=child)
    email_allowed, post_allowed = _email_allowed(case), _post_allowed(case)
    letters, problems = [], []
    for link in links:
        parent = link.carer.full_name
        relationship = f"{child_first}'s {link.get_relationship_display().lower()}"
        email = own_email(link) if email_allowed else ""
        address = postal_address(link.carer) if post_allowed else ()
        if email:
            channel, sent_to = "email", email
        elif address:
            channel, sent_to = "post", "\n".join(address)
        else:
            missing = reach_problem(link, email_allowed=email_allowed)
            who = f"{parent} ({relationship})"
            problems.append(CANNOT_REACH.format(parent=who, missing=missing))
            continue
        letters.append(PlannedLetter(case, link, child, parent, relationship, channel, sent_to))
    if problems:
        return [], HELD_BACK + "; ".join(problems)
    return letters, ""
