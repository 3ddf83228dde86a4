"""Writes for local authorities, trusts, schools and school calendars."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from rollcall import statutory
from rollcall.core.audit import Verb, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import (
    Closure,
    LocalAuthority,
    RegistrationGroup,
    School,
    Term,
    Trust,
)

URN_PATTERN = re.compile(r"^\d{6}$")
LA_CODE_PATTERN = re.compile(r"^\d{3}$")
ESTAB_PATTERN = re.compile(r"^\d{4}$")


def _minutes_between(opens: dt.time, closes: dt.time) -> int:
    return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)


def register_times_validate(
    *, am_opens: dt.time, am_closes: dt.time, pm_opens: dt.time, pm_closes: dt.time, on: dt.date
) -> None:
    """The register closes after it opens and no more than the statutory limit later (WTISA)."""
    rules = statutory.on(on).registers
    if rules is None:
        raise ValidationError(f"rollcall holds no register rules for {on}")
    limit = rules.register_closing_limit.amount
    errors: dict[str, str] = {}
    for session, opens, closes in (("am", am_opens, am_closes), ("pm", pm_opens, pm_closes)):
        minutes = _minutes_between(opens, closes)
        if minutes <= 0:
            errors[f"{session}_register_closes"] = (
                f"The {session.upper()} register must close after it opens ({opens:%H:%M})"
            )
        elif minutes > limit:
            errors[f"{session}_register_closes"] = (
                f"The {session.upper()} register closes {minutes} minutes after it opens; "
                f"the most allowed is {limit} minutes"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def local_authority_create(
    *, actor: Actor, code: str, name: str, policy_profile: str = "national"
) -> LocalAuthority:
    if not LA_CODE_PATTERN.match(code):
        raise ValidationError({"code": f"An LA number is three digits, got {code!r}"})
    la = LocalAuthority.objects.create(code=code, name=name, policy_profile=policy_profile)
    audit_record(actor=actor, verb=Verb.LOCAL_AUTHORITY_CREATE, target=la, summary=f"Added {la}")
    return la


@transaction.atomic
def trust_create(*, actor: Actor, name: str, policy_profile: str = "national") -> Trust:
    trust = Trust.objects.create(name=name, policy_profile=policy_profile)
    audit_record(actor=actor, verb=Verb.TRUST_CREATE, target=trust, summary=f"Added trust {name}")
    return trust


@transaction.atomic
def school_create(
    *,
    actor: Actor,
    urn: str,
    name: str,
    local_authority: LocalAuthority,
    establishment_number: str,
    phase: str,
    kind: str = School.Kind.MAINTAINED,
    trust: Trust | None = None,
    address_line_1: str = "",
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
    headteacher_title: str = "",
    headteacher_forename: str = "",
    headteacher_surname: str = "",
    email: str = "",
    am_register_opens: dt.time = dt.time(8, 40),
    am_register_closes: dt.time = dt.time(9, 10),
    pm_register_opens: dt.time = dt.time(13, 15),
    pm_register_closes: dt.time = dt.time(13, 45),
    on: dt.date,
) -> School:
    errors: dict[str, str] = {}
    if not URN_PATTERN.match(urn):
        errors["urn"] = f"A URN is six digits, got {urn!r}"
    elif School.objects.filter(urn=urn).exists():
        errors["urn"] = f"A school with URN {urn} already exists"
    if not ESTAB_PATTERN.match(establishment_number):
        errors["establishment_number"] = (
            f"A DfE establishment number is four digits, got {establishment_number!r}"
        )
    if phase not in School.Phase.values:
        errors["phase"] = f"Unknown phase {phase!r}"
    if email.strip():
        try:
            validate_email(email.strip())
        except ValidationError:
            errors["email"] = f"{email.strip()!r} is not an email address"
    if errors:
        raise ValidationError(errors)
    register_times_validate(
        am_opens=am_register_opens,
        am_closes=am_register_closes,
        pm_opens=pm_register_opens,
        pm_closes=pm_register_closes,
        on=on,
    )
    school = School.objects.create(
        urn=urn,
        name=name,
        local_authority=local_authority,
        establishment_number=establishment_number,
        phase=phase,
        kind=kind,
        trust=trust,
        address_line_1=address_line_1.strip(),
        address_line_2=address_line_2.strip(),
        town=town.strip(),
        postcode=postcode.strip().upper(),
        headteacher_title=headteacher_title.strip(),
        headteacher_forename=headteacher_forename.strip(),
        headteacher_surname=headteacher_surname.strip(),
        email=email.strip(),
        am_register_opens=am_register_opens,
        am_register_closes=am_register_closes,
        pm_register_opens=pm_register_opens,
        pm_register_closes=pm_register_closes,
    )
    audit_record(
        actor=actor,
        verb=Verb.SCHOOL_CREATE,
        target=school,
        summary=f"Added {school}",
        school_urn=urn,
    )
    return school


@transaction.atomic
def term_create(
    *, actor: Actor, school: School, name: str, starts_on: dt.date, ends_on: dt.date
) -> Term:
    if ends_on < starts_on:
        raise ValidationError(
            {"ends_on": f"{name} ends ({ends_on}) before it starts ({starts_on})"}
        )
    overlapping = school.terms.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if overlapping is not None:
        raise ValidationError({"starts_on": f"{name} overlaps {overlapping}"})
    term = Term.objects.create(school=school, name=name, starts_on=starts_on, ends_on=ends_on)
    audit_record(
        actor=actor,
        verb=Verb.TERM_CREATE,
        target=term,
        summary=f"Added term {term} at {school.name}",
        school_urn=school.urn,
    )
    return term


@transaction.atomic
def closure_create(
    *,
    actor: Actor,
    school: School,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
    sessions: str = Closure.Sessions.BOTH,
    note: str = "",
) -> Closure:
    if ends_on < starts_on:
        raise ValidationError(
            {"ends_on": f"The closure ends ({ends_on}) before it starts ({starts_on})"}
        )
    if reason not in Closure.Reason.values:
        raise ValidationError({"reason": f"Unknown closure reason {reason!r}"})
    if sessions not in Closure.Sessions.values:
        raise ValidationError({"sessions": f"sessions must be both, AM or PM, got {sessions!r}"})
    closure = Closure.objects.create(
        school=school,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        sessions=sessions,
        note=note,
    )
    audit_record(
        actor=actor,
        verb=Verb.CLOSURE_CREATE,
        target=closure,
        summary=f"Recorded closure {closure} at {school.name}",
        school_urn=school.urn,
    )
    return closure


@transaction.atomic
def registration_group_create(
    *, actor: Actor, school: School, name: str, year_group: str = ""
) -> RegistrationGroup:
    if school.registration_groups.filter(name=name).exists():
        raise ValidationError({"name": f"{school.name} already has a group called {name}"})
    group = RegistrationGroup.objects.create(school=school, name=name, year_group=year_group)
    audit_record(
        actor=actor,
        verb=Verb.REGISTRATION_GROUP_CREATE,
        target=group,
        summary=f"Added registration group {name} at {school.name}",
        school_urn=school.urn,
    )
    return group
